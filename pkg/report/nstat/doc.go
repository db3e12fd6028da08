// Package nstat renders protocol counters as iproute2's nstat 6.1 prints
// them, byte for byte (the text columns, -j and -j -p JSON), and in the
// formats stackbox adds: JSON with rates (--json), the Prometheus text
// exposition format (--prometheus) and the per-CPU softnet table
// (--softnet).
//
// # Text
//
// nstat prints a header line "#" followed by the source of the values
// ("kernel", or the daemon's identity), then one line per counter: the name
// left-aligned in 32 columns, the value left-aligned in 16, and the rate
// right-aligned in 6 with one decimal ("%-32s%-16llu%6.1f"), followed by
// " (overflow)" when the counter went down since the history was written.
// The history file and the daemon's replies use the same lines.
//
// # JSON
//
// nstat -j prints {"SOURCE":{"Name":value,...}} on one line; -p indents
// with four spaces. nstat 6.1 prints each value modulo 2^32 there (its
// json_writer call takes an unsigned int); so does JSON. Keys are escaped as iproute2's json_writer escapes them
// (only \t \n \r \f \b \\ and \"), which this package reproduces. --json
// prints each counter as an object holding its value and rate:
//
//	{"kernel":{"TcpActiveOpens":{"value":33,"rate":0.4}}}
//
// with "overflow":true added to counters that went down. Rates that are
// not finite are null. Keys are escaped as JSON requires.
//
// # Prometheus
//
// Each counter becomes node_netstat_<Table>_<Field>, the names
// node_exporter's netstat collector gives them (TcpExtListenOverflows is
// node_netstat_TcpExt_ListenOverflows, Ip6InReceives is
// node_netstat_Ip6_InReceives), with "# HELP <name> Statistic <Counter>."
// and "# TYPE <name> untyped" lines. Values are printed as exact integers.
package nstat
