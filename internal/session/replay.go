package session

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Replay builds the session's network, starts its workloads and runs it
// to until, making every change logged at or before until once the clock
// reaches the change's time. A change that fails (it succeeded when it
// was logged, so only a changed model makes it fail) is an error naming
// it.
func (s *Session) Replay(until sim.Time) (*ref.Network, error) {
	sc, err := s.ParseScenario()
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", s.Name, err)
	}
	n, err := ref.Build(sc)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", s.Name, err)
	}
	if err := n.Start(); err != nil {
		return nil, fmt.Errorf("session %s: %w", s.Name, err)
	}
	for i, c := range s.Changes {
		if c.At > until {
			break
		}
		n.Run(c.At)
		if _, err := Apply(n, c); err != nil {
			return nil, fmt.Errorf("session %s: change %d (at %s on %s: %s): %w", s.Name, i+1, c.At, c.Host, c.Command(), err)
		}
	}
	n.Run(until)
	return n, nil
}

// NICOf returns the simulated NIC dev of host h: its read side and its
// setter side. Tests may replace it.
var NICOf = func(h *ref.Host, dev string) (nic.Device, nic.Configurer, error) {
	return h.View().NIC(dev)
}

// Apply makes change c on the running network n, now. For a features
// change it returns the NIC's report on each feature (what ethtool -K
// prints), for other kinds nil.
func Apply(n *ref.Network, c Change) ([]nic.FeatureDiff, error) {
	h := n.Host(c.Host)
	if h == nil {
		return nil, fmt.Errorf("no host %q", c.Host)
	}
	if c.Kind == KindSysctl {
		if len(c.Params) != 1 {
			return nil, errors.New("a sysctl change has one parameter")
		}
		return nil, h.Sysctl.Set(c.Target, c.Params[0].Value)
	}
	if !c.Kind.Valid() {
		return nil, fmt.Errorf("unknown kind %q", c.Kind)
	}
	_, cfg, err := NICOf(h, c.Target)
	if err != nil {
		return nil, err
	}
	return ApplyNIC(cfg, c)
}

// ApplyNIC makes an ethtool change c through cfg.
func ApplyNIC(cfg nic.Configurer, c Change) ([]nic.FeatureDiff, error) {
	if c.Kind == KindFeatures {
		req := make([]nic.FeatureRequest, len(c.Params))
		for i, p := range c.Params {
			on, err := onOff(p)
			if err != nil {
				return nil, err
			}
			req[i] = nic.FeatureRequest{Name: p.Name, On: on}
		}
		return cfg.SetFeatures(req)
	}
	params, err := NICParams(c.Params)
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case KindRings:
		err = cfg.SetRings(params)
	case KindChannels:
		err = cfg.SetChannels(params)
	case KindCoalesce:
		err = cfg.SetCoalesce(params)
	case KindPause:
		err = cfg.SetPause(params)
	default:
		err = fmt.Errorf("%s is not a NIC change", c.Kind)
	}
	return nil, err
}

// NICParams converts a change's parameters to the NIC's: "on" is 1,
// "off" 0, anything else a decimal number of at most 32 bits.
func NICParams(ps []Param) ([]nic.Param, error) {
	out := make([]nic.Param, len(ps))
	for i, p := range ps {
		var v uint64
		switch p.Value {
		case "on":
			v = 1
		case "off":
		default:
			var err error
			v, err = strconv.ParseUint(p.Value, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: bad value %q (want a number or on/off)", p.Name, p.Value)
			}
		}
		out[i] = nic.Param{Name: p.Name, Value: uint32(v)}
	}
	return out, nil
}

func onOff(p Param) (bool, error) {
	switch p.Value {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, fmt.Errorf("feature %s: bad value %q (want on or off)", p.Name, p.Value)
}
