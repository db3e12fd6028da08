//go:build linux

package ssdiff

import (
	"fmt"
	"strings"
)

// lineDiff returns a unified-style listing of the changes from a to b
// ("-" lines only in a, "+" lines only in b), with context lines around
// each change. Lines are shown with visible ends ("$") so a difference in
// trailing blanks is readable. It returns "" when a == b.
func lineDiff(aName, a, bName, b string) string {
	if a == b {
		return ""
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	ops := diffOps(al, bl)
	const context = 3
	show := make([]bool, len(ops))
	for i, op := range ops {
		if op.kind == ' ' {
			continue
		}
		for j := max(0, i-context); j <= min(len(ops)-1, i+context); j++ {
			show[j] = true
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	gap := false
	for i, op := range ops {
		if !show[i] {
			gap = true
			continue
		}
		if gap && i > 0 {
			sb.WriteString("  ...\n")
		}
		gap = false
		writeOp(&sb, op)
		// After a run of "-" lines and the "+" run that replaces it,
		// point at the first difference of each pair of long lines.
		if op.kind == '+' && (i+1 == len(ops) || ops[i+1].kind != '+') {
			end := i + 1
			start := i
			for start > 0 && ops[start-1].kind == '+' {
				start--
			}
			n := end - start
			if start-n >= 0 && allKind(ops[start-n:start], '-') {
				for k := 0; k < n; k++ {
					writeHint(&sb, ops[start-n+k].line, ops[start+k].line)
				}
			}
		}
	}
	return sb.String()
}

func allKind(ops []diffOp, kind byte) bool {
	for _, op := range ops {
		if op.kind != kind {
			return false
		}
	}
	return true
}

// writeHint shows where two long lines first differ.
func writeHint(sb *strings.Builder, a, b string) {
	if len(a) < 60 && len(b) < 60 {
		return
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-20)
	cut := func(s string) string { return s[min(from, len(s)):min(i+40, len(s))] }
	fmt.Fprintf(sb, "? first difference at column %d: - %q  + %q\n", i+1, cut(a), cut(b))
}

func writeOp(sb *strings.Builder, op diffOp) {
	fmt.Fprintf(sb, "%c %s$\n", op.kind, op.line)
}

type diffOp struct {
	kind byte // ' ', '-', '+'
	line string
}

// diffOps computes a shortest edit script by longest common subsequence;
// outputs are small (hundreds of lines), so O(n*m) is fine.
func diffOps(a, b []string) []diffOp {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, diffOp{'-', a[i]})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, diffOp{'-', a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, diffOp{'+', b[j]})
	}
	return ops
}
