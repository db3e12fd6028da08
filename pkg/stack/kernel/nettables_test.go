package kernel

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func parseProcNetFile(t *testing.T, name string, table stack.Table, family uint8) []stack.Socket {
	t.Helper()
	f, err := os.Open("testdata/nettables/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d decoder
	var socks []stack.Socket
	err = d.parseProcNet(name, f, table, family, func(s *stack.Socket) error {
		socks = append(socks, cloneSocket(s))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return socks
}

func TestParseProcNet(t *testing.T) {
	var all []stack.Socket
	for _, f := range []struct {
		name   string
		table  stack.Table
		family uint8
	}{
		{"tcp", stack.TableTCP, afInet},
		{"tcp6", stack.TableTCP, afInet6},
		{"udp", stack.TableUDP, afInet},
		{"raw", stack.TableRaw, afInet},
	} {
		socks := parseProcNetFile(t, f.name, f.table, f.family)
		if len(socks) == 0 {
			t.Errorf("%s: no sockets", f.name)
		}
		for _, s := range socks {
			if !s.FromProc || s.Inode == 0 || !s.Local.Addr.IsValid() {
				t.Errorf("%s: %+v", f.name, s)
			}
		}
		all = append(all, socks...)
	}
	golden(t, "testdata/nettables/sockets.golden", socketsText(t, all))

	// The recorded dump (sock_diag) and /proc/net/tcp were taken from
	// the same namespace a moment apart: the IPv4 tcp sockets agree.
	diag := map[uint32]string{}
	for _, s := range decodeRecording(t, readRecording(t, "testdata/replies/dump.bin")) {
		if s.Table == stack.TableTCP && s.Family == afInet {
			diag[s.Inode] = procSummary(s)
		}
	}
	for _, s := range parseProcNetFile(t, "tcp", stack.TableTCP, afInet) {
		if got, want := procSummary(s), diag[s.Inode]; got != want {
			t.Errorf("inode %d: /proc/net/tcp says %s, sock_diag %s", s.Inode, got, want)
		}
	}
}

func procSummary(s stack.Socket) string {
	return strings.Join([]string{s.State.String(), s.Local.Addr.String(), strconv.Itoa(int(s.Local.Port)), s.Peer.Addr.String(), strconv.Itoa(int(s.Peer.Port)), strconv.Itoa(int(s.RecvQ))}, " ")
}

func TestParseProcNetErrors(t *testing.T) {
	header := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	good := "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0\n"
	for _, tt := range []struct {
		name, text, want string
	}{
		{"fields", header + good + "   1: 0100007F:0016\n", "tcp:3: malformed socket line: 2 fields"},
		{"address", header + "   0: 0100007G:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", `tcp:2: malformed socket line: address "0100007G:0016"`},
		{"port", header + "   0: 0100007F:1FFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", `tcp:2: malformed socket line: port "1FFFF"`},
		{"state", header + "   0: 0100007F:0016 00000000:0000 XX 00000000:00000000 00:00000000 00000000 0 0 1\n", `tcp:2: malformed socket line: st "XX"`},
		{"queues", header + "   0: 0100007F:0016 00000000:0000 0A 00000000 00:00000000 00000000 0 0 1\n", `tcp:2: malformed socket line: tx_queue:rx_queue "00000000"`},
		{"inode", header + "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 x\n", `tcp:2: malformed socket line: inode "x"`},
		{"v6 length", header + "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n", `tcp:2: malformed socket line: address "0100007F:0016"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			family := uint8(afInet)
			if tt.name == "v6 length" {
				family = afInet6
			}
			var d decoder
			err := d.parseProcNet("tcp", strings.NewReader(tt.text), stack.TableTCP, family, func(*stack.Socket) error { return nil })
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
			if err != nil && !errors.Is(err, errProcNet) {
				t.Errorf("%v does not wrap errProcNet", err)
			}
		})
	}
}
