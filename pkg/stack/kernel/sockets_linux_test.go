package kernel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// sockSet is a set of sockets of every kind, created inside a test
// namespace and closed when the test ends.
type sockSet struct {
	listener       *net.TCPListener
	client, server *net.TCPConn
	queued         int // bytes client sent and server has not read

	listener6 *net.TCPListener // nil without IPv6 on lo

	udp *net.UDPConn // connected

	unixPath                 string
	unixListener             *net.UnixListener
	unixClient, unixServer   *net.UnixConn
	unixQueued               int
	rawFD, packetFD, mptcpFD int
	inode                    map[string]uint32 // socket inodes by name
	listenPort, clientPort   uint16
	udpPort, udpPeerPort     uint16
	listen6Port, mptcpPort   uint16
	mptcpSkip                string // why there is no mptcp socket
}

// fdInode is the inode of the socket behind a connection.
func fdInode(t testing.TB, c syscall.Conn) uint32 {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Fstat(int(fd), &st) }); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	return uint32(st.Ino)
}

func rawInode(t testing.TB, fd int) uint32 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return uint32(st.Ino)
}

func portOf(a net.Addr) uint16 {
	switch a := a.(type) {
	case *net.TCPAddr:
		return uint16(a.Port)
	case *net.UDPAddr:
		return uint16(a.Port)
	}
	return 0
}

// newSockSet creates the sockets inside k's namespace.
func newSockSet(t testing.TB, k *Kernel) *sockSet {
	t.Helper()
	ss := &sockSet{inode: map[string]uint32{}, rawFD: -1, packetFD: -1, mptcpFD: -1}
	ss.unixPath = filepath.Join(t.TempDir(), "test.sock")
	inNS(t, k, func() error {
		// Plain tcp listeners: Go listens with mptcp by default where
		// the kernel has it, and mptcp gets its own socket below.
		var lc net.ListenConfig
		lc.SetMultipathTCP(false)
		l, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ss.listener = l.(*net.TCPListener)
		if ss.client, err = net.DialTCP("tcp4", nil, ss.listener.Addr().(*net.TCPAddr)); err != nil {
			return err
		}
		if l, err := lc.Listen(context.Background(), "tcp6", "[::1]:0"); err == nil {
			ss.listener6 = l.(*net.TCPListener)
		} // else no IPv6 here
		if ss.udp, err = net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}); err != nil {
			return err
		}
		if ss.unixListener, err = net.ListenUnix("unix", &net.UnixAddr{Name: ss.unixPath, Net: "unix"}); err != nil {
			return err
		}
		if ss.unixClient, err = net.DialUnix("unix", nil, &net.UnixAddr{Name: ss.unixPath, Net: "unix"}); err != nil {
			return err
		}
		if ss.rawFD, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP); err != nil {
			return fmt.Errorf("raw socket: %w", err)
		}
		if ss.packetFD, err = unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_IP))); err != nil {
			return fmt.Errorf("packet socket: %w", err)
		}
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_MPTCP)
		if err != nil {
			ss.mptcpSkip = fmt.Sprintf("no mptcp socket: %v", err)
			return nil
		}
		ss.mptcpFD = fd
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return err
		}
		return unix.Listen(fd, 5)
	})
	t.Cleanup(ss.close)
	var err error
	if ss.server, err = ss.listener.AcceptTCP(); err != nil {
		t.Fatal(err)
	}
	if ss.unixServer, err = ss.unixListener.AcceptUnix(); err != nil {
		t.Fatal(err)
	}
	ss.queued = 1000
	if _, err := ss.client.Write(make([]byte, ss.queued)); err != nil {
		t.Fatal(err)
	}
	ss.unixQueued = 10
	if _, err := ss.unixClient.Write(make([]byte, ss.unixQueued)); err != nil {
		t.Fatal(err)
	}
	ss.listenPort = portOf(ss.listener.Addr())
	ss.clientPort = portOf(ss.client.LocalAddr())
	ss.udpPort = portOf(ss.udp.LocalAddr())
	ss.udpPeerPort = portOf(ss.udp.RemoteAddr())
	if ss.listener6 != nil {
		ss.listen6Port = portOf(ss.listener6.Addr())
		ss.inode["listener6"] = fdInode(t, ss.listener6)
	}
	if ss.mptcpFD >= 0 {
		sa, err := unix.Getsockname(ss.mptcpFD)
		if err != nil {
			t.Fatal(err)
		}
		ss.mptcpPort = uint16(sa.(*unix.SockaddrInet4).Port)
		ss.inode["mptcp"] = rawInode(t, ss.mptcpFD)
	}
	ss.inode["listener"] = fdInode(t, ss.listener)
	ss.inode["client"] = fdInode(t, ss.client)
	ss.inode["server"] = fdInode(t, ss.server)
	ss.inode["udp"] = fdInode(t, ss.udp)
	ss.inode["unixListener"] = fdInode(t, ss.unixListener)
	ss.inode["unixClient"] = fdInode(t, ss.unixClient)
	ss.inode["unixServer"] = fdInode(t, ss.unixServer)
	ss.inode["raw"] = rawInode(t, ss.rawFD)
	ss.inode["packet"] = rawInode(t, ss.packetFD)
	return ss
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (ss *sockSet) close() {
	for _, c := range []io.Closer{ss.client, ss.server, ss.udp, ss.unixClient, ss.unixServer} {
		if c != nil && !isNil(c) {
			c.Close()
		}
	}
	if ss.listener != nil {
		ss.listener.Close()
	}
	if ss.listener6 != nil {
		ss.listener6.Close()
	}
	if ss.unixListener != nil {
		ss.unixListener.Close()
	}
	for _, fd := range []int{ss.rawFD, ss.packetFD, ss.mptcpFD} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

func isNil(c io.Closer) bool {
	switch c := c.(type) {
	case *net.TCPConn:
		return c == nil
	case *net.UDPConn:
		return c == nil
	case *net.UnixConn:
		return c == nil
	}
	return false
}

// everything is a query for every table, state and part.
func everything() stack.SocketQuery {
	return stack.SocketQuery{
		Tables: allTables(),
		States: stack.StatesAll,
		Want:   stack.Want{Mem: true, TCPInfo: true, Details: true, Packet: true, UnixPeer: true, TOS: true},
	}
}

// collect dumps q from k and returns deep copies of the sockets.
func collect(t testing.TB, k *Kernel, q stack.SocketQuery) []stack.Socket {
	t.Helper()
	var out []stack.Socket
	err := k.Sockets(context.Background(), q, func(s *stack.Socket) error {
		out = append(out, cloneSocket(s))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sockKey names a socket in a dump. An inode is not enough: the tcp
// subflow of an mptcp socket has the mptcp socket's inode.
type sockKey struct {
	table stack.Table
	inode uint32
}

// byInode indexes sockets by table and inode.
func byInode(socks []stack.Socket) map[sockKey]stack.Socket {
	m := map[sockKey]stack.Socket{}
	for _, s := range socks {
		m[sockKey{s.Table, s.Inode}] = s
	}
	return m
}

// tableRank orders tables as ss dumps them; the packet tables share a
// dump, and so do the unix ones.
func tableRank(t stack.Table) int {
	switch t {
	case stack.TableNetlink:
		return 0
	case stack.TablePacketRaw, stack.TablePacketDgram:
		return 1
	case stack.TableUnixStream, stack.TableUnixDgram, stack.TableUnixSeqpacket:
		return 2
	case stack.TableRaw:
		return 3
	case stack.TableUDP:
		return 4
	case stack.TableTCP:
		return 5
	case stack.TableMPTCP:
		return 6
	}
	return -1
}

func TestSocketsNamespace(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	lo := netip.MustParseAddr("127.0.0.1")

	// The server may not have seen all the queued bytes yet.
	var socks []stack.Socket
	var m map[sockKey]stack.Socket
	for i := 0; i < 100; i++ {
		socks = collect(t, k, everything())
		m = byInode(socks)
		if m[sockKey{stack.TableTCP, ss.inode["server"]}].RecvQ == uint32(ss.queued) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	rank := -1
	fam := uint8(0)
	for _, s := range socks {
		r := tableRank(s.Table)
		if r < rank {
			t.Errorf("%s socket (inode %d) after a table of rank %d: not in ss's dump order", s.Table, s.Inode, rank)
		}
		if r > rank {
			fam = 0
		}
		if s.Table.IsInet() {
			if s.Family < fam {
				t.Errorf("%s socket (inode %d) of family %d after family %d", s.Table, s.Inode, s.Family, fam)
			}
			fam = s.Family
		}
		rank = r
	}

	get := func(name string, table stack.Table) stack.Socket {
		t.Helper()
		s, ok := m[sockKey{table, ss.inode[name]}]
		if !ok {
			t.Fatalf("no %s socket for %s (inode %d)", table, name, ss.inode[name])
		}
		return s
	}

	l := get("listener", stack.TableTCP)
	if l.State != stack.StateListen || l.Local.Addr != lo || l.Local.Port != ss.listenPort || l.Family != afInet {
		t.Errorf("listener: %v %v:%d family %d", l.State, l.Local.Addr, l.Local.Port, l.Family)
	}
	if !l.Peer.Addr.IsUnspecified() || l.Peer.Port != 0 {
		t.Errorf("listener peer %v:%d, want 0.0.0.0:0", l.Peer.Addr, l.Peer.Port)
	}

	c := get("client", stack.TableTCP)
	if c.State != stack.StateEstablished || c.Local.Port != ss.clientPort || c.Peer.Port != ss.listenPort || c.Peer.Addr != lo {
		t.Errorf("client: %v %v:%d -> %v:%d", c.State, c.Local.Addr, c.Local.Port, c.Peer.Addr, c.Peer.Port)
	}
	if c.Protocol != ipprotoTCP || c.Cookie == 0 {
		t.Errorf("client: protocol %d cookie %d", c.Protocol, c.Cookie)
	}
	if c.TCP == nil {
		t.Fatal("client: no tcp_info")
	}
	if c.TCP.Len < stack.TCPInfoOffSndWnd+4 || c.TCP.State != uint8(stack.StateEstablished) || c.TCP.SndMSS == 0 || c.TCP.RTT == 0 {
		t.Errorf("client tcp_info: len %d state %d mss %d rtt %d", c.TCP.Len, c.TCP.State, c.TCP.SndMSS, c.TCP.RTT)
	}
	if c.TCP.BytesAcked < uint64(ss.queued) || c.TCP.BytesSent < uint64(ss.queued) {
		t.Errorf("client tcp_info: bytes_acked %d bytes_sent %d, want >= %d", c.TCP.BytesAcked, c.TCP.BytesSent, ss.queued)
	}
	if c.Cong == "" || c.SkMem == nil || c.SkMem.N != 9 || c.Mem == nil || !c.HasShutdown || !c.HasTOS {
		t.Errorf("client: cong %q skmem %+v mem %+v shutdown %v tos %v", c.Cong, c.SkMem, c.Mem, c.HasShutdown, c.HasTOS)
	}

	srv := get("server", stack.TableTCP)
	if srv.RecvQ != uint32(ss.queued) || srv.Local.Port != ss.listenPort || srv.Peer.Port != ss.clientPort {
		t.Errorf("server: recv-q %d (want %d) %d -> %d", srv.RecvQ, ss.queued, srv.Local.Port, srv.Peer.Port)
	}
	if srv.TCP == nil || srv.TCP.BytesReceived != uint64(ss.queued) {
		t.Errorf("server tcp_info: %+v", srv.TCP)
	}

	if ss.listener6 != nil {
		l6 := get("listener6", stack.TableTCP)
		if l6.Family != afInet6 || l6.Local.Addr != netip.IPv6Loopback() || l6.Local.Port != ss.listen6Port || !l6.HasV6Only || !l6.HasTClass {
			t.Errorf("listener6: family %d %v:%d v6only %v tclass %v", l6.Family, l6.Local.Addr, l6.Local.Port, l6.HasV6Only, l6.HasTClass)
		}
	}

	u := get("udp", stack.TableUDP)
	if u.State != stack.StateEstablished || u.Local.Port != ss.udpPort || u.Peer.Port != ss.udpPeerPort || u.Protocol != ipprotoUDP {
		t.Errorf("udp: %v %d -> %d protocol %d", u.State, u.Local.Port, u.Peer.Port, u.Protocol)
	}

	ul := get("unixListener", stack.TableUnixStream)
	if ul.State != stack.StateListen || ul.Local.Path != ss.unixPath || ul.UnixVFS == nil || ul.UnixVFS.Inode == 0 {
		t.Errorf("unix listener: %v %q vfs %+v", ul.State, ul.Local.Path, ul.UnixVFS)
	}
	uc := get("unixClient", stack.TableUnixStream)
	us := get("unixServer", stack.TableUnixStream)
	if uc.State != stack.StateEstablished || uc.Peer.Inode != ss.inode["unixServer"] || us.Peer.Inode != ss.inode["unixClient"] {
		t.Errorf("unix pair: client %v peer %d, server peer %d", uc.State, uc.Peer.Inode, us.Peer.Inode)
	}
	if us.Local.Path != ss.unixPath || us.RecvQ != uint32(ss.unixQueued) || us.SkMem == nil {
		t.Errorf("unix server: path %q recv-q %d (want %d) skmem %v", us.Local.Path, us.RecvQ, ss.unixQueued, us.SkMem)
	}

	r := get("raw", stack.TableRaw)
	if r.Protocol != unix.IPPROTO_ICMP || r.Local.Port != unix.IPPROTO_ICMP || r.State != stack.StateClose {
		t.Errorf("raw: protocol %d port %d state %v", r.Protocol, r.Local.Port, r.State)
	}

	p := get("packet", stack.TablePacketDgram)
	if p.Local.Proto != unix.ETH_P_IP || p.Packet == nil || !p.Packet.HasInfo || p.State != stack.StateClose || p.SkMem == nil {
		t.Errorf("packet: proto %#x info %+v state %v", p.Local.Proto, p.Packet, p.State)
	}

	if ss.mptcpFD >= 0 {
		mp := get("mptcp", stack.TableMPTCP)
		if mp.State != stack.StateListen || mp.Local.Port != ss.mptcpPort {
			t.Errorf("mptcp: %v port %d, want LISTEN %d", mp.State, mp.Local.Port, ss.mptcpPort)
		}
		// Its tcp subflow shows in the tcp table, as with ss.
		if sf := get("mptcp", stack.TableTCP); sf.Local.Port != ss.mptcpPort {
			t.Errorf("mptcp subflow: port %d, want %d", sf.Local.Port, ss.mptcpPort)
		}
	} else {
		t.Log(ss.mptcpSkip)
	}

	var diag bool
	for _, s := range socks {
		if s.Table == stack.TableNetlink && s.Local.Proto == unix.NETLINK_SOCK_DIAG && s.Netlink != nil {
			diag = true
		}
	}
	if !diag {
		t.Error("no NETLINK_SOCK_DIAG socket among the netlink sockets (our own should be there)")
	}

	// The kernel's own listing agrees on the tcp sockets.
	var procTCP map[uint32]int
	inNS(t, k, func() error {
		var err error
		procTCP, err = procInodes("/proc/thread-self/net/tcp")
		return err
	})
	ours := map[uint32]int{}
	for _, s := range socks {
		if s.Table == stack.TableTCP && s.Family == afInet {
			ours[s.Inode] = int(s.State)
		}
	}
	if fmt.Sprint(ours) != fmt.Sprint(procTCP) {
		t.Errorf("tcp sockets (inode:state) differ from /proc/net/tcp:\n got %v\nwant %v", ours, procTCP)
	}
}

// procInodes reads the inode and state of every socket in a /proc/net
// table.
func procInodes(path string) (map[uint32]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[uint32]int{}
	sc := bufio.NewScanner(f)
	sc.Scan()
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		st, _ := strconv.ParseUint(f[3], 16, 8)
		ino, _ := strconv.ParseUint(f[9], 10, 32)
		m[uint32(ino)] = int(st)
	}
	return m, sc.Err()
}

// TestSocketsMatchSS compares the tcp, udp and unix sockets with what ss
// prints for the same namespace.
func TestSocketsMatchSS(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	lookTool(t, "ss")
	time.Sleep(20 * time.Millisecond)

	var got []string
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP).With(stack.TableUDP), States: stack.StatesAll, Families: 1 << afInet}
	for _, s := range collect(t, k, q) {
		got = append(got, fmt.Sprintf("%s %s %d %d %s %s", s.Table, s.State, s.RecvQ, s.SendQ, ssAddr(s.Local), ssAddr(s.Peer)))
	}
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(runInNS(t, k, "ss", "-HtuanO4")), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		want = append(want, fmt.Sprintf("%s %s %s %s %s %s", f[0], f[1], f[2], f[3], f[4], f[5]))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sockets differ from ss -tuan4:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_ = ss

	// Unix sockets: state, queues, inodes and peers (ss -x prints
	// "path inode" and "* peer-inode").
	got, want = nil, nil
	q = stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableUnixStream).With(stack.TableUnixDgram).With(stack.TableUnixSeqpacket), States: stack.StatesAll}
	for _, s := range collect(t, k, q) {
		path := s.Local.Path
		if path == "" {
			path = "*"
		}
		got = append(got, fmt.Sprintf("%s %s %d %d %s %d * %d", s.Table, s.State, s.RecvQ, s.SendQ, path, s.Inode, s.Peer.Inode))
	}
	for _, line := range strings.Split(strings.TrimSpace(runInNS(t, k, "ss", "-HxanO")), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		want = append(want, strings.Join(f[:8], " "))
	}
	sort.Strings(got)
	sort.Strings(want)
	// ss's own netlink socket is not a unix socket, so the sets match.
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unix sockets differ from ss -xan:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// ssAddr formats an endpoint as ss -n does.
func ssAddr(e stack.Endpoint) string {
	port := "*"
	if e.Port != 0 {
		port = strconv.Itoa(int(e.Port))
	}
	if e.Addr.Is6() && !e.Addr.Is4In6() {
		return "[" + e.Addr.String() + "]:" + port
	}
	return e.Addr.String() + ":" + port
}

// bcSportFilter selects the sockets whose local port is port, in the
// kernel (bytecode for sport >= port and sport <= port) and in user space,
// where it also rejects the socket with inode reject. It records the
// sockets it was asked about.
type bcSportFilter struct {
	port   uint16
	reject uint32
	asked  []uint16
}

func (f *bcSportFilter) Match(s *stack.Socket) bool {
	f.asked = append(f.asked, s.Local.Port)
	return s.Local.Port == f.port && s.Inode != f.reject
}

func (f *bcSportFilter) InetDiagBytecode(family uint8) ([]byte, bool) {
	const sGE, sLE = 2, 3
	var b []byte
	op := func(code, yes uint8, no uint16) { b = append(b, code, yes); b = ne.AppendUint16(b, no) }
	op(sGE, 8, 20) // on failure jump past the end: reject
	op(0, 0, f.port)
	op(sLE, 8, 12)
	op(0, 0, f.port)
	return b, true
}

func TestSocketsBytecodeAndMatch(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	f := &bcSportFilter{port: ss.listenPort, reject: ss.inode["server"]}
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: stack.StatesAll, Filter: f}
	socks := collect(t, k, q)
	for _, p := range f.asked {
		if p != ss.listenPort {
			t.Errorf("Match was asked about port %d: the kernel filter should have kept only port %d", p, ss.listenPort)
		}
	}
	if len(f.asked) != 2 {
		t.Errorf("Match was asked about %d sockets, want 2 (the listener and the server end)", len(f.asked))
	}
	if len(socks) != 1 || socks[0].Inode != ss.inode["listener"] {
		t.Errorf("got %d sockets %+v, want the listener only (Match rejects the server end)", len(socks), socks)
	}
}

func TestSocketsFamiliesAndStates(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: 1 << stack.StateListen, Families: 1 << afInet6}
	socks := collect(t, k, q)
	for _, s := range socks {
		if s.Family != afInet6 || s.State != stack.StateListen {
			t.Errorf("got family %d state %v", s.Family, s.State)
		}
	}
	if ss.listener6 != nil && len(socks) != 1 {
		t.Errorf("got %d sockets, want the IPv6 listener", len(socks))
	}

	// Packet and netlink sockets have no states but Close.
	q = stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TablePacketDgram).With(stack.TableNetlink), States: 1 << stack.StateEstablished}
	if socks := collect(t, k, q); len(socks) != 0 {
		t.Errorf("got %d packet/netlink sockets for the established state, want none", len(socks))
	}
	q.States = 1 << stack.StateClose
	// ss shows the SOCK_DGRAM packet socket for p_raw too.
	q.Tables = stack.TableSet(0).With(stack.TablePacketRaw)
	if socks := collect(t, k, q); len(socks) != 1 || socks[0].Table != stack.TablePacketDgram {
		t.Errorf("got %d sockets for p_raw, want the p_dgr one", len(socks))
	}
}

func TestSocketsStopsOnError(t *testing.T) {
	k := testNS(t)
	newSockSet(t, k)
	stop := errors.New("stop")
	n := 0
	err := k.Sockets(context.Background(), everything(), func(*stack.Socket) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("got %v after %d sockets, want the callback's error after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := k.Sockets(ctx, everything(), func(*stack.Socket) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: got %v", err)
	}
}

func TestDoJoinsNamespace(t *testing.T) {
	k := testNS(t)
	var st unix.Stat_t
	if err := unix.Stat(k.nsPath(), &st); err != nil {
		t.Fatal(err)
	}
	var inside string
	inNS(t, k, func() error {
		var err error
		inside, err = os.Readlink("/proc/thread-self/ns/net")
		return err
	})
	if want := fmt.Sprintf("net:[%d]", st.Ino); inside != want {
		t.Errorf("inside Do the thread's namespace is %s, want %s", inside, want)
	}
	host, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	if host == inside {
		t.Error("the caller's thread joined the namespace too")
	}
	if got := New("").Do(func() error { return io.EOF }); got != io.EOF {
		t.Errorf("Do without a namespace returned %v, want fn's error", got)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want fn's panic", r)
		}
	}()
	_ = k.Do(func() error { panic("boom") })
}
