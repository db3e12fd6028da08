package nstat

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// tablePrefixes are the tables nstat's names begin with, longest first so
// that IcmpMsg wins over Icmp and TcpExt over Tcp: /proc/net/snmp,
// /proc/net/snmp6, /proc/net/netstat and /proc/net/sctp/snmp.
var tablePrefixes = []string{
	"UdpLite6", "MPTcpExt", "UdpLite", "IcmpMsg", "TcpExt",
	"Icmp6", "IpExt", "Icmp", "Sctp", "Udp6", "Ip6", "Tcp", "Udp", "Ip",
}

// SplitName splits a counter name into its table and field, as the files
// nstat reads name them: "TcpExtListenOverflows" is TcpExt and
// ListenOverflows, "Ip6InReceives" is Ip6 and InReceives. A name from no
// known table is split before its second capitalised word ("FooBarBaz" is
// Foo and BarBaz); ok is false when no split is found.
func SplitName(name string) (table, field string, ok bool) {
	for _, p := range tablePrefixes {
		if len(name) > len(p) && strings.HasPrefix(name, p) {
			return p, name[len(p):], true
		}
	}
	for i := 1; i < len(name); i++ {
		if isUpper(name[i]) && isLower(name[i-1]) {
			return name[:i], name[i:], true
		}
	}
	return "", name, false
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// MetricName is the Prometheus name of a counter: node_netstat_ followed by
// the table, an underscore and the field (node_exporter's netstat
// collector's names), with any character a metric name cannot hold
// replaced by an underscore.
func MetricName(counter string) string {
	table, field, ok := SplitName(counter)
	name := "node_netstat_" + field
	if ok {
		name = "node_netstat_" + table + "_" + field
	}
	b := []byte(name)
	for i, c := range b {
		if !(isUpper(c) || isLower(c) || '0' <= c && c <= '9' || c == '_' || c == ':') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Prometheus writes rows in the Prometheus text exposition format, each
// counter with its HELP and TYPE lines and its exact integer value. A name
// that comes out the same as an earlier one is left out (the format allows
// a metric once).
func Prometheus(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	seen := make(map[string]bool, len(rows))
	var num [20]byte
	for _, r := range rows {
		name := MetricName(r.Name)
		if seen[name] {
			continue
		}
		seen[name] = true
		bw.WriteString("# HELP ")
		bw.WriteString(name)
		bw.WriteString(" Statistic ")
		bw.WriteString(escapeHelp(r.Name))
		bw.WriteString(".\n# TYPE ")
		bw.WriteString(name)
		bw.WriteString(" untyped\n")
		bw.WriteString(name)
		bw.WriteByte(' ')
		bw.Write(strconv.AppendUint(num[:0], r.Value, 10))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// escapeHelp escapes a HELP text as the exposition format requires.
func escapeHelp(s string) string {
	if !strings.ContainsAny(s, "\\\n") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}
