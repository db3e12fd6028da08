package simtarget

import (
	"fmt"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Sessions returns the store --sim looks for sessions in; tests may
// replace it.
var Sessions = session.Default

// Opened is a simulation a Spec named, run to the spec's time.
type Opened struct {
	Network *ref.Network
	// View is the host looked at.
	View *ref.HostView
	// At is the virtual time the network was run to.
	At sim.Time
	// Session is the session --sim named, nil for a scenario; Store is
	// where it lives.
	Session *session.Session
	Store   *session.Store
}

// Session returns the session the spec names, or nil when it names none
// (a scenario file or a shipped scenario), with its store.
func (s *Spec) Session() (*session.Session, *session.Store, error) {
	st := Sessions()
	if !st.Exists(s.Scenario) {
		return nil, st, nil
	}
	sess, err := st.Load(s.Scenario)
	if err != nil {
		return nil, st, err
	}
	return sess, st, nil
}

// OpenSim opens the session or scenario the spec names, runs it to the
// spec's time (a session's current time, a scenario's end, or --at) and
// opens the view of its host.
func (s *Spec) OpenSim() (*Opened, error) {
	sess, st, err := s.Session()
	if err != nil {
		return nil, err
	}
	o := &Opened{Session: sess, Store: st}
	if sess != nil {
		o.At = sess.Now
		if s.At != "" {
			if o.At, err = s.parseAt(); err != nil {
				return nil, err
			}
		}
		if o.Network, err = sess.Replay(o.At); err != nil {
			return nil, err
		}
	} else {
		sc, err := scenario.Resolve(s.Scenario)
		if err != nil {
			return nil, err
		}
		if o.At, err = s.Until(sc); err != nil {
			return nil, err
		}
		if o.Network, err = ref.Simulate(sc, o.At); err != nil {
			return nil, err
		}
	}
	if o.View, err = o.Network.HostView(s.Host); err != nil {
		return nil, fmt.Errorf("--host: %w", err)
	}
	return o, nil
}

func (s *Spec) parseAt() (sim.Time, error) {
	d, err := scenario.ParseDuration(s.At)
	if err != nil {
		return 0, fmt.Errorf("--at: %w", err)
	}
	return sim.FromDuration(d), nil
}
