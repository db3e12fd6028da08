package ethtool

import (
	"fmt"
	"io"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// FeatureChanges writes ethtool -K's "Actual changes:" report: nothing
// when the result is as requested, otherwise every feature whose result
// differs from the request or whose state changed.
func FeatureChanges(w io.Writer, diffs []nic.FeatureDiff) error {
	show := false
	for _, d := range diffs {
		if d.Mismatch || (d.Changed && !d.Requested) {
			show = true
			break
		}
	}
	if !show {
		return nil
	}
	var b strings.Builder
	b.WriteString("Actual changes:\n")
	for _, d := range diffs {
		if !d.Mismatch && !d.Changed {
			continue
		}
		switch {
		case d.Mismatch:
			fmt.Fprintf(&b, "%s: %s [requested %s]\n", d.Name, onOff(!d.Wanted), onOff(d.Wanted))
		case !d.Requested:
			fmt.Fprintf(&b, "%s: %s [not requested]\n", d.Name, onOff(d.Active))
		default:
			fmt.Fprintf(&b, "%s: %s\n", d.Name, onOff(d.Active))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func onOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}
