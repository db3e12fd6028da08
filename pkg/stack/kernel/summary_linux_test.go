package kernel

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestSocketSummaryNamespace(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	time.Sleep(20 * time.Millisecond)
	sum, err := k.SocketSummary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tcp4 := 3 // listener, client, server
	if ss.mptcpFD >= 0 {
		tcp4++ // the mptcp listener's tcp subflow
	}
	if sum.TCP[1] != tcp4 || sum.UDP[1] != 1 || sum.RAW[1] != 1 || sum.TCPEstab != 2 {
		t.Errorf("summary %+v: want %d IPv4 tcp, 1 udp, 1 raw, 2 established", sum, tcp4)
	}
	if sum.TCP[0] != sum.TCP[1]+sum.TCP[2] || sum.INET[0] != sum.RAW[0]+sum.UDP[0]+sum.TCP[0] {
		t.Errorf("summary totals do not add up: %+v", sum)
	}

	// ss -s agrees, except on the tcp total and closed count: they use
	// the host-wide count of allocated tcp sockets, which other
	// processes change between the two reads.
	out := runInNS(t, k, "ss", "-s")
	m := regexp.MustCompile(`(?m)^Total: (\d+)\nTCP: +\d+ \(estab (\d+), closed -?\d+, orphaned (\d+), timewait (\d+)\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("cannot read ss -s output:\n%s", out)
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if got, want := [3]int{sum.TCPEstab, sum.TCPOrphaned, sum.TCPTimeWait}, [3]int{atoi(m[2]), atoi(m[3]), atoi(m[4])}; got != want {
		t.Errorf("estab/orphaned/timewait %v, ss -s says %v", got, want)
	}
	// The total counts sockets freed lazily after close too, and ss's
	// own, so it is only compared with what the test holds open.
	if open := len(ss.inode) + 1; sum.Total < open || sum.Total > open+4 {
		t.Errorf("total %d (ss -s says %s), want about the %d sockets the test holds", sum.Total, m[1], open)
	}
	for _, row := range []struct {
		name string
		v    [3]int
	}{{"RAW", sum.RAW}, {"UDP", sum.UDP}, {"TCP", sum.TCP}, {"INET", sum.INET}, {"FRAG", sum.FRAG}} {
		re := regexp.MustCompile(`(?m)^` + row.name + `\t +(\d+) +(\d+) +(\d+)`)
		f := re.FindStringSubmatch(out)
		if f == nil {
			t.Errorf("no %s row in ss -s output", row.name)
			continue
		}
		if want := [3]int{atoi(f[1]), atoi(f[2]), atoi(f[3])}; want != row.v {
			t.Errorf("%s row %v, ss -s says %v", row.name, row.v, want)
		}
	}
}
