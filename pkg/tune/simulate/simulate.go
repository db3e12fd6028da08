// Package simulate is `stackbox tune simulate`: it runs a scenario on the
// reference stack twice, as the scenario sets it up and with a tune
// profile applied at virtual time 0 (through tune's Sim target, as `tune
// apply --sim` would apply it), and sets side by side what the two runs
// measured: per workload goodput, request latency percentiles, UDP loss,
// retransmissions and errors; per host the drops (NIC ring, softnet
// backlog, listen queue, interface, conntrack), TIME_WAIT overflows,
// retransmitted segments, time_squeeze
// and the CPU time of the simulated NIC's receive path, when the model
// accounts for it; per link the frames its queue dropped or the wire lost.
//
// Both runs use the scenario's seed and the same code path, so the result
// is deterministic: the same scenario, profile and time give the same
// bytes.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/tune"
	"github.com/stackbox/stackbox/pkg/tune/doctor"
)

// Options says what to simulate.
type Options struct {
	Scenario *scenario.Scenario
	Profile  *tune.Profile
	// Until is the virtual time both runs stop at; 0 is the scenario's
	// duration.
	Until sim.Time
	// Hosts names the hosts the profile is applied to; empty is every
	// host.
	Hosts []string
}

// Change is one setting the profile changed on a host, or could not.
type Change struct {
	Host string    `json:"host"`
	Item tune.Item `json:"item"`
	// Result is "changed", or the plan's status for a setting not
	// changed ("missing", "unsupported", "invalid", ...), or "failed".
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// Metric is one measurement of both runs. Values are integers in Unit:
// "bit/s", "ns", "packets", "segments", "datagrams", "requests",
// "connections", "errors".
type Metric struct {
	// Name says what was measured and where: "burst: goodput",
	// "sink: ring drops eth0", "links[0] gen:eth0 -> sink:eth0: dropped".
	Name  string `json:"name"`
	Unit  string `json:"unit"`
	Base  int64  `json:"without"`
	Tuned int64  `json:"with"`
	// Better says which way is an improvement: 1 higher, -1 lower.
	Better int `json:"better"`
}

// Result is a simulation's comparison.
type Result struct {
	Scenario string   `json:"scenario"`
	Seed     uint64   `json:"seed"`
	Profile  string   `json:"profile"`
	UntilNS  int64    `json:"until_ns"`
	Hosts    []string `json:"hosts"`
	Changes  []Change `json:"changes"`
	Metrics  []Metric `json:"metrics"`
	// Notes say what could not be measured (a NIC model without CPU
	// accounting, say).
	Notes []string `json:"notes"`
	// Without and With are the two runs' summaries (sim run's).
	Without *ref.Summary `json:"without_summary"`
	With    *ref.Summary `json:"with_summary"`
}

// Run runs both simulations and compares them.
func Run(o Options) (*Result, error) {
	if o.Scenario == nil || o.Profile == nil {
		return nil, errors.New("simulate: a scenario and a profile are needed")
	}
	until := o.Until
	if until <= 0 {
		until = sim.FromDuration(o.Scenario.Duration)
	}
	for _, h := range o.Hosts {
		if !hasHost(o.Scenario, h) {
			return nil, fmt.Errorf("scenario %s has no host %q", o.Scenario.Name, h)
		}
	}
	r := &Result{Scenario: o.Scenario.Name, Seed: o.Scenario.Seed, Profile: o.Profile.Name,
		UntilNS: int64(until), Hosts: []string{}, Changes: []Change{}, Metrics: []Metric{}, Notes: []string{}}

	base, err := ref.Build(o.Scenario)
	if err != nil {
		return nil, err
	}
	tuned, err := ref.Build(o.Scenario)
	if err != nil {
		return nil, err
	}
	for _, h := range tuned.Hosts {
		if len(o.Hosts) > 0 && !contains(o.Hosts, h.Name) {
			continue
		}
		r.Hosts = append(r.Hosts, h.Name)
		changes, err := apply(o, h)
		r.Changes = append(r.Changes, changes...)
		if err != nil {
			return nil, fmt.Errorf("applying %s to %s: %w", o.Profile.Name, h.Name, err)
		}
	}
	for _, n := range []*ref.Network{base, tuned} {
		if err := n.Start(); err != nil {
			return nil, err
		}
		n.Run(until)
	}
	r.Without, r.With = base.Summary(), tuned.Summary()
	bm, notes := measure(base, r.Without)
	tm, _ := measure(tuned, r.With)
	r.Notes = append(r.Notes, notes...)
	r.Metrics = zip(bm, tm)
	return r, nil
}

// apply plans and applies the profile on one host of a network that has
// not started: virtual time 0.
func apply(o Options, h *ref.Host) ([]Change, error) {
	t := tune.NewSim(o.Scenario.Name+"/"+h.Name, h.View())
	items, err := tune.Plan(t, o.Profile)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, it := range items {
		if it.Status != tune.StatusChange && it.Status != tune.StatusOK {
			out = append(out, Change{Host: h.Name, Item: it, Result: string(it.Status), Error: it.Note})
		}
	}
	res, err := tune.Apply(t, items, tune.ApplyOptions{Profile: o.Profile.Name})
	if res != nil {
		for _, oc := range res.Outcomes {
			out = append(out, Change{Host: h.Name, Item: oc.Item, Result: oc.Result, Error: oc.Error})
		}
	}
	return out, err
}

func hasHost(sc *scenario.Scenario, name string) bool {
	for _, h := range sc.Hosts {
		if h.Name == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cpuAccounting is what a host view offers when the simulated NIC model
// accounts the CPU time of its receive path (interrupts, NAPI polls,
// the stack's per-packet work), looked up at run time.
type cpuAccounting interface {
	CPUTime() time.Duration
}

// measure reads one run's figures, in a fixed order: the workloads, then
// each host, then the links.
func measure(n *ref.Network, s *ref.Summary) ([]Metric, []string) {
	var m []Metric
	var notes []string
	add := func(name, unit string, v int64, better int) {
		m = append(m, Metric{Name: name, Unit: unit, Base: v, Better: better})
	}
	for _, w := range s.Workloads {
		p := w.Name + ": "
		if w.Connections != nil {
			add(p+"connections established", "connections", int64(w.Connections.Established), 1)
		}
		add(p+"goodput", "bit/s", w.GoodputBPS, 1)
		if rq := w.Requests; rq != nil {
			add(p+"requests completed", "requests", int64(rq.Completed), 1)
			add(p+"latency p50", "ns", rq.Latency.P50NS, -1)
			add(p+"latency p90", "ns", rq.Latency.P90NS, -1)
			add(p+"latency p99", "ns", rq.Latency.P99NS, -1)
		}
		if u := w.UDP; u != nil {
			add(p+"datagrams received", "datagrams", int64(u.Received), 1)
			add(p+"datagrams lost", "datagrams", int64(u.Lost), -1)
		}
		if w.Connections != nil {
			add(p+"retransmissions", "segments", int64(w.Retransmits), -1)
		}
		var errs uint64
		for _, e := range w.Errors {
			errs += e.Count
		}
		add(p+"errors", "errors", int64(errs), -1)
	}
	ctx := context.Background()
	cpuNoted := false
	for _, h := range n.Hosts {
		v := h.View()
		p := h.Name + ": "
		if cs, err := v.Counters(ctx); err == nil {
			for _, c := range cs.List {
				switch c.Name {
				case "TcpRetransSegs":
					add(p+"retransmitted segments", "segments", int64(c.Value), -1)
				case "TcpExtListenDrops":
					add(p+"listen drops", "packets", int64(c.Value), -1)
				case "TcpExtTCPTimeWaitOverflow":
					add(p+"TIME_WAIT overflows", "connections", int64(c.Value), -1)
				}
			}
		}
		if fs, err := v.FlowStats(ctx); err == nil {
			var drop, early uint64
			for _, c := range fs {
				for _, x := range c.Counters {
					switch x.Name {
					case "drop":
						drop += x.Value
					case "early_drop":
						early += x.Value
					}
				}
			}
			add(p+"conntrack drops", "packets", int64(drop), -1)
			add(p+"conntrack early drops", "connections", int64(early), -1)
		}
		if sn, err := v.Softnet(ctx); err == nil {
			var drops, squeeze uint64
			for _, st := range sn {
				drops += uint64(st.Dropped)
				squeeze += uint64(st.TimeSqueeze)
			}
			add(p+"softnet drops", "packets", int64(drops), -1)
			add(p+"time_squeeze", "events", int64(squeeze), -1)
		}
		if nv, ok := any(v).(doctor.SimNICs); ok {
			for _, ifc := range h.Ifaces {
				d, _, err := nv.NIC(ifc.Name)
				if err != nil {
					continue
				}
				if st, err := d.Stats(); err == nil {
					add(p+"ring drops "+ifc.Name, "packets", int64(doctor.RingDrops(st)), -1)
				}
			}
		}
		for _, ifc := range h.Ifaces {
			add(p+"rx_dropped "+ifc.Name, "packets", int64(ifc.Stats.RxDropped), -1)
			add(p+"tx_dropped "+ifc.Name, "packets", int64(ifc.Stats.TxDropped), -1)
		}
		if ca, ok := any(v).(cpuAccounting); ok {
			add(p+"CPU time", "ns", int64(ca.CPUTime()), -1)
		} else if !cpuNoted {
			cpuNoted = true
			notes = append(notes, "CPU: the reference stack's NIC model does not account CPU time here")
		}
	}
	for _, l := range s.Links {
		p := l.Name + " " + l.From + " -> " + l.To + ": "
		add(p+"dropped", "packets", int64(l.Dropped), -1)
		add(p+"lost", "packets", int64(l.Lost), -1)
	}
	return m, notes
}

// zip pairs the two runs' metrics by name, in the first run's order (then
// any the second has alone), and keeps a row only when it is a workload's
// headline or either run counted something.
func zip(base, tuned []Metric) []Metric {
	idx := make(map[string]int, len(base))
	out := make([]Metric, 0, len(base))
	for _, b := range base {
		idx[b.Name] = len(out)
		out = append(out, b)
	}
	for _, t := range tuned {
		if i, ok := idx[t.Name]; ok {
			out[i].Tuned = t.Base
			continue
		}
		t.Tuned, t.Base = t.Base, 0
		idx[t.Name] = len(out)
		out = append(out, t)
	}
	kept := out[:0]
	for _, m := range out {
		if m.Base != 0 || m.Tuned != 0 || m.Unit == "bit/s" {
			kept = append(kept, m)
		}
	}
	return kept
}
