package kernel

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestSummaryFromFixtures(t *testing.T) {
	var st sockstat
	for _, name := range []string{"sockstat", "sockstat6"} {
		f, err := os.Open("testdata/summary/" + name)
		if err != nil {
			t.Fatal(err)
		}
		err = parseSockstat(name, f, &st)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open("testdata/summary/snmp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	estab, err := parseSnmpValue("snmp", f, "Tcp", "CurrEstab")
	if err != nil {
		t.Fatal(err)
	}
	// The namespace of the capture: tcp listener, client and server
	// and the mptcp listener's subflow over IPv4, a listener over IPv6,
	// one udp and one raw socket.
	got := summary(&st, estab)
	if got.TCP != [3]int{5, 4, 1} || got.UDP != [3]int{1, 1, 0} || got.RAW != [3]int{1, 1, 0} || got.TCPEstab != 2 {
		t.Errorf("summary %+v", got)
	}
	if got.INET != [3]int{7, 6, 1} || got.FRAG != [3]int{} {
		t.Errorf("inet %v frag %v", got.INET, got.FRAG)
	}
}

func TestSummaryArithmetic(t *testing.T) {
	// ss 6.1's formulas: TCP total = alloc + tw, closed = alloc -
	// (inuse4 + inuse6 - tw).
	st := sockstat{sockets: 40, tcpInuse: 7, tcpOrphan: 1, tcpTW: 3, tcpAlloc: 12, udp: 2, raw: 1, frag: 4, tcp6Inuse: 2, udp6: 5, raw6: 0, frag6: 1}
	want := &stack.SocketSummary{
		Total: 40, TCPTotal: 15, TCPEstab: 6, TCPClosed: 6, TCPOrphaned: 1, TCPTimeWait: 3,
		RAW: [3]int{1, 1, 0}, UDP: [3]int{7, 2, 5}, TCP: [3]int{9, 7, 2}, INET: [3]int{17, 10, 7}, FRAG: [3]int{5, 4, 1},
	}
	if got := summary(&st, 6); *got != *want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestSummaryParseErrors(t *testing.T) {
	var st sockstat
	err := parseSockstat("sockstat", strings.NewReader("sockets: used 3\nTCP: inuse x orphan 0 tw 0 alloc 1 mem 0\n"), &st)
	if err == nil || err.Error() != `sockstat:2: malformed line: TCP: inuse "x"` {
		t.Errorf("got %v", err)
	}
	err = parseSockstat("sockstat", strings.NewReader("UDP: inuse 0 mem\n"), &st)
	if err == nil || !strings.HasPrefix(err.Error(), "sockstat:1: ") || !errors.Is(err, errSockstat) {
		t.Errorf("odd field count: got %v", err)
	}
	// Unknown lines and names are skipped, as ss does.
	st = sockstat{}
	if err := parseSockstat("sockstat", strings.NewReader("NEW: thing 1\nUDP: inuse 4 mem 9 extra 2\n"), &st); err != nil || st.udp != 4 {
		t.Errorf("got %v, udp %d", err, st.udp)
	}

	_, err = parseSnmpValue("snmp", strings.NewReader("Tcp: A CurrEstab\nTcp: 1\n"), "Tcp", "CurrEstab")
	if err == nil || err.Error() != "snmp:2: malformed line: Tcp values do not match their names" {
		t.Errorf("got %v", err)
	}
	_, err = parseSnmpValue("snmp", strings.NewReader("Tcp: A CurrEstab\nTcp: 1 zz\n"), "Tcp", "CurrEstab")
	if err == nil || err.Error() != `snmp:2: malformed line: Tcp CurrEstab "zz"` {
		t.Errorf("got %v", err)
	}
	_, err = parseSnmpValue("snmp", strings.NewReader("Ip: A\nIp: 1\n"), "Tcp", "CurrEstab")
	if err == nil || err.Error() != "snmp: no Tcp CurrEstab" {
		t.Errorf("got %v", err)
	}
}
