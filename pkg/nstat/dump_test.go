package nstat

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	report "github.com/stackbox/stackbox/pkg/report/nstat"
)

func sel(zeros bool, patterns ...string) Selection {
	return Selection{Zeros: zeros, Patterns: Patterns{List: patterns}}
}

func TestAbsolute(t *testing.T) {
	kern := []Entry{{"IpInReceives", 10, 0}, {"IpInDiscards", 0, 0}, {"TcpActiveOpens", 3, 0}, {"UdpNoPorts", 0, 1.5}}
	hist := []Entry{{"IpInReceives", 4, 0}, {"TcpActiveOpens", 1, 0}, {"UdpNoPorts", 0, 0}}
	for _, tc := range []struct {
		name   string
		hist   []Entry
		toHist bool
		sel    Selection
		want   []report.Row
	}{
		{"all", nil, false, sel(false), []report.Row{{Name: "IpInReceives", Value: 10}, {Name: "TcpActiveOpens", Value: 3}, {Name: "UdpNoPorts", Rate: 1.5}}},
		{"zeros", nil, false, sel(true, "Ip*"), []report.Row{{Name: "IpInReceives", Value: 10}, {Name: "IpInDiscards"}}},
		{"pattern", nil, false, sel(false, "tcp*"), []report.Row{{Name: "TcpActiveOpens", Value: 3}}},
		{
			// A history written with a pattern keeps the other counters'
			// old values.
			"history with pattern", hist, true, sel(false, "Tcp*"),
			[]report.Row{{Name: "IpInReceives", Value: 4}, {Name: "TcpActiveOpens", Value: 3}, {Name: "UdpNoPorts", Rate: 1.5}},
		},
		{
			// Zero counters are not written, pattern or not.
			"history zeros", hist, true, sel(false, "nomatch"),
			[]report.Row{{Name: "IpInReceives", Value: 4}, {Name: "TcpActiveOpens", Value: 1}, {Name: "UdpNoPorts", Rate: 1.5}},
		},
		{
			// nstat searches the history forward from the last counter
			// found: after TcpActiveOpens, IpInReceives is not found
			// and keeps its current value.
			"history out of order", []Entry{{"TcpActiveOpens", 1, 0}, {"IpInReceives", 4, 0}}, true, sel(false, "Udp*"),
			[]report.Row{{Name: "IpInReceives", Value: 4}, {Name: "TcpActiveOpens", Value: 3}, {Name: "UdpNoPorts", Rate: 1.5}},
		},
		{
			"history out of order 2", []Entry{{"TcpActiveOpens", 1, 0}, {"IpInReceives", 4, 0}}, true, sel(false, "nomatch"),
			[]report.Row{{Name: "IpInReceives", Value: 4}, {Name: "TcpActiveOpens", Value: 3}, {Name: "UdpNoPorts", Rate: 1.5}},
		},
		{"history without pattern", hist, true, sel(false), []report.Row{{Name: "IpInReceives", Value: 10}, {Name: "TcpActiveOpens", Value: 3}, {Name: "UdpNoPorts", Rate: 1.5}}},
	} {
		got := Absolute(kern, tc.hist, tc.toHist, tc.sel)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestDelta(t *testing.T) {
	kern := []Entry{{"IpInReceives", 10, 0}, {"IpInDiscards", 2, 0}, {"TcpActiveOpens", 3, 0}, {"UdpNoPorts", 5, 0.5}, {"UdpInErrors", 7, 0}}
	hist := []Entry{{"IpInReceives", 4, 0}, {"IpInDiscards", 5, 0}, {"TcpActiveOpens", 3, 0}, {"UdpNoPorts", 5, 0}}
	for _, tc := range []struct {
		name string
		hist []Entry
		sel  Selection
		want []report.Row
	}{
		{"deltas", hist, sel(false), []report.Row{
			{Name: "IpInReceives", Value: 6}, {Name: "UdpNoPorts", Rate: 0.5}, {Name: "UdpInErrors", Value: 7},
		}},
		{"zeros and overflow", hist, sel(true), []report.Row{
			{Name: "IpInReceives", Value: 6}, {Name: "IpInDiscards", Overflow: true}, {Name: "TcpActiveOpens"},
			{Name: "UdpNoPorts", Rate: 0.5}, {Name: "UdpInErrors", Value: 7},
		}},
		{"pattern", hist, sel(true, "*Discards"), []report.Row{{Name: "IpInDiscards", Overflow: true}}},
		{
			// Out of order: once IpInReceives is found, UdpNoPorts
			// further back is not, and shows its whole value.
			"out of order", []Entry{{"UdpNoPorts", 1, 0}, {"IpInReceives", 4, 0}}, sel(false, "Ip*", "Udp*"),
			[]report.Row{{Name: "IpInReceives", Value: 6}, {Name: "IpInDiscards", Value: 2}, {Name: "UdpNoPorts", Value: 5, Rate: 0.5}, {Name: "UdpInErrors", Value: 7}},
		},
	} {
		got := Delta(kern, tc.hist, tc.sel)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestAverager(t *testing.T) {
	a := NewAverager(1000, 60000)
	if want := 1 - math.Pow(10, -1.0/60); math.Abs(a.W-want) > 1e-15 {
		t.Fatalf("W = %v, want %v", a.W, want)
	}
	db := []Entry{{"A", 100, 0}, {"B", 5, 0}, {"C", 7, 0}}
	// 100 more A after a full interval: the rate moves W of the way to
	// 100/s. B is missing from the reading; D is new and not added.
	db = a.Update(db, []Entry{{"A", 200, 0}, {"D", 1, 0}, {"C", 7, 0}}, 1000)
	want := []Entry{{"A", 200, a.W * 100}, {"B", 5, 0}, {"C", 7, 0}}
	if diff := cmp.Diff(want, db); diff != "" {
		t.Fatalf("after one interval (-want +got):\n%s", diff)
	}
	// Half an interval is too short to count (less than a second).
	a2 := NewAverager(2000, 60000)
	db2 := a2.Update([]Entry{{"A", 0, 0}}, []Entry{{"A", 50, 0}}, 999)
	if db2[0].Rate != 0 || db2[0].Value != 50 {
		t.Errorf("after 999 ms: %+v, want value 50 and no rate", db2[0])
	}
	// A second of a two-second interval counts with half the weight.
	db2 = a2.Update([]Entry{{"A", 0, 0}}, []Entry{{"A", 50, 0}}, 1000)
	if want := a2.W * 1000 / 2000 * 50; db2[0].Rate != want {
		t.Errorf("after 1000 ms of 2000: rate %v, want %v", db2[0].Rate, want)
	}
	// An interval shorter than the scan but as long as the time
	// constant takes the sample as the rate.
	a3 := NewAverager(5000, 2000)
	db3 := a3.Update([]Entry{{"A", 0, 3}}, []Entry{{"A", 30, 0}}, 3000)
	if db3[0].Rate != 10 {
		t.Errorf("after 3000 ms with a 2000 ms time constant: rate %v, want 10", db3[0].Rate)
	}
	// A counter that went down wraps, as nstat's unsigned subtraction.
	db4 := a.Update([]Entry{{"A", 10, 0}}, []Entry{{"A", 9, 0}}, 1000)
	if db4[0].Rate < 1e17 {
		t.Errorf("a counter going down: rate %v, want a wrapped huge rate", db4[0].Rate)
	}
	// Negative intervals (the first reading's truncated epoch time) do
	// not move the rate.
	db5 := a.Update([]Entry{{"A", 0, 0}}, []Entry{{"A", 9, 0}}, -5)
	if db5[0].Rate != 0 || db5[0].Value != 9 {
		t.Errorf("negative interval: %+v", db5[0])
	}
}

func TestPatterns(t *testing.T) {
	p := Patterns{List: []string{"Tcp[^E]*", "ip6*"}}
	for name, want := range map[string]bool{
		"TcpActiveOpens": true, "TcpExtTW": false, "Ip6InReceives": true, "IpInReceives": false,
	} {
		if got := p.Match(name); got != want {
			t.Errorf("Match(%q) = %v, want %v", name, got, want)
		}
	}
	p.PosixlyCorrect = true // '^' is no longer a negation
	if !p.Match("Tcp^x") || p.Match("TcpActiveOpens") {
		t.Error("with POSIXLY_CORRECT, [^E] should be a set of '^' and 'E'")
	}
	if !(Patterns{}).Match("anything") {
		t.Error("no patterns should match everything")
	}
}
