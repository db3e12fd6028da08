package tune

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Status is what a plan says of one setting.
type Status string

// Statuses of a planned setting.
const (
	// StatusChange: the value differs and would be changed.
	StatusChange Status = "change"
	// StatusOK: the value is already what the profile asks.
	StatusOK Status = "ok"
	// StatusMissing: the sysctl or NIC does not exist here (reported,
	// not fatal).
	StatusMissing Status = "missing"
	// StatusSkipped: a global knob in a network namespace: changing it
	// would change the host, so it is left alone.
	StatusSkipped Status = "skipped"
	// StatusUnsupported: the NIC does not have the setting.
	StatusUnsupported Status = "unsupported"
	// StatusInvalid: the profile's value cannot be used here (beyond the
	// NIC's maximum, a modifier on a value that is not a number).
	StatusInvalid Status = "invalid"
)

// Item is one setting of a profile resolved against a target.
type Item struct {
	Kind Kind `json:"kind"`
	// Name is the sysctl's name, or GROUP.PARAM of a NIC setting (for an
	// offload the kernel feature's name).
	Name  string `json:"name"`
	Dev   string `json:"dev,omitempty"`
	Group string `json:"group,omitempty"`
	Param string `json:"param,omitempty"`
	// Current is the value found; Max the NIC maximum, if any.
	Current string `json:"current"`
	Max     string `json:"max,omitempty"`
	// Want is the value the profile asks for here (modifiers and
	// maxima resolved); Spec how the profile wrote it (">16777216").
	Want   string `json:"want"`
	Spec   string `json:"spec"`
	Status Status `json:"status"`
	Note   string `json:"note,omitempty"`
}

// Label names the item for people: the sysctl, or "DEV GROUP.PARAM".
func (it *Item) Label() string {
	if it.Kind == KindNIC {
		return it.Dev + " " + it.Group + "." + it.Param
	}
	return it.Name
}

// Plan resolves a profile against a target's current values: what would
// change, what is already there, what cannot be done here.
func Plan(t Target, p *Profile) ([]Item, error) {
	var items []Item
	var nics []string
	nicsRead := false
	cache := map[string][]NICParam{}
	errs := map[string]error{}
	for _, s := range p.Set {
		if s.Kind == KindSysctl {
			items = append(items, planSysctl(t, s))
			continue
		}
		devs := []string{s.Dev}
		if s.Dev == "" {
			if !nicsRead {
				var err error
				if nics, err = t.NICs(); err != nil {
					return nil, fmt.Errorf("list NICs of %s: %w", t.Name(), err)
				}
				nicsRead = true
			}
			devs = nil
			for _, d := range nics {
				if !overridden(p, s, d) {
					devs = append(devs, d)
				}
			}
		}
		for _, dev := range devs {
			items = append(items, planNIC(t, s, dev, cache, errs)...)
		}
	}
	return items, nil
}

// overridden reports whether a [nic DEV] setting replaces the general
// setting s for dev.
func overridden(p *Profile, s Setting, dev string) bool {
	for _, o := range p.Set {
		if o.Kind == KindNIC && o.Dev == dev && o.Name == s.Name {
			return true
		}
	}
	return false
}

func planSysctl(t Target, s Setting) Item {
	it := Item{Kind: KindSysctl, Name: s.Name, Spec: string(s.Op) + s.Value, Want: s.Value}
	cur, err := t.Sysctl(s.Name)
	if err != nil {
		it.Status, it.Note = StatusMissing, "not on this kernel"
		if !errors.Is(err, ErrNoKnob) {
			it.Note = err.Error()
		}
		return it
	}
	it.Current = cur
	if s.Op != OpSet {
		want, err := bound(s.Op, cur, s.Value)
		if err != nil {
			it.Status, it.Note = StatusInvalid, err.Error()
			return it
		}
		it.Want = want
	}
	switch {
	case sameValue(cur, it.Want):
		it.Status = StatusOK
	case t.Namespaced() && !PerNetns(s.Name):
		it.Status, it.Note = StatusSkipped, "global knob: not changed from a network namespace"
	default:
		it.Status = StatusChange
	}
	return it
}

// bound applies a modifier element by element: the larger (">") or the
// smaller ("<") of the current and the given values.
func bound(op Op, cur, val string) (string, error) {
	cf, vf := strings.Fields(cur), strings.Fields(val)
	if len(cf) != len(vf) {
		return "", fmt.Errorf("%d values found, the profile gives %d", len(cf), len(vf))
	}
	out := make([]string, len(cf))
	for i := range cf {
		c, err1 := strconv.ParseInt(cf[i], 10, 64)
		v, err2 := strconv.ParseInt(vf[i], 10, 64)
		if err1 != nil || err2 != nil {
			return "", fmt.Errorf("%s needs numbers (found %q)", op, cur)
		}
		if op == OpRaise && c > v || op == OpLower && c < v {
			v = c
		}
		out[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(out, " "), nil
}

// sameValue compares two sysctl values field by field, numbers by value.
func sameValue(a, b string) bool {
	af, bf := strings.Fields(a), strings.Fields(b)
	if len(af) != len(bf) {
		return false
	}
	for i := range af {
		if af[i] == bf[i] {
			continue
		}
		x, err1 := strconv.ParseInt(af[i], 0, 64)
		y, err2 := strconv.ParseInt(bf[i], 0, 64)
		if err1 != nil || err2 != nil || x != y {
			return false
		}
	}
	return true
}

func planNIC(t Target, s Setting, dev string, cache map[string][]NICParam, errs map[string]error) []Item {
	it := Item{Kind: KindNIC, Name: s.Name, Dev: dev, Group: s.Group, Param: s.Param, Spec: string(s.Op) + s.Value, Want: s.Value}
	key := dev + "\x00" + s.Group
	params, ok := cache[key]
	err := errs[key]
	if !ok && err == nil {
		var d nic.Device
		d, _, err = t.NIC(dev)
		if err == nil {
			params, err = ReadNIC(d, s.Group)
		}
		cache[key], errs[key] = params, err
	}
	if err != nil {
		it.Status, it.Note = StatusUnsupported, err.Error()
		if strings.HasPrefix(err.Error(), "no NIC") {
			it.Status = StatusMissing
		}
		return []Item{it}
	}
	if s.Group == GroupOffload {
		return planOffload(it, params)
	}
	p, ok := findParam(params, s.Param)
	if !ok {
		it.Status, it.Note = StatusUnsupported, "the NIC does not report "+s.Name
		return []Item{it}
	}
	it.Current, it.Max = p.Value, p.Max
	if strings.HasPrefix(s.Param, "adaptive-") {
		it.Status = StatusChange
		if it.Current == it.Want {
			it.Status = StatusOK
		}
		return []Item{it}
	}
	n, div, _ := relative(s.Value)
	var maxv uint64
	if p.Max != "" {
		maxv, _ = strconv.ParseUint(p.Max, 10, 32)
	}
	if div != 0 {
		if p.Max == "" {
			it.Status, it.Note = StatusInvalid, "the NIC reports no maximum"
			return []Item{it}
		}
		n = uint32(max(maxv/uint64(div), 1))
	}
	want := strconv.FormatUint(uint64(n), 10)
	if s.Op != OpSet {
		w, err := bound(s.Op, p.Value, want)
		if err != nil {
			it.Status, it.Note = StatusInvalid, err.Error()
			return []Item{it}
		}
		want = w
	}
	it.Want = want
	wv, _ := strconv.ParseUint(want, 10, 32)
	switch {
	case p.Value == want:
		it.Status = StatusOK
	case p.Max != "" && wv > maxv:
		it.Status, it.Note = StatusInvalid, "above the maximum "+p.Max
	default:
		it.Status = StatusChange
	}
	return []Item{it}
}

// planOffload expands an offload setting to the kernel features it
// stands for (a legacy flag such as tso stands for several).
func planOffload(it Item, params []NICParam) []Item {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
	}
	idx, legacy := nic.ExpandFeature(it.Param, names)
	if !legacy {
		for i, n := range names {
			if n == it.Param {
				idx = append(idx, i)
			}
		}
	}
	if len(idx) == 0 {
		it.Status, it.Note = StatusUnsupported, "the NIC has no offload "+it.Param
		return []Item{it}
	}
	var out []Item
	for _, i := range idx {
		f := params[i]
		x := it
		x.Param, x.Name, x.Current = f.Name, GroupOffload+"."+f.Name, f.Value
		switch {
		case f.Value == it.Want:
			x.Status = StatusOK
		case f.Fixed:
			x.Status, x.Note = StatusUnsupported, "fixed: cannot be changed"
		default:
			x.Status = StatusChange
		}
		if legacy {
			x.Spec = it.Param + " " + it.Want
		}
		out = append(out, x)
	}
	return out
}

// Changes returns the items a plan would change, in order.
func Changes(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if it.Status == StatusChange {
			out = append(out, it)
		}
	}
	return out
}
