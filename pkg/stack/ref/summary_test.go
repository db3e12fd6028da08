package ref

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func TestLatencySummaryNearestRank(t *testing.T) {
	// 1..100 ms in reverse order: the percentiles are exact ranks.
	var s []int64
	for i := 100; i >= 1; i-- {
		s = append(s, int64(i)*int64(sim.Millisecond))
	}
	l := latencySummary(s)
	ms := int64(sim.Millisecond)
	want := LatencySummary{Count: 100, MinNS: ms, P50NS: 50 * ms, P90NS: 90 * ms, P99NS: 99 * ms, MaxNS: 100 * ms, MeanNS: 50*ms + ms/2}
	if l != want {
		t.Errorf("latency %+v, want %+v", l, want)
	}
	if s[0] != 100*ms {
		t.Error("latencySummary sorted its argument")
	}
	if l := latencySummary([]int64{7}); l.P50NS != 7 || l.P99NS != 7 || l.MinNS != 7 {
		t.Errorf("one sample: %+v", l)
	}
	if l := latencySummary([]int64{1, 2, 3}); l.P50NS != 2 || l.P90NS != 3 {
		t.Errorf("three samples: %+v", l)
	}
	if l := latencySummary(nil); l != (LatencySummary{}) {
		t.Errorf("no samples: %+v", l)
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtBytes(999), "999B"},
		{fmtBytes(1500), "1.50KB"},
		{fmtBytes(585_302_016), "585.30MB"},
		{fmtBytes(2_000_000_000), "2.00GB"},
		{fmtRate(936_530_000), "936.53Mbit/s"},
		{fmtRate(0), "0bit/s"},
		{fmtRate(1_500_000_000), "1.50Gbit/s"},
		{fmtLatency(1, 4_123_456), "4.123ms"},
		{fmtLatency(1, 850_000), "850.000us"},
		{fmtLatency(1, 12), "12ns"},
		{fmtLatency(1, 2_500_000_000), "2.500s"},
		{fmtLatency(0, 5), "-"},
		{fmtRatio(1, 3), "33.33%"},
		{fmtRatio(0, 0), "-"},
		{fmtRatio(5, 5), "100.00%"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestRateOffsets(t *testing.T) {
	if got := rateOffset(3, 2000); got != 1500*sim.Microsecond {
		t.Errorf("rateOffset(3, 2000/s) = %v", got)
	}
	if got := rateOffset(1, 0); got != sim.Never {
		t.Errorf("rateOffset at rate 0 = %v", got)
	}
	// 1472-byte datagrams at 1 Gbit/s: 11.776 us each.
	if got := bitOffset(1000, 1472*8, 1_000_000_000); got != 11_776*sim.Microsecond {
		t.Errorf("bitOffset = %v", got)
	}
	if got := bitOffset(1<<62, 1<<40, 1); got != sim.Never {
		t.Errorf("bitOffset overflow = %v", got)
	}
}

func TestSampleDistributions(t *testing.T) {
	r := New(1).Engine.Rand()
	fixed := scenario.SizeDist{Kind: scenario.DistFixed, Mean: 4000, Min: 4000, Max: 4000}
	if got := sampleSize(r, fixed); got != 4000 {
		t.Errorf("fixed size %d", got)
	}
	uni := scenario.SizeDist{Kind: scenario.DistUniform, Min: 10, Max: 20}
	exp := scenario.SizeDist{Kind: scenario.DistExp, Mean: 1000}
	var sum int
	for range 10000 {
		if v := sampleSize(r, uni); v < 10 || v > 20 {
			t.Fatalf("uniform size %d outside [10, 20]", v)
		}
		sum += sampleSize(r, exp)
	}
	if mean := sum / 10000; mean < 950 || mean > 1050 {
		t.Errorf("exp sizes average %d, want about 1000", mean)
	}
	if got := sampleSize(r, scenario.SizeDist{Kind: scenario.DistFixed}); got != 1 {
		t.Errorf("zero size drawn as %d, want 1", got)
	}
	td := scenario.TimeDist{Kind: scenario.DistUniform, Min: 1e6, Max: 2e6}
	for range 100 {
		if v := sampleTime(r, td); v < sim.Millisecond || v > 2*sim.Millisecond {
			t.Fatalf("uniform time %v", v)
		}
	}
}

func TestSummaryTextAndJSON(t *testing.T) {
	n := started(t, twoHosts+`
  - name: a-long-workload-name
    udp:
      client: client
      server: server
      interval: 10ms
`)
	n.Run(100 * sim.Millisecond) // datagrams at 0, 10, ..., 100 ms
	s := n.Summary()
	text := s.Text()
	lines := strings.Split(text, "\n")
	if lines[0] != "scenario pair, seed 3, at 100ms of virtual time, "+itoa64(s.Events)+" events" {
		t.Errorf("header %q", lines[0])
	}
	// Columns line up: the header's columns start where the row's do.
	var head, row string
	for i, l := range lines {
		if strings.HasPrefix(l, "  WORKLOAD ") && strings.Contains(l, " KIND ") {
			head, row = l, lines[i+1]
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blank in %q", l)
		}
	}
	if head == "" || strings.Index(head, "KIND") != strings.Index(row, "udp") {
		t.Errorf("misaligned workloads table:\n%s\n%s", head, row)
	}
	for _, want := range []string{"a-long-workload-name", "10.0.0.2:5201", "wire", "client:eth0"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	var back Summary
	if err := json.Unmarshal(s.JSON(), &back); err != nil {
		t.Fatal(err)
	}
	u := back.Workloads[0].UDP
	if back.TimeNS != int64(100*sim.Millisecond) || u == nil || u.Sent != s.Workloads[0].UDP.Sent || u.Sent != 11 {
		t.Errorf("JSON round trip: %+v", back)
	}
	if len(back.Links) != 2 || back.Links[0].Name != "wire" || back.Links[0].From != "client:eth0" {
		t.Errorf("links %+v", back.Links)
	}
}

func itoa64(v uint64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSummaryBeforeStartAndStates(t *testing.T) {
	n := build(t, twoHosts+`
  - udp:
      client: client
      server: server
      interval: 1ms
    start: 1s
    stop: 1500ms
`)
	if s := n.Summary(); len(s.Workloads) != 0 || len(s.Links) != 2 {
		t.Errorf("before Start: %+v", s)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	if err := n.Start(); err == nil {
		t.Error("a second Start did not fail")
	}
	for _, c := range []struct {
		at   sim.Time
		want string
	}{{500 * sim.Millisecond, "waiting"}, {1200 * sim.Millisecond, "running"}, {2 * sim.Second, "stopped"}} {
		n.Run(c.at)
		if got := n.Summary().Workloads[0].State; got != c.want {
			t.Errorf("at %v: state %s, want %s", c.at, got, c.want)
		}
	}
	if got := n.Summary().Workloads[0].UDP.Sent; got != 500 {
		t.Errorf("sent %d, want 500 (1 ms apart for 500 ms)", got)
	}
}

func TestStartErrors(t *testing.T) {
	n := build(t, twoHosts+`
  - udp:
      client: client
      server: server
      port: 53
      interval: 1ms
  - name: second
    udp:
      client: client
      server: server
      port: 53
      interval: 1ms
`)
	err := n.Start()
	if err == nil || !strings.Contains(err.Error(), "test.yaml:") || !strings.Contains(err.Error(), "workloads[1]: second: address already in use") {
		t.Errorf("two servers on one port: %v", err)
	}
	if err := New(1).Start(); err == nil {
		t.Error("Start without a scenario did not fail")
	}
}

// TestUDPDeterministic runs the same scenario twice and wants the same
// summary, byte for byte.
func TestUDPDeterministic(t *testing.T) {
	yaml := twoHosts + `
  - udp:
      client: client
      server: server
      rate: 150Mbit
      burst: 3
      flows: 4
  - synflood:
      source: client
      server: server
      rate: 3000/s
      spoof: 192.0.2.0/24
`
	run := func() string {
		n := started(t, yaml)
		n.Run(300 * sim.Millisecond)
		return string(n.Summary().JSON()) + n.Summary().Text()
	}
	if a, b := run(), run(); a != b {
		t.Errorf("two runs differ:\n%s\n---\n%s", a, b)
	}
}
