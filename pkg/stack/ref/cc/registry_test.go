package cc

import (
	"errors"
	"slices"
	"testing"
)

func TestNamesAndNew(t *testing.T) {
	names := Names()
	if !slices.Equal(names, []string{"cubic", "reno"}) {
		t.Fatalf("Names() = %v", names)
	}
	names[0] = "changed"
	if Names()[0] != "cubic" {
		t.Fatal("Names shares its slice")
	}
	for _, n := range Names() {
		a, err := New(n)
		if err != nil {
			t.Fatalf("New(%q): %v", n, err)
		}
		if a.Name() != n {
			t.Errorf("New(%q).Name() = %q", n, a.Name())
		}
	}
	if _, err := New("vegas"); !errors.Is(err, ErrUnknown) {
		t.Errorf("New(vegas) error %v, want ErrUnknown", err)
	}
}

// Each New("cubic") is a separate connection's state; Modules carry the
// host's parameters.
func TestNewCubicInstancesAreIndependent(t *testing.T) {
	a, _ := New("cubic")
	b, _ := New("cubic")
	s := NewState()
	s.Cwnd = 100
	a.SSThresh(&s)
	if b.(*Cubic).lastMaxCwnd != 0 {
		t.Fatal("instances share state")
	}

	p := DefaultCubicParams()
	p.Beta = 512
	cfg, err := NewCubicConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	m := Modules{Cubic: cfg}
	c, _ := m.New("cubic")
	if got := c.SSThresh(&s); got != 50 {
		t.Fatalf("ssthresh with beta 512 = %d, want 50", got)
	}
}

func TestJiffies(t *testing.T) {
	// INITIAL_JIFFIES = -300*HZ: the counter wraps 300 s after boot.
	if got := Jiffies(0, 1000); got != uint32(1<<32-300000) {
		t.Errorf("Jiffies(0) = %d", got)
	}
	if got := Jiffies(300e9, 1000); got != 0 {
		t.Errorf("Jiffies(300 s) = %d, want 0", got)
	}
	if got := Jiffies(301e9+3999999, 250); got != 250 {
		t.Errorf("Jiffies(301.004 s, HZ 250) = %d, want 250", got)
	}
	var s State
	s.SetClock(1234567891)
	if s.NowUs != 1234567 || s.Jiffies != Jiffies(1234567891, DefaultHZ) {
		t.Errorf("SetClock: NowUs %d Jiffies %d", s.NowUs, s.Jiffies)
	}
	for _, tc := range []struct{ us, hz, want uint32 }{
		{0, 1000, 0}, {1, 1000, 1}, {1000, 1000, 1}, {1001, 1000, 2}, {10000, 250, 3},
	} {
		if got := usecsToJiffies(tc.us, tc.hz); got != tc.want {
			t.Errorf("usecsToJiffies(%d, %d) = %d, want %d", tc.us, tc.hz, got, tc.want)
		}
	}
}

func TestCAStateString(t *testing.T) {
	if CALoss.String() != "Loss" || CAOpen.String() != "Open" || CAState(9).String() != "Unknown" {
		t.Fatal("CAState names")
	}
}
