package ref

import (
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Counter names one MIB counter (IpInReceives, TcpActiveOpens,
// TcpExtListenOverflows, ...); the constants are in mib_names.go, in the
// order nstat lists them.
type Counter uint16

// String returns the counter's name as nstat prints it.
func (c Counter) String() string {
	if c < numCounters {
		return counterNames[c]
	}
	return "Counter(" + strconv.Itoa(int(c)) + ")"
}

// MIB holds a host's protocol counters (the kernel's SNMP and extended
// MIBs), read as /proc/net/snmp, snmp6 and netstat. Incrementing one is an
// array index: hot paths call m.Inc(TcpInSegs).
type MIB struct {
	v [numCounters]uint64
	// icmpMsg and icmp6Msg count ICMP messages by type, received ([0])
	// and sent ([1]): the IcmpMsg and Icmp6 InType/OutType lines.
	icmpMsg, icmp6Msg [2][256]uint64
}

// Inc adds one to c.
func (m *MIB) Inc(c Counter) { m.v[c]++ }

// Add adds n to c.
func (m *MIB) Add(c Counter, n uint64) { m.v[c] += n }

// Get returns c's value.
func (m *MIB) Get(c Counter) uint64 { return m.v[c] }

// IcmpMsg counts one ICMP message of type typ received (out false) or sent.
func (m *MIB) IcmpMsg(v6, out bool, typ uint8) {
	d := 0
	if out {
		d = 1
	}
	if v6 {
		m.icmp6Msg[d][typ]++
	} else {
		m.icmpMsg[d][typ]++
	}
}

// List returns every counter in nstat's order, with the IcmpMsg and Icmp6
// per-type counters the kernel prints (those that are not zero: all the In
// types in ascending order, then the Out types) where it prints them.
func (m *MIB) List() []stack.Counter {
	out := make([]stack.Counter, 0, numCounters+8)
	for c := Counter(0); c < numCounters; c++ {
		out = append(out, stack.Counter{Name: counterNames[c], Value: m.v[c]})
		switch c {
		case lastIcmp:
			out = appendTypes(out, "IcmpMsg", &m.icmpMsg)
		case lastIcmp6:
			out = appendTypes(out, "Icmp6", &m.icmp6Msg)
		}
	}
	return out
}

func appendTypes(out []stack.Counter, prefix string, t *[2][256]uint64) []stack.Counter {
	for d, dir := range [2]string{"InType", "OutType"} {
		for typ, v := range t[d] {
			if v != 0 {
				out = append(out, stack.Counter{Name: prefix + dir + strconv.Itoa(typ), Value: v})
			}
		}
	}
	return out
}

// lastIcmp6 is the last Icmp6 counter of snmp6: the per-type lines follow.
const lastIcmp6 = Icmp6OutMLDv2Reports
