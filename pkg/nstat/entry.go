package nstat

import (
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Entry is one counter of nstat's database: its name, its value, and the
// moving-average rate a daemon computed (zero otherwise).
type Entry struct {
	Name  string
	Value uint64
	Rate  float64
}

// useless are the counters nstat drops: constants, and a gauge.
var useless = map[string]bool{
	"IpForwarding": true, "IpDefaultTTL": true,
	"TcpRtoAlgorithm": true, "TcpRtoMin": true, "TcpRtoMax": true,
	"TcpMaxConn": true, "TcpCurrEstab": true,
}

// Useless reports whether nstat drops the counter wherever it reads it
// (the kernel, the history file, a daemon's reply).
func Useless(name string) bool { return useless[name] }

// FromCounters returns a stack's counters as nstat lists them: the
// counters nstat drops are left out, and those of /proc/net/sctp/snmp
// (named Sctp...) come first, as nstat reads that file last and puts
// each file's counters before those it read earlier. The rest keep
// their order.
func FromCounters(c *stack.Counters) []Entry {
	if c == nil {
		return nil
	}
	out := make([]Entry, 0, len(c.List))
	for _, x := range c.List {
		if isSCTP(x.Name) && !Useless(x.Name) {
			out = append(out, Entry{Name: x.Name, Value: x.Value})
		}
	}
	for _, x := range c.List {
		if !isSCTP(x.Name) && !Useless(x.Name) {
			out = append(out, Entry{Name: x.Name, Value: x.Value})
		}
	}
	return out
}

func isSCTP(name string) bool { return strings.HasPrefix(name, "Sctp") }
