package sysctl

import (
	"slices"
	"strconv"
	"strings"
)

// Tree is one host's sysctl tree: every knob the reference stack honours,
// under Linux's dotted names, holding Linux's defaults until written. It is
// not safe for concurrent use; a simulation is single-threaded.
type Tree struct {
	ints    [numKnobs]int64
	cc      string   // tcp_congestion_control
	avail   []string // tcp_available_congestion_control, registration order
	allowed uint64   // bit i set: avail[i] is in tcp_allowed_congestion_control
	qdisc   string   // default_qdisc
	qdiscs  []string // the qdiscs default_qdisc may name
	hooks   []func(name string)
}

// DefaultCongestionControls is what tcp_available_congestion_control lists
// until SetAvailableCongestionControl changes it: the algorithms of the
// reference stack, reno first as Linux registers it first.
var DefaultCongestionControls = []string{"reno", "cubic"}

// DefaultQdiscs is the list of names net.core.default_qdisc accepts until
// SetQdiscs changes it.
var DefaultQdiscs = []string{"bfifo", "fq", "fq_codel", "mq", "noqueue", "pfifo", "pfifo_fast", "pfifo_head_drop"}

// New returns a tree with Linux's defaults for the reference machine: a
// 16 GiB host (see ReferenceMemory), CUBIC as the default congestion
// control and pfifo_fast as the default qdisc.
func New() *Tree { return NewWithMemory(ReferenceMemory) }

// NewWithMemory returns a tree with Linux's defaults for a host of ram
// bytes: the knobs Linux sizes from memory at boot (tcp_mem, udp_mem,
// tcp_max_orphans, tcp_max_tw_buckets, tcp_max_syn_backlog,
// nf_conntrack_max and _buckets, fs.file-max, the tcp_rmem and tcp_wmem
// maxima) follow the kernel's formulas.
func NewWithMemory(ram int64) *Tree {
	t := &Tree{cc: "cubic", qdisc: "pfifo_fast"}
	for i := range table {
		d := &table[i]
		copy(t.ints[d.slot:int(d.slot)+int(d.n)], d.dflt[:d.n])
	}
	applyMemory(t, ram)
	t.avail = slices.Clone(DefaultCongestionControls)
	t.allowed = t.bit("reno") | t.bit(t.cc)
	t.qdiscs = slices.Clone(DefaultQdiscs)
	return t
}

// Int returns a knob's value. It is an array read, for the engine's hot
// paths.
func (t *Tree) Int(k Knob) int64 { return t.ints[k] }

// Bool reports whether a knob is non-zero.
func (t *Tree) Bool(k Knob) bool { return t.ints[k] != 0 }

// Publish stores a value the stack owns without checks or hooks: the
// read-only knobs that report state (nf_conntrack_count,
// nf_conntrack_buckets) are kept current this way.
func (t *Tree) Publish(k Knob, v int64) { t.ints[k] = v }

// CongestionControl returns net.ipv4.tcp_congestion_control.
func (t *Tree) CongestionControl() string { return t.cc }

// CongestionControlAllowed reports whether name is in
// net.ipv4.tcp_allowed_congestion_control, the algorithms an unprivileged
// socket may select.
func (t *Tree) CongestionControlAllowed(name string) bool {
	return t.allowed&t.bit(name) != 0
}

// AvailableCongestionControl returns net.ipv4.tcp_available_congestion_control
// as a list, in registration order.
func (t *Tree) AvailableCongestionControl() []string { return slices.Clone(t.avail) }

// DefaultQdisc returns net.core.default_qdisc.
func (t *Tree) DefaultQdisc() string { return t.qdisc }

// OnChange registers f, called with a sysctl's name after a Set changes its
// value (including the side effects of a Set on other sysctls, and the
// owner's SetAvailableCongestionControl). Hooks run in registration order,
// names in Names order. Clone does not copy hooks.
func (t *Tree) OnChange(f func(name string)) { t.hooks = append(t.hooks, f) }

// Clone returns an independent copy of the tree's values, without hooks.
func (t *Tree) Clone() *Tree {
	c := *t
	c.avail = slices.Clone(t.avail)
	c.qdiscs = slices.Clone(t.qdiscs)
	c.hooks = nil
	return &c
}

// Names returns every sysctl name in the order `sysctl -a` prints them.
func Names() []string { return slices.Clone(names) }

// Names returns every sysctl name of the tree in the order `sysctl -a`
// prints them; all trees hold the same names.
func (t *Tree) Names() []string { return Names() }

// Get returns a sysctl's value formatted as /proc/sys shows it (vectors
// joined by tabs, without the trailing newline).
func (t *Tree) Get(name string) (string, error) {
	i, ok := index[name]
	if !ok {
		return "", &Error{Op: "get", Name: name, Err: ErrUnknown}
	}
	return t.format(&table[i]), nil
}

// Diff returns the names whose values differ between t and other, in Names
// order.
func (t *Tree) Diff(other *Tree) []string {
	var out []string
	for i := range table {
		d := &table[i]
		if t.format(d) != other.format(d) {
			out = append(out, d.name)
		}
	}
	return out
}

func (t *Tree) format(d *def) string {
	switch d.str {
	case strCongestionControl:
		return t.cc
	case strAvailableCongestionControl:
		return strings.Join(t.avail, " ")
	case strAllowedCongestionControl:
		var b []byte
		for i, n := range t.avail {
			if t.allowed&(1<<i) != 0 {
				if len(b) > 0 {
					b = append(b, ' ')
				}
				b = append(b, n...)
			}
		}
		return string(b)
	case strDefaultQdisc:
		return t.qdisc
	}
	b := make([]byte, 0, 64)
	for i := 0; i < int(d.n); i++ {
		if i > 0 {
			b = append(b, '\t')
		}
		b = strconv.AppendInt(b, t.ints[int(d.slot)+i], 10)
	}
	return string(b)
}

// bit returns the allowed-mask bit of an available algorithm, or 0.
func (t *Tree) bit(name string) uint64 {
	if i := slices.Index(t.avail, name); i >= 0 {
		return 1 << i
	}
	return 0
}
