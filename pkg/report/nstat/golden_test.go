package nstat

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// handRows cover what the layouts must get right: long names and values
// that overflow their columns, rates of every size and sign, an
// overflow mark, and names that need escaping in JSON.
func handRows() []Row {
	return []Row{
		{Name: "IpInReceives", Value: 1983},
		{Name: "TcpExtTCPHystartTrainDetect", Value: 0, Rate: 0.05},
		{Name: "TcpExtTCPSynRetransVeryLongCounterName", Value: 18446744073709551615, Rate: 123456.789},
		{Name: "Ip6InOctets", Value: 1234567890123456, Rate: -2.25},
		{Name: "UdpInErrors", Value: 0, Overflow: true},
		{Name: "IcmpMsgInType3", Value: 7, Rate: math.Inf(1)},
		{Name: "SctpCurrEstab", Value: 1, Rate: math.NaN()},
		{Name: "Odd\"Name\\With\tEscapes'/", Value: 2, Rate: 1e-9},
	}
}

func TestGoldenText(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, "kernel", handRows()); err != nil {
		t.Fatal(err)
	}
	golden(t, "hand.txt", b.Bytes())

	b.Reset()
	Text(&b, "1234.1804289383 sampling_interval=1 time_const=60", nil)
	golden(t, "empty_daemon.txt", b.Bytes())
}

func TestGoldenJSON(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rates  bool
		pretty bool
		rows   []Row
	}{
		{"hand.json", false, false, handRows()},
		{"hand_pretty.json", false, true, handRows()},
		{"hand_rates.json", true, false, handRows()},
		{"hand_rates_pretty.json", true, true, handRows()},
		{"empty.json", false, false, nil},
		{"empty_pretty.json", false, true, nil},
		{"empty_rates_pretty.json", true, true, nil},
	} {
		var b bytes.Buffer
		source := "kernel"
		if tc.name == "hand.json" {
			source = "a\"b\\c'd\te\x01f/g" // json_writer's escaping, as nstat -j shows a history's source
		}
		var err error
		if tc.rates {
			err = JSONRates(&b, source, tc.rows, tc.pretty)
		} else {
			err = JSON(&b, source, tc.rows, tc.pretty)
		}
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, b.Bytes())
	}
}

func TestGoldenPrometheus(t *testing.T) {
	rows := append(handRows(),
		Row{Name: "TcpActiveOpens", Value: 33},
		Row{Name: "TcpExtListenOverflows", Value: 2},
		Row{Name: "IpExtInOctets", Value: 4300},
		Row{Name: "Icmp6InType133", Value: 1},
		Row{Name: "UdpLite6InDatagrams", Value: 0},
		Row{Name: "MPTcpExtMPCapableSYNRX", Value: 0},
		Row{Name: "FutureTableNewField", Value: 9},
		Row{Name: "lowercase", Value: 1},
		Row{Name: "Odd\"Name\\With\tEscapes'/", Value: 3}, // the same metric name again: left out
	)
	var b bytes.Buffer
	if err := Prometheus(&b, rows); err != nil {
		t.Fatal(err)
	}
	golden(t, "hand.prom", b.Bytes())
}

func TestGoldenSoftnet(t *testing.T) {
	cols := func(n int, base uint32) []uint32 {
		c := make([]uint32, n)
		for i := range c {
			c[i] = base + uint32(i)
		}
		return c
	}
	stat := func(cpu int, c []uint32) stack.SoftnetStat {
		s := stack.SoftnetStat{CPU: cpu, Columns: c, Processed: c[0], Dropped: c[1], TimeSqueeze: c[2]}
		if len(c) > 9 {
			s.ReceivedRPS = c[9]
		}
		if len(c) > 10 {
			s.FlowLimit = c[10]
		}
		if len(c) > 11 {
			s.BacklogLen, s.HasBacklogLen = c[11], true
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		stats []stack.SoftnetStat
	}{
		{"softnet9", []stack.SoftnetStat{stat(0, cols(9, 100)), stat(1, cols(9, 4000000000))}},
		{"softnet10", []stack.SoftnetStat{stat(0, cols(10, 5))}},
		{"softnet11", []stack.SoftnetStat{stat(0, cols(11, 5)), stat(1, cols(11, 6))}},
		{"softnet13", []stack.SoftnetStat{stat(0, cols(13, 1)), stat(3, cols(13, 123456))}},
		{"softnet15", []stack.SoftnetStat{stat(0, cols(15, 1)), stat(1, cols(15, 2))}},
		{"softnet_mixed", []stack.SoftnetStat{stat(0, cols(9, 1)), stat(12, cols(13, 2))}},
		{"softnet_empty", nil},
	} {
		var b bytes.Buffer
		if err := Softnet(&b, tc.stats); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".txt", b.Bytes())
		b.Reset()
		if err := SoftnetJSON(&b, tc.stats, tc.name == "softnet13"); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".json", b.Bytes())
	}
}
