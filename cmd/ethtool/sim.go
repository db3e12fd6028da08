package ethtool

import (
	"fmt"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/pkg/nic"
	report "github.com/stackbox/stackbox/pkg/report/ethtool"
)

// simNIC answers an invocation with --sim: the simulated NIC of a host of
// the reference stack, read and changed through the same code and
// renderers as a host NIC.
//
// Reads (DEVNAME, -i, -g, -l, -c, -k, -S, -a, -T) look at the session or
// scenario at --at (default: a session's current time, a scenario's end).
//
// Changes (-G, -L, -C, -K, -A) on a session are made at the session's
// current time and, when ethtool would succeed, appended to its log;
// --at cannot go with them. On a scenario a change is made on that one
// run, prints what ethtool prints, and is not kept: a notice on stderr
// says so.
func simNIC(opts *Options, inv invocation) error {
	if err := inv.sim.Check("ethtool"); err != nil {
		return &plainError{code: 1, msg: err.Error()}
	}
	if inv.netns != "" {
		return &plainError{code: 1, msg: "ethtool: --netns and --sim cannot go together"}
	}
	_, change := setKinds[inv.mode]
	if change && inv.sim.HasAt {
		sess, _, err := inv.sim.Session()
		if err == nil && sess != nil {
			return &plainError{code: 1, msg: fmt.Sprintf(
				"ethtool: --at cannot go with a change to session %s: changes are made at its current time (%s; advance it with: stackbox sim run %s DURATION)",
				sess.Name, sess.Now, sess.Name)}
		}
	}
	o, err := inv.sim.OpenSim()
	if err != nil {
		return &plainError{code: 1, msg: "ethtool: " + err.Error()}
	}
	h := o.View.Host
	if h.Interface(inv.dev) == nil {
		return &plainError{code: 1, msg: fmt.Sprintf("ethtool: host %s of scenario %s has no device %s", h.Name, o.Network.Scenario.Name, inv.dev)}
	}
	dev, cfg, err := session.NICOf(h, inv.dev)
	if err != nil {
		return &plainError{code: 1, msg: "ethtool: " + err.Error()}
	}
	if !change {
		err = query(opts, inv, simDevice{Device: dev, Configurer: cfg})
		if err != nil && inv.json {
			report.EmptyJSON(opts.IO.Out)
		}
		return err
	}
	rec := &recorder{cfg: cfg, mode: inv.mode}
	if err := query(opts, inv, simDevice{Device: dev, Configurer: rec}); err != nil || rec.change == nil {
		return err
	}
	c := *rec.change
	c.Host, c.Target = h.Name, inv.dev
	if o.Session == nil {
		fmt.Fprintf(opts.IO.ErrOut, "ethtool: note: %s is a scenario, not a session: the change was made on this run only and is not kept "+
			"(keep changes in a session: stackbox sim new NAME --scenario %s)\n", inv.sim.Scenario, inv.sim.Scenario)
		return nil
	}
	o.Session.Append(c)
	if err := o.Store.Save(o.Session); err != nil {
		return &plainError{code: 1, msg: "ethtool: " + err.Error()}
	}
	return nil
}

// simDevice is a simulated NIC with its setter side.
type simDevice struct {
	nic.Device
	nic.Configurer
}

// setKinds maps the setting modes to the kind of session change each
// makes.
var setKinds = map[mode]session.Kind{
	modeSetRings: session.KindRings, modeSetChannels: session.KindChannels,
	modeSetCoalesce: session.KindCoalesce, modeSetFeatures: session.KindFeatures,
	modeSetPause: session.KindPause,
}

// recorder passes a change to the NIC and, when the NIC takes it,
// records it as a session change (without host and target).
type recorder struct {
	cfg    nic.Configurer
	mode   mode
	change *session.Change
}

func (r *recorder) record(params []session.Param) {
	r.change = &session.Change{Kind: setKinds[r.mode], Params: params}
}

// nicParams converts NIC parameters to a change's, writing on/off
// parameters as "on" and "off".
func (r *recorder) nicParams(ps []nic.Param) []session.Param {
	out := make([]session.Param, len(ps))
	for i, p := range ps {
		v := fmt.Sprint(p.Value)
		for _, sp := range setOptions[r.mode].params {
			if sp.name == p.Name && sp.onOff {
				v = onOffWord(p.Value != 0)
			}
		}
		out[i] = session.Param{Name: p.Name, Value: v}
	}
	return out
}

func onOffWord(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func (r *recorder) set(f func([]nic.Param) error, ps []nic.Param) error {
	if err := f(ps); err != nil {
		return err
	}
	r.record(r.nicParams(ps))
	return nil
}

func (r *recorder) SetChannels(ps []nic.Param) error { return r.set(r.cfg.SetChannels, ps) }
func (r *recorder) SetRings(ps []nic.Param) error    { return r.set(r.cfg.SetRings, ps) }
func (r *recorder) SetCoalesce(ps []nic.Param) error { return r.set(r.cfg.SetCoalesce, ps) }
func (r *recorder) SetPause(ps []nic.Param) error    { return r.set(r.cfg.SetPause, ps) }

func (r *recorder) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	diffs, err := r.cfg.SetFeatures(req)
	if err != nil {
		return diffs, err
	}
	ps := make([]session.Param, len(req))
	for i, fr := range req {
		ps[i] = session.Param{Name: fr.Name, Value: onOffWord(fr.On)}
	}
	r.record(ps)
	return diffs, nil
}
