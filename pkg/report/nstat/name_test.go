package nstat

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestMetricName(t *testing.T) {
	for _, tc := range []struct{ counter, want string }{
		{"TcpActiveOpens", "node_netstat_Tcp_ActiveOpens"},
		{"TcpExtListenOverflows", "node_netstat_TcpExt_ListenOverflows"},
		{"IpForwDatagrams", "node_netstat_Ip_ForwDatagrams"},
		{"IpExtInOctets", "node_netstat_IpExt_InOctets"},
		{"IcmpInMsgs", "node_netstat_Icmp_InMsgs"},
		{"IcmpMsgInType3", "node_netstat_IcmpMsg_InType3"},
		{"Ip6InReceives", "node_netstat_Ip6_InReceives"},
		{"Icmp6InType133", "node_netstat_Icmp6_InType133"},
		{"Udp6InDatagrams", "node_netstat_Udp6_InDatagrams"},
		{"UdpLite6InErrors", "node_netstat_UdpLite6_InErrors"},
		{"UdpLiteInDatagrams", "node_netstat_UdpLite_InDatagrams"},
		{"UdpNoPorts", "node_netstat_Udp_NoPorts"},
		{"MPTcpExtMPCapableSYNRX", "node_netstat_MPTcpExt_MPCapableSYNRX"},
		{"SctpCurrEstab", "node_netstat_Sctp_CurrEstab"},
		{"FooBarBaz", "node_netstat_Foo_BarBaz"},
		{"Tcp", "node_netstat_Tcp"},
		{"weird-name.x", "node_netstat_weird_name_x"},
	} {
		if got := MetricName(tc.counter); got != tc.want {
			t.Errorf("MetricName(%q) = %q, want %q", tc.counter, got, tc.want)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want string
	}{
		{0, "   0.0"}, {3.6, "   3.6"}, {155.55, " 155.6"}, {-0.04, "  -0.0"},
		{1234567.25, "1234567.2"}, {math.Inf(1), "   inf"}, {math.Inf(-1), "  -inf"},
		{math.NaN(), "   nan"}, {math.Copysign(math.NaN(), -1), "  -nan"},
	} {
		if got := FormatRate(tc.r); got != tc.want {
			t.Errorf("FormatRate(%v) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// TestJSONRatesIsJSON checks that --json's output parses as JSON and holds
// the rows' values, whatever the names hold.
func TestJSONRatesIsJSON(t *testing.T) {
	rows := append(handRows(), Row{Name: "bad\xffutf8\x01", Value: 5})
	for _, pretty := range []bool{false, true} {
		var b strings.Builder
		if err := JSONRates(&b, "src\x02\"", rows, pretty); err != nil {
			t.Fatal(err)
		}
		var got map[string]map[string]struct {
			Value    uint64   `json:"value"`
			Rate     *float64 `json:"rate"`
			Overflow bool     `json:"overflow"`
		}
		if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
			t.Fatalf("pretty=%v: %v\n%s", pretty, err, b.String())
		}
		m := got["src\x02\""]
		if len(m) != len(rows) {
			t.Fatalf("pretty=%v: %d counters, want %d", pretty, len(m), len(rows))
		}
		if c := m["UdpInErrors"]; !c.Overflow || c.Value != 0 {
			t.Errorf("UdpInErrors = %+v, want an overflow", c)
		}
		if c := m["IcmpMsgInType3"]; c.Rate != nil {
			t.Errorf("an infinite rate should be null, got %v", *c.Rate)
		}
		if c := m["Ip6InOctets"]; c.Rate == nil || *c.Rate != -2.25 || c.Value != 1234567890123456 {
			t.Errorf("Ip6InOctets = %+v", c)
		}
	}
}
