//go:build linux

package ethtooldiff

import "github.com/stackbox/stackbox/internal/linediff"

// lineDiff lists the changes from a to b (see linediff.Diff).
func lineDiff(aName, a, bName, b string) string { return linediff.Diff(aName, a, bName, b) }
