package ss

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/netdb"
	"github.com/stackbox/stackbox/pkg/stack"
)

const (
	ssAll    = stack.StateSet(1<<12 - 1)
	ssConn   = ssAll &^ (1<<stack.StateListen | 1<<stack.StateClose | 1<<stack.StateTimeWait | 1<<stack.StateSynRecv)
	ssClose  = stack.StateSet(1 << stack.StateClose)
	ssEstab  = stack.StateSet(1 << stack.StateEstablished)
	allTable = stack.TableSet(1<<stack.TableTCP | 1<<stack.TableMPTCP | 1<<stack.TableUDP | 1<<stack.TableRaw |
		1<<stack.TableUnixStream | 1<<stack.TableUnixDgram | 1<<stack.TableUnixSeqpacket |
		1<<stack.TablePacketRaw | 1<<stack.TablePacketDgram | 1<<stack.TableNetlink)
	inetTables = stack.TableSet(1<<stack.TableTCP | 1<<stack.TableMPTCP | 1<<stack.TableUDP | 1<<stack.TableRaw)
)

// dump is what a capture's ss arguments select.
type dump struct {
	o        Options
	families map[uint8]bool // nil: all
}

// parseArgs turns the ss arguments of a capture into Options and the
// selection ss made, following ss.c's filter defaults.
func parseArgs(t *testing.T, args []string) dump {
	t.Helper()
	var d dump
	var tables stack.TableSet
	var states, stateFilter stack.StateSet
	dflt := true
	addTable := func(tb stack.Table, st stack.StateSet) {
		tables |= 1 << tb
		states |= st
		dflt = false
	}
	family := func(f uint8) {
		if d.families == nil {
			d.families = map[uint8]bool{}
		}
		d.families[f] = true
		dflt = false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tos":
			d.o.TOS = true
		case a == "-f":
			i++
			if args[i] != "netlink" {
				t.Fatalf("family %s", args[i])
			}
			family(16)
			states |= ssClose
		case a == "state":
			i++
			if args[i] != "listening" {
				t.Fatalf("state %s", args[i])
			}
			stateFilter = 1 << stack.StateListen
		case strings.HasPrefix(a, "-"):
			for _, c := range a[1:] {
				switch c {
				case 'a':
					stateFilter = ssAll
				case 'l':
					stateFilter = 1<<stack.StateListen | ssClose
				case 'n':
					d.o.Numeric = true
				case 'e':
					d.o.Extended = true
				case 'o':
					d.o.Timers = true
				case 'i':
					d.o.Info = true
				case 'm':
					d.o.Memory = true
				case 'p':
					d.o.Processes = true
				case 'T':
					d.o.Threads = true
				case 'H':
					d.o.NoHeader = true
				case 'O':
					d.o.OneLine = true
				case 't':
					addTable(stack.TableTCP, ssConn)
				case 'u':
					addTable(stack.TableUDP, ssEstab)
				case 'w':
					addTable(stack.TableRaw, ssEstab)
				case 'x':
					family(1)
					states |= ssConn
				case '0':
					family(17)
					states |= ssClose
				case '6':
					family(afInet6)
					states |= ssConn
				default:
					t.Fatalf("flag %c", c)
				}
			}
		default:
			t.Fatalf("argument %s", a)
		}
	}
	if dflt {
		tables = allTable
		states = ssConn
	}
	for f := range d.families {
		switch f {
		case 1:
			tables |= 1<<stack.TableUnixStream | 1<<stack.TableUnixDgram | 1<<stack.TableUnixSeqpacket
		case 17:
			tables |= 1<<stack.TablePacketRaw | 1<<stack.TablePacketDgram
		case 16:
			tables |= 1 << stack.TableNetlink
		case afInet6:
			tables |= inetTables
		}
	}
	if d.families != nil && tables&inetTables != 0 && !d.families[afInet6] {
		d.families[afInet], d.families[afInet6] = true, true
	}
	if stateFilter != 0 {
		states = stateFilter
	}
	// ss counts DCCP and SCTP among the inet tables it dumps.
	if tables&inetTables == inetTables {
		tables |= 1 << 20
	}
	d.o.Tables, d.o.States = tables, states
	return d
}

func (d dump) selects(s *stack.Socket) bool {
	if !d.o.Tables.Has(s.Table) {
		return false
	}
	if d.families != nil && !d.families[s.Family] {
		if !(s.Table.IsUnix() && d.families[1]) && !(s.Table.IsPacket() && d.families[17]) && !(s.Table == stack.TableNetlink && d.families[16]) {
			return false
		}
	}
	st := s.State
	if s.Table.IsPacket() || s.Table == stack.TableNetlink {
		st = stack.StateClose
	}
	return d.o.States.Has(st)
}

// netlinkFromGolden rebuilds the netlink sockets in the order the capture
// listed them (the kernel's netlink hash order changes between runs) and
// returns the pid of the capturing ss.
func netlinkFromGolden(t *testing.T, golden string, netid bool) ([]*stack.Socket, int32) {
	var socks []*stack.Socket
	var ssPID int32
	byName := map[string]uint16{}
	for i, n := range nlProtoNames {
		if n != "" {
			byName[n] = uint16(i)
		}
	}
	for _, line := range strings.Split(golden, "\n")[1:] {
		f := strings.Fields(line)
		if netid {
			if len(f) == 0 || f[0] != "nl" {
				continue
			}
			f = f[1:]
		}
		if len(f) < 4 || f[0] != "UNCONN" {
			continue
		}
		proto, port, ok := strings.Cut(f[3], ":")
		if !ok {
			continue
		}
		num, known := byName[proto]
		if !known {
			n, err := strconv.Atoi(proto)
			if err != nil {
				continue
			}
			num = uint16(n)
		}
		var pid int32
		switch {
		case port == "kernel":
		case strings.Contains(port, "/"):
			name, p, _ := strings.Cut(port, "/")
			n, _ := strconv.Atoi(p)
			pid = int32(n)
			if name == "ss" {
				ssPID = pid
			}
		default:
			n, err := strconv.Atoi(port)
			if err != nil {
				t.Fatalf("netlink port %q", port)
			}
			pid = int32(n)
			if num == 4 && pid > 0 {
				ssPID = pid
			}
		}
		var groups uint32
		if pid < -1 {
			groups = 1
		}
		socks = append(socks, netlinkSocket(num, pid, groups))
	}
	return socks, ssPID
}

// packetRecvQ is the receive queue of the ETH_P_IPV6 packet socket in the
// capture: it grows while the namespace's veth pair chats.
func packetRecvQ(golden string) uint32 {
	for _, line := range strings.Split(golden, "\n") {
		f := strings.Fields(line)
		for i, x := range f {
			if (x == "ipv6:*" || x == "[34525]:*") && i >= 3 {
				n, _ := strconv.Atoi(f[i-2])
				return uint32(n)
			}
		}
	}
	return 0
}

func testDB() *netdb.DB {
	return netdb.New("testdata/services", "testdata/protocols")
}

// TestRealCaptures renders the fixtures with the arguments of every
// capture in testdata/real and compares byte for byte with what
// /usr/bin/ss printed for the same sockets.
func TestRealCaptures(t *testing.T) {
	files, err := filepath.Glob("testdata/real/*.args")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".args")
		t.Run(name, func(t *testing.T) {
			argb, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".args") + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			d := parseArgs(t, strings.Fields(string(argb)))
			if strings.HasPrefix(name, "tty") {
				w, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(name, "_")[0], "tty"))
				d.o.Terminal, d.o.Width = true, w
			}
			nl, ssPID := netlinkFromGolden(t, string(want), !d.o.Tables.Has(stack.TableNetlink) || d.o.Tables != 1<<stack.TableNetlink)
			d.o.Names = fakeNames{ssPID: ssPID}
			d.o.DB = testDB()
			d.o.EphemeralPorts = [2]uint16{32768, 60999}
			pk := packetSockets()
			if rq := packetRecvQ(string(want)); rq != 0 {
				pk[2].RecvQ, pk[2].SkMem.RMemAlloc = rq, rq
			}
			var all []*stack.Socket
			all = append(all, nl...)
			all = append(all, pk...)
			all = append(all, unixSockets()...)
			all = append(all, rawSockets()...)
			all = append(all, udpSockets()...)
			all = append(all, tcpSockets()...)
			if d.o.Threads {
				for _, s := range all {
					for i := range s.Users {
						u := s.Users[i]
						s.Users = []stack.ProcessFD{u, u}
						s.Users[0].TID, s.Users[1].TID = pyTID, pyPID
						break
					}
				}
			}
			var buf bytes.Buffer
			w := NewWriter(&buf, d.o)
			for _, s := range all {
				if d.selects(s) {
					if err := w.Socket(s); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("ss %s: output differs from /usr/bin/ss\n%s", strings.TrimSpace(string(argb)), lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff shows the first lines that differ, with visible line ends.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if strings.TrimRight(w, " ") != strings.TrimRight(g, " ") || (n == 0 && w != g) {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + strconv.Quote(w) + "\n  got  " + strconv.Quote(g) + "\n")
			if n++; n == 40 {
				break
			}
		}
	}
	return b.String()
}
