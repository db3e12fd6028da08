//go:build linux

package nstatdiff

import (
	"fmt"
	"strings"
)

// lineDiff lists the differences between a and b line by line: "-" for
// lines only in a, "+" for lines only in b, two lines of context around
// each change, "..." for what is left out. Every shown line ends in "$"
// so that differences in trailing blanks (nstat pads its columns) can be
// seen. It returns "" when a == b.
func lineDiff(aName, a, bName, b string) string {
	if a == b {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)
	ops := editScript(al, bl)
	const ctx = 2
	show := make([]bool, len(ops))
	for i, op := range ops {
		if op.kind != ' ' {
			for j := max(0, i-ctx); j <= min(len(ops)-1, i+ctx); j++ {
				show[j] = true
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	skipped := false
	for i, op := range ops {
		if !show[i] {
			skipped = true
			continue
		}
		if skipped {
			sb.WriteString("  ...\n")
			skipped = false
		}
		fmt.Fprintf(&sb, "%c %s$\n", op.kind, op.line)
	}
	if skipped {
		sb.WriteString("  ...\n")
	}
	if !strings.HasSuffix(a, "\n") && a != "" || !strings.HasSuffix(b, "\n") && b != "" {
		fmt.Fprintf(&sb, "(final newline: %s %v, %s %v)\n", aName, strings.HasSuffix(a, "\n"), bName, strings.HasSuffix(b, "\n"))
	}
	return sb.String()
}

// splitLines splits s into lines without their newlines; a final newline
// does not make an empty last line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

type edit struct {
	kind byte // ' ', '-' or '+'
	line string
}

// editScript is a shortest edit script from a to b by longest common
// subsequence. Outputs have a few hundred lines, so O(len(a)*len(b)) is
// fine.
func editScript(a, b []string) []edit {
	n, m := len(a), len(b)
	l := make([][]int32, n+1)
	for i := range l {
		l[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var out []edit
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, edit{' ', a[i]})
			i++
			j++
		case l[i+1][j] >= l[i][j+1]:
			out = append(out, edit{'-', a[i]})
			i++
		default:
			out = append(out, edit{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, edit{'-', a[i]})
	}
	for ; j < m; j++ {
		out = append(out, edit{'+', b[j]})
	}
	return out
}
