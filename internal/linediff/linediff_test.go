package linediff

import "testing"

// TestDiff checks the diff shown in reports.
func TestDiff(t *testing.T) {
	if d := Diff("a", "x\ny\n", "b", "x\ny\n"); d != "" {
		t.Errorf("equal texts gave a diff:\n%s", d)
	}
	for _, tc := range []struct{ a, b, want string }{
		{"x\ny\nz\n", "x\nY\nz\nw\n", "--- a\n+++ b\n  x$\n- y$\n+ Y$\n  z$\n+ w$\n  $\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\n6\n7\n8\nX\n",
			"--- a\n+++ b\n  ...\n  6$\n  7$\n  8$\n- 9$\n+ X$\n  $\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n",
			"--- a\n+++ b\n+ 0$\n  1$\n  2$\n  3$\n  ...\n"},
	} {
		if got := Diff("a", tc.a, "b", tc.b); got != tc.want {
			t.Errorf("Diff(%q, %q):\n got %q\nwant %q", tc.a, tc.b, got, tc.want)
		}
	}
}
