package sysctl

import (
	"fmt"
	"slices"
)

// Built once from table: the lookups by name, the sorted names, each knob's
// sysctl name, and the string sysctls.
var (
	index      map[string]int // name -> position in table (read only)
	names      []string
	knobName   [numKnobs]string
	stringDefs []int
)

func init() {
	slices.SortFunc(table, func(a, b def) int { return compareNames(a.name, b.name) })
	index = make(map[string]int, len(table))
	var owner [numKnobs]bool
	for i := range table {
		d := &table[i]
		if _, dup := index[d.name]; dup {
			panic("sysctl: duplicate " + d.name)
		}
		index[d.name] = i
		names = append(names, d.name)
		if d.str != notString {
			stringDefs = append(stringDefs, i)
			continue
		}
		for j := 0; j < int(d.n); j++ {
			k := int(d.slot) + j
			if k >= int(numKnobs) || owner[k] {
				panic(fmt.Sprintf("sysctl: %s: knob %d taken", d.name, k))
			}
			owner[k] = true
			knobName[k] = d.name
		}
	}
	for k, ok := range owner {
		if !ok {
			panic(fmt.Sprintf("sysctl: knob %d has no sysctl", k))
		}
	}
}

// compareNames orders names as `sysctl -a` lists them: directory by
// directory, each directory's entries in byte order (scandir with
// alphasort in the C locale). Comparing with '.' below every other byte
// gives that order.
func compareNames(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca == '.' {
			return -1
		}
		if cb == '.' {
			return 1
		}
		if ca < cb {
			return -1
		}
		return 1
	}
	return len(a) - len(b)
}

// Info describes a sysctl.
type Info struct {
	Name string
	// Len is the number of integer values (1 for a scalar, 2 or 3 for a
	// vector), 0 for a string.
	Len int
	// Knob is the first integer value's knob (string sysctls have none).
	Knob Knob
	// Min and Max bound each integer value (further bounds that depend on
	// other sysctls are not shown).
	Min, Max int64
	ReadOnly bool
	// PerNetns reports that Linux keeps one value per network namespace.
	PerNetns bool
}

// Lookup describes the sysctl called name.
func Lookup(name string) (Info, bool) {
	i, ok := index[name]
	if !ok {
		return Info{}, false
	}
	d := &table[i]
	return Info{
		Name: d.name, Len: int(d.n), Knob: d.slot, Min: d.min, Max: d.max,
		ReadOnly: d.readOnly, PerNetns: d.scope != global,
	}, true
}

// String returns the knob's sysctl name, with the element's index for a
// vector ("net.ipv4.tcp_rmem[2]").
func (k Knob) String() string {
	if k >= numKnobs {
		return fmt.Sprintf("Knob(%d)", int(k))
	}
	d := &table[index[knobName[k]]]
	if d.n == 1 {
		return d.name
	}
	return fmt.Sprintf("%s[%d]", d.name, int(k-d.slot))
}
