// Package linediff shows how two outputs differ, line by line, for the
// differential test suites.
package linediff

import (
	"fmt"
	"strings"
)

// Context is how many unchanged lines Diff shows around a change.
const Context = 3

// Diff lists the changes from a to b: "-" lines only in a, "+" lines
// only in b, " " lines in both, each ending in "$" so trailing blanks and
// tabs show. It returns "" when a == b.
func Diff(aName, a, bName, b string) string {
	if a == b {
		return ""
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(al), len(bl)
	// lcs[i][j] is the length of the longest common subsequence of
	// al[i:] and bl[j:]; outputs are a few hundred lines at most.
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-' or '+'
		line string
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && al[i] == bl[j]:
			ops = append(ops, op{' ', al[i]})
			i++
			j++
		case j == m || (i < n && lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', al[i]})
			i++
		default:
			ops = append(ops, op{'+', bl[j]})
			j++
		}
	}
	// Show each change with up to Context unchanged lines around it.
	show := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind != ' ' {
			for c := max(0, k-Context); c <= min(len(ops)-1, k+Context); c++ {
				show[c] = true
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	gap := false
	for k, o := range ops {
		if !show[k] {
			gap = true
			continue
		}
		if gap {
			sb.WriteString("  ...\n")
			gap = false
		}
		fmt.Fprintf(&sb, "%c %s$\n", o.kind, o.line)
	}
	if gap {
		sb.WriteString("  ...\n")
	}
	return sb.String()
}
