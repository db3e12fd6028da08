package ss

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// summaryFromCapture applies ss's print_summary arithmetic to a capture of
// /proc/net/sockstat, /proc/net/sockstat6 and the Tcp lines of
// /proc/net/snmp, as a stack would.
func summaryFromCapture(t *testing.T, text string) *stack.SocketSummary {
	t.Helper()
	v := map[string]int{}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if f[0] == "Tcp:" && i+1 < len(lines) && f[1] == "RtoAlgorithm" {
			g := strings.Fields(lines[i+1])
			for k := range f {
				if f[k] == "CurrEstab" {
					v["estab"], _ = strconv.Atoi(g[k])
				}
			}
			continue
		}
		for k := 1; k+1 < len(f); k += 2 {
			n, err := strconv.Atoi(f[k+1])
			if err == nil {
				v[f[0]+f[k]] = n
			}
		}
	}
	tcp4, tcp6, tw := v["TCP:inuse"], v["TCP6:inuse"], v["TCP:tw"]
	s := &stack.SocketSummary{
		Total:       v["sockets:used"],
		TCPTotal:    v["TCP:alloc"] + tw,
		TCPEstab:    v["estab"],
		TCPClosed:   v["TCP:alloc"] - (tcp4 + tcp6 - tw),
		TCPOrphaned: v["TCP:orphan"],
		TCPTimeWait: tw,
	}
	r4, r6, u4, u6 := v["RAW:inuse"], v["RAW6:inuse"], v["UDP:inuse"], v["UDP6:inuse"]
	s.RAW = [3]int{r4 + r6, r4, r6}
	s.UDP = [3]int{u4 + u6, u4, u6}
	s.TCP = [3]int{tcp4 + tcp6, tcp4, tcp6}
	s.INET = [3]int{r4 + u4 + tcp4 + r6 + u6 + tcp6, r4 + u4 + tcp4, r6 + u6 + tcp6}
	s.FRAG = [3]int{v["FRAG:inuse"] + v["FRAG6:inuse"], v["FRAG:inuse"], v["FRAG6:inuse"]}
	return s
}

// TestSummaryCapture compares WriteSummary with ss -s, both from the same
// /proc capture (testdata/summary_capture.txt: the files, then ss -s).
func TestSummaryCapture(t *testing.T) {
	data, err := os.ReadFile("testdata/summary_capture.txt")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(string(data), "===\n", 4)
	if len(parts) != 4 {
		t.Fatalf("capture has %d parts", len(parts))
	}
	s := summaryFromCapture(t, parts[0]+parts[1]+parts[2])
	var got bytes.Buffer
	if err := WriteSummary(&got, s, Options{}); err != nil {
		t.Fatal(err)
	}
	if got.String() != parts[3] {
		t.Errorf("summary differs from ss -s\n%s", lineDiff(parts[3], got.String()))
	}
	got.Reset()
	if err := WriteSummary(&got, s, Options{JSON: true}); err != nil {
		t.Fatal(err)
	}
	want := `{"total":33,"tcp":{"total":80057,"estab":6,"closed":80043,"orphaned":0,"timewait":0},"transport":{"raw":{"total":2,"ipv4":1,"ipv6":1},"udp":{"total":3,"ipv4":2,"ipv6":1},"tcp":{"total":14,"ipv4":5,"ipv6":9},"inet":{"total":19,"ipv4":8,"ipv6":11},"frag":{"total":0,"ipv4":0,"ipv6":0}}}` + "\n"
	if got.String() != want {
		t.Errorf("JSON summary:\n got %s\nwant %s", got.String(), want)
	}
}
