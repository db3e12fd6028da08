package sysctl

import (
	"fmt"
	"slices"
	"strings"
)

// Lengths of the kernel's string buffers: a write is cut to one less.
const (
	caNameMax = 16   // TCP_CA_NAME_MAX
	caBufMax  = 2048 // TCP_CA_BUF_MAX
	ifNameSiz = 16   // IFNAMSIZ, default_qdisc
)

// Set writes value to a sysctl the way writing it to /proc/sys does (the
// write sysctl -w makes): integers in C notation, vectors separated by
// white space; see parse.go for the details Linux keeps. An empty value
// changes nothing. A vector write that fails part-way keeps the values
// stored before the bad one, as Linux does. Errors are *Error wrapping
// ErrUnknown, ErrReadOnly, ErrInvalid or ErrNotAvailable.
func (t *Tree) Set(name, value string) error {
	i, ok := index[name]
	if !ok {
		return &Error{Op: "set", Name: name, Value: value, Err: ErrUnknown}
	}
	d := &table[i]
	if d.readOnly {
		return &Error{Op: "set", Name: name, Value: value, Err: ErrReadOnly}
	}
	var before snapshot
	if len(t.hooks) > 0 {
		before = t.snapshot()
	}
	var err error
	if d.str != notString {
		err = t.setString(d, value)
	} else {
		err = t.setInts(d, value)
	}
	if len(t.hooks) > 0 {
		t.notify(&before)
	}
	if err != nil {
		return &Error{Op: "set", Name: name, Value: value, Err: err}
	}
	return nil
}

func (t *Tree) setInts(d *def, s string) error {
	if s == "" {
		return nil
	}
	atomic := d.atomic || d.check != nil
	var nv [3]int64
	base := int(d.slot)
	copy(nv[:d.n], t.ints[base:base+int(d.n)])
	got := 0
	var err error
	for p := s; got < int(d.n); got++ {
		if p = skipSpace(p); p == "" {
			break
		}
		var mag uint64
		var neg bool
		if mag, neg, p, err = parseNum(p); err != nil {
			break
		}
		var v int64
		if v, err = d.toValue(mag, neg); err != nil {
			break
		}
		if err = t.inRange(d, v); err != nil {
			break
		}
		if d.ms {
			v = (v + msPerTick - 1) / msPerTick * msPerTick
		}
		nv[got] = v
		if !atomic {
			t.ints[base+got] = v
		}
	}
	if err == nil && got == 0 {
		err = invalidf("no value")
	}
	if err != nil {
		return err
	}
	if d.check != nil {
		if err := d.check(t, nv[:d.n]); err != nil {
			return err
		}
	}
	copy(t.ints[base:base+int(d.n)], nv[:d.n])
	return nil
}

func (t *Tree) inRange(d *def, v int64) error {
	if v < d.min || v > d.max {
		return invalidf("%d out of range [%d, %d]", v, d.min, d.max)
	}
	if d.minRef != 0 {
		if k := d.minRef - 1; v < t.ints[k] {
			return invalidf("%d below %s %d", v, knobName[k], t.ints[k])
		}
	}
	if d.maxRef != 0 {
		if k := d.maxRef - 1; v > t.ints[k] {
			return invalidf("%d above %s %d", v, knobName[k], t.ints[k])
		}
	}
	return nil
}

// procString is proc_dostring's write: the value stops at a newline or a
// NUL and is cut to the buffer's size.
func procString(s string, size int) string {
	if i := strings.IndexAny(s, "\n\x00"); i >= 0 {
		s = s[:i]
	}
	if len(s) > size-1 {
		s = s[:size-1]
	}
	return s
}

func (t *Tree) setString(d *def, s string) error {
	if s == "" {
		return nil
	}
	switch d.str {
	case strCongestionControl:
		// tcp_set_default_congestion_control; the new default also
		// becomes allowed.
		name := procString(s, caNameMax)
		b := t.bit(name)
		if b == 0 {
			return fmt.Errorf("%w: congestion control %q", ErrNotAvailable, name)
		}
		t.cc = name
		t.allowed |= b
	case strAllowedCongestionControl:
		// tcp_set_allowed_congestion_control: names separated by single
		// spaces, up to the first empty one; all must exist.
		var mask uint64
		for _, name := range strings.Split(procString(s, caBufMax), " ") {
			if name == "" {
				break
			}
			b := t.bit(name)
			if b == 0 {
				return fmt.Errorf("%w: congestion control %q", ErrNotAvailable, name)
			}
			mask |= b
		}
		t.allowed = mask
	case strDefaultQdisc:
		name := procString(s, ifNameSiz)
		if !slices.Contains(t.qdiscs, name) {
			return fmt.Errorf("%w: qdisc %q", ErrNotAvailable, name)
		}
		t.qdisc = name
	default:
		return ErrReadOnly
	}
	return nil
}

// SetAvailableCongestionControl sets the algorithms the stack implements,
// in registration order, as tcp_available_congestion_control lists them.
// The allowed ones stay allowed; the default must remain available.
func (t *Tree) SetAvailableCongestionControl(names ...string) error {
	if err := checkNames(names, caNameMax, 64); err != nil {
		return fmt.Errorf("sysctl: congestion controls: %w", err)
	}
	if !slices.Contains(names, t.cc) {
		return fmt.Errorf("sysctl: congestion controls: %w: default %q missing", ErrInvalid, t.cc)
	}
	var before snapshot
	if len(t.hooks) > 0 {
		before = t.snapshot()
	}
	var mask uint64
	for i, n := range names {
		if t.CongestionControlAllowed(n) {
			mask |= 1 << i
		}
	}
	t.avail, t.allowed = slices.Clone(names), mask
	if len(t.hooks) > 0 {
		t.notify(&before)
	}
	return nil
}

// SetQdiscs sets the names net.core.default_qdisc accepts; the current
// default must be among them.
func (t *Tree) SetQdiscs(names ...string) error {
	if err := checkNames(names, ifNameSiz, 1<<10); err != nil {
		return fmt.Errorf("sysctl: qdiscs: %w", err)
	}
	if !slices.Contains(names, t.qdisc) {
		return fmt.Errorf("sysctl: qdiscs: %w: default %q missing", ErrInvalid, t.qdisc)
	}
	t.qdiscs = slices.Clone(names)
	return nil
}

func checkNames(names []string, size, most int) error {
	if len(names) == 0 || len(names) > most {
		return invalidf("%d names, want 1 to %d", len(names), most)
	}
	for i, n := range names {
		if n == "" || len(n) > size-1 || strings.ContainsAny(n, " \t\n\x00") {
			return invalidf("bad name %q", n)
		}
		if slices.Contains(names[:i], n) {
			return invalidf("%q twice", n)
		}
	}
	return nil
}

// snapshot holds the values a Set may change, to tell hooks what did.
type snapshot struct {
	ints [numKnobs]int64
	strs [strDefaultQdisc + 1]string // formatted, by strKind
}

func (t *Tree) snapshot() snapshot {
	s := snapshot{ints: t.ints}
	for _, i := range stringDefs {
		s.strs[table[i].str] = t.format(&table[i])
	}
	return s
}

func (t *Tree) notify(b *snapshot) {
	for i := range table {
		d := &table[i]
		var changed bool
		if d.str != notString {
			changed = b.strs[d.str] != t.format(d)
		} else {
			lo, hi := int(d.slot), int(d.slot)+int(d.n)
			changed = !slices.Equal(b.ints[lo:hi], t.ints[lo:hi])
		}
		if changed {
			for _, f := range t.hooks {
				f(d.name)
			}
		}
	}
}
