package ethtool

import (
	"fmt"
	"io"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

func featureLine(b *strings.Builder, prefix, name string, f nic.Feature) {
	state := "off"
	if f.Active {
		state = "on"
	}
	suffix := ""
	switch {
	case f.Fixed:
		suffix = " [fixed]"
	case f.Active != f.Wanted && f.Wanted:
		suffix = " [requested on]"
	case f.Active != f.Wanted:
		suffix = " [requested off]"
	}
	fmt.Fprintf(b, "%s%s: %s%s\n", prefix, name, state, suffix)
}

// walkFeatures visits the features in ethtool's -k order: each legacy
// flag (group is called when it does not stand for exactly one feature),
// its features (named by the flag when it stands for one, indented
// otherwise), then the features no legacy flag covers.
func walkFeatures(fs []nic.Feature, group func(long string, on bool), feature func(name string, indent bool, f nic.Feature)) {
	grp := make([]int, len(fs))
	for i, f := range fs {
		grp[i] = -1
		if f.Name == "" {
			continue
		}
		for j, lf := range nic.LegacyFlags {
			if lf.Matches(f.Name) {
				grp[i] = j
				break
			}
		}
	}
	for j, lf := range nic.LegacyFlags {
		if lf.Obsolete {
			continue
		}
		n, on := 0, false
		for i, g := range grp {
			if g == j {
				n++
				on = on || fs[i].Active
			}
		}
		if n != 1 {
			group(lf.Long, on)
		}
		for i, g := range grp {
			if g != j {
				continue
			}
			if n == 1 {
				feature(lf.Long, false, fs[i])
			} else {
				feature(fs[i].Name, true, fs[i])
			}
		}
	}
	for i, f := range fs {
		if f.Name != "" && grp[i] == -1 {
			feature(f.Name, false, f)
		}
	}
}

// Features writes `ethtool -k DEV` output: the legacy flags with the
// features they group, then the other features in the kernel's order.
func Features(w io.Writer, dev string, fs []nic.Feature) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Features for %s:\n", dev)
	walkFeatures(fs,
		func(long string, on bool) {
			state := "off"
			if on {
				state = "on"
			}
			fmt.Fprintf(&b, "%s: %s\n", long, state)
		},
		func(name string, indent bool, f nic.Feature) {
			prefix := ""
			if indent {
				prefix = "\t"
			}
			featureLine(&b, prefix, name, f)
		})
	_, err := io.WriteString(w, b.String())
	return err
}
