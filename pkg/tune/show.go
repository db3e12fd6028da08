package tune

import "errors"

// KnobValue is one sysctl of the catalogue on a target.
type KnobValue struct {
	Name  string `json:"name"`
	Group string `json:"group"`
	// Value is "" when Missing.
	Value   string `json:"value"`
	Missing bool   `json:"missing,omitempty"`
	// Global: not per network namespace (tune leaves it alone in one).
	Global bool   `json:"global,omitempty"`
	Error  string `json:"error,omitempty"`
}

// NICGroupValues is one group of a NIC's settings.
type NICGroupValues struct {
	Group  string     `json:"group"`
	Params []NICParam `json:"params,omitempty"`
	// Error is why the group could not be read ("operation not
	// supported" for a NIC without rings, say).
	Error string `json:"error,omitempty"`
}

// NICValues is one NIC's settings.
type NICValues struct {
	Name   string           `json:"name"`
	Groups []NICGroupValues `json:"groups"`
}

// State is every knob of a target.
type State struct {
	Target  string      `json:"target"`
	Sysctls []KnobValue `json:"sysctls"`
	NICs    []NICValues `json:"nics"`
}

// Show reads every catalogue knob and every NIC setting of a target.
// Offloads are summed up as ethtool's legacy flags (gro, tso, ...).
func Show(t Target) (*State, error) {
	st := &State{Target: t.Name(), Sysctls: []KnobValue{}, NICs: []NICValues{}}
	for _, k := range Knobs {
		kv := KnobValue{Name: k.Name, Group: k.Group, Global: !k.PerNetns}
		v, err := t.Sysctl(k.Name)
		switch {
		case errors.Is(err, ErrNoKnob):
			kv.Missing = true
		case err != nil:
			kv.Error = err.Error()
		default:
			kv.Value = v
		}
		st.Sysctls = append(st.Sysctls, kv)
	}
	names, err := t.NICs()
	if err != nil {
		return st, err
	}
	for _, n := range names {
		nv := NICValues{Name: n}
		d, _, err := t.NIC(n)
		if err != nil {
			nv.Groups = append(nv.Groups, NICGroupValues{Group: "", Error: err.Error()})
			st.NICs = append(st.NICs, nv)
			continue
		}
		for _, g := range NICGroups {
			ps, err := ReadNIC(d, g)
			gv := NICGroupValues{Group: g}
			if err != nil {
				gv.Error = err.Error()
			} else if g == GroupOffload {
				gv.Params = LegacyOffloads(ps)
			} else {
				gv.Params = ps
			}
			nv.Groups = append(nv.Groups, gv)
		}
		st.NICs = append(st.NICs, nv)
	}
	return st, nil
}
