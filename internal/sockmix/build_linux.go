package sockmix

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Config says where Build puts what is not fixed.
type Config struct {
	// Dir holds the unix sockets with path names. Keep it short: ss
	// prints the full path.
	Dir string
	// Dev, when set, is an extra interface in the namespace (a veth end:
	// this kernel may lack the dummy driver) with the addresses Dev4 and
	// Dev6 (the latter added with nodad); Build then adds sockets on
	// them, some bound to that device.
	Dev        string
	Dev4, Dev6 string
	// NoMPTCP leaves out the MPTCP sockets.
	NoMPTCP bool
}

// Entry describes one socket (or pair) of the mix, for logs.
type Entry struct {
	Kind string // "tcp", "udp", "raw", "unix", "packet", "netlink", "mptcp"
	Desc string
}

// Mix holds the sockets Build created; they stay open until Close.
type Mix struct {
	Entries []Entry
	// Skipped lists optional sockets the kernel refused, with the reason.
	Skipped []string

	fds []int
	tcp []int // connected TCP sockets, watched by Settle
}

// Close closes every socket of the mix.
func (m *Mix) Close() {
	for _, fd := range m.fds {
		unix.Close(fd)
	}
	m.fds = nil
}

func (m *Mix) add(kind, format string, args ...any) {
	m.Entries = append(m.Entries, Entry{Kind: kind, Desc: fmt.Sprintf(format, args...)})
}

// builder carries the first error so the steps read as a list.
type builder struct {
	m   *Mix
	err error
}

func (b *builder) fail(op string, err error) {
	if b.err == nil && err != nil {
		b.err = fmt.Errorf("sockmix: %s: %w", op, err)
	}
}

func (b *builder) socket(domain, typ, proto int) int {
	if b.err != nil {
		return -1
	}
	fd, err := unix.Socket(domain, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		b.fail(fmt.Sprintf("socket(%d, %d, %d)", domain, typ, proto), err)
		return -1
	}
	b.m.fds = append(b.m.fds, fd)
	return fd
}

func (b *builder) closeFd(fd int) {
	for i, f := range b.m.fds {
		if f == fd {
			b.m.fds = append(b.m.fds[:i], b.m.fds[i+1:]...)
			break
		}
	}
	unix.Close(fd)
}

func sockaddr(addr string, port int) (unix.Sockaddr, int, error) {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, 0, err
	}
	if ip.Is4() {
		return &unix.SockaddrInet4{Port: port, Addr: ip.As4()}, unix.AF_INET, nil
	}
	return &unix.SockaddrInet6{Port: port, Addr: ip.As16()}, unix.AF_INET6, nil
}

func family(addr string) int {
	if ip, err := netip.ParseAddr(addr); err == nil && ip.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

func (b *builder) setInt(fd, level, opt, v int, what string) {
	if b.err != nil {
		return
	}
	b.fail("setsockopt "+what, unix.SetsockoptInt(fd, level, opt, v))
}

func (b *builder) bindDevice(fd int, dev string) {
	if b.err != nil {
		return
	}
	b.fail("SO_BINDTODEVICE "+dev, unix.BindToDevice(fd, dev))
}

func (b *builder) bind(fd int, addr string, port int) {
	if b.err != nil {
		return
	}
	sa, _, err := sockaddr(addr, port)
	if err != nil {
		b.fail("bind", err)
		return
	}
	b.fail(fmt.Sprintf("bind %s port %d", addr, port), unix.Bind(fd, sa))
}

// sockOpt is applied to a socket before bind.
type sockOpt func(b *builder, fd int)

// withMD5Keys sets the TCP-MD5 keys of MD5Keys on a socket.
func withMD5Keys(b *builder, fd int) {
	for _, k := range MD5Keys {
		sig := unix.TCPMD5Sig{Keylen: uint16(len(k.Key))}
		copy(sig.Key[:], k.Key)
		// A dual-stack socket takes IPv4 peers as v4-mapped addresses.
		ip := netip.MustParseAddr(k.Peer).As16()
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&sig.Addr))
		sa.Family = unix.AF_INET6
		sa.Addr = ip
		if err := unix.SetsockoptTCPMD5Sig(fd, unix.IPPROTO_TCP, unix.TCP_MD5SIG, &sig); err != nil {
			b.fail("TCP_MD5SIG", err)
		}
	}
}

func withMark(b *builder, fd int) { b.setInt(fd, unix.SOL_SOCKET, unix.SO_MARK, Mark, "SO_MARK") }

func withDevice(dev string) sockOpt {
	return func(b *builder, fd int) { b.bindDevice(fd, dev) }
}

func withV6Only(v int) sockOpt {
	return func(b *builder, fd int) { b.setInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v, "IPV6_V6ONLY") }
}

func withRcvBuf(n int) sockOpt {
	return func(b *builder, fd int) { b.setInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, n, "SO_RCVBUF") }
}

func withSndBuf(n int) sockOpt {
	return func(b *builder, fd int) { b.setInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, n, "SO_SNDBUF") }
}

func withKeepalive(b *builder, fd int) {
	b.setInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1, "SO_KEEPALIVE")
}

func withDeferAccept(secs int) sockOpt {
	return func(b *builder, fd int) {
		b.setInt(fd, unix.IPPROTO_TCP, unix.TCP_DEFER_ACCEPT, secs, "TCP_DEFER_ACCEPT")
	}
}

func (b *builder) listen(proto int, addr string, port, backlog int, opts ...sockOpt) int {
	fd := b.socket(family(addr), unix.SOCK_STREAM, proto)
	if b.err != nil {
		return -1
	}
	b.setInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1, "SO_REUSEADDR")
	for _, o := range opts {
		o(b, fd)
	}
	b.bind(fd, addr, port)
	if b.err == nil {
		b.fail(fmt.Sprintf("listen %s port %d", addr, port), unix.Listen(fd, backlog))
	}
	return fd
}

// dial makes a TCP client bound to laddr:lport (port 0: the kernel picks)
// and connects it to raddr:rport. With wait false the connect is left in
// progress.
func (b *builder) dial(laddr string, lport int, raddr string, rport int, wait bool, opts ...sockOpt) int {
	return b.dialProto(0, laddr, lport, raddr, rport, wait, opts...)
}

// dialProto is dial with a protocol (0 for TCP, IPPROTO_MPTCP).
func (b *builder) dialProto(proto int, laddr string, lport int, raddr string, rport int, wait bool, opts ...sockOpt) int {
	fd := b.socket(family(raddr), unix.SOCK_STREAM|unix.SOCK_NONBLOCK, proto)
	if b.err != nil {
		return -1
	}
	for _, o := range opts {
		o(b, fd)
	}
	if laddr != "" {
		b.setInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1, "SO_REUSEADDR")
		b.bind(fd, laddr, lport)
	}
	if b.err != nil {
		return -1
	}
	sa, _, err := sockaddr(raddr, rport)
	if err != nil {
		b.fail("connect", err)
		return -1
	}
	err = unix.Connect(fd, sa)
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		b.fail(fmt.Sprintf("connect to %s port %d", raddr, rport), err)
		return -1
	}
	if wait {
		b.waitFd(fd, unix.POLLOUT, fmt.Sprintf("connect to %s port %d", raddr, rport))
		if b.err == nil {
			if soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
				b.fail(fmt.Sprintf("connect to %s port %d", raddr, rport), errors.Join(err, unix.Errno(soerr)))
			}
		}
	}
	return fd
}

func (b *builder) waitFd(fd int, events int16, what string) {
	if b.err != nil {
		return
	}
	pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(pfd, 5000)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			b.fail(what, err)
		} else if n == 0 {
			b.fail(what, errors.New("timed out"))
		}
		return
	}
}

func (b *builder) accept(lfd int) int {
	b.waitFd(lfd, unix.POLLIN, "accept")
	if b.err != nil {
		return -1
	}
	fd, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK)
	if err != nil {
		b.fail("accept", err)
		return -1
	}
	b.m.fds = append(b.m.fds, fd)
	return fd
}

func (b *builder) write(fd int, n int) {
	if b.err != nil {
		return
	}
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = 'a' + byte(i%26)
	}
	w, err := unix.Write(fd, buf)
	if err == nil && w != n {
		err = fmt.Errorf("short write %d of %d", w, n)
	}
	b.fail("write", err)
}

// fill writes to the non-blocking fd until the kernel refuses more, so the
// peer's receive window and then fd's send buffer are full.
func (b *builder) fill(fd int) {
	if b.err != nil {
		return
	}
	buf := make([]byte, 4096)
	quiet := 0
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		_, err := unix.Write(fd, buf)
		switch {
		case err == nil:
			quiet = 0
		case errors.Is(err, unix.EAGAIN):
			// The window may reopen while the peer's buffer is
			// collapsed; stop after a few refusals in a row.
			quiet++
			if quiet >= 5 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		case errors.Is(err, unix.EINTR):
		default:
			b.fail("fill", err)
			return
		}
	}
	b.fail("fill", errors.New("peer window never filled"))
}

// pair connects a client from laddr:lport to the listener lfd at
// raddr:rport and returns both ends.
func (b *builder) pair(lfd int, laddr string, lport int, raddr string, rport int, opts ...sockOpt) (client, server int) {
	client = b.dial(laddr, lport, raddr, rport, true, opts...)
	server = b.accept(lfd)
	if b.err == nil {
		b.m.tcp = append(b.m.tcp, client, server)
	}
	return client, server
}

// Build creates the mix in the calling thread's network namespace.
func Build(cfg Config) (*Mix, error) {
	m := &Mix{}
	b := &builder{m: m}
	b.tcpPart(cfg)
	b.udpPart(cfg)
	b.rawPart()
	b.unixPart(cfg.Dir)
	b.packetPart()
	b.netlinkPart()
	if !cfg.NoMPTCP {
		b.mptcpPart()
	}
	if b.err != nil {
		m.Close()
		return nil, b.err
	}
	return m, nil
}

func (b *builder) tcpPart(cfg Config) {
	m := b.m
	l22 := b.listen(0, "0.0.0.0", PortSSH, 128, withRcvBuf(8192))
	l80 := b.listen(0, "127.0.0.1", PortHTTP, 128)
	l5432 := b.listen(0, "::", PortPostgres, 128, withV6Only(1), withRcvBuf(8192))
	l443 := b.listen(0, "::", PortHTTPS, 128, withV6Only(0))
	l8080 := b.listen(0, "::1", PortHTTPAlt, 128)
	l7 := b.listen(0, "127.0.0.1", PortEcho, 128)
	b.listen(0, "0.0.0.0", PortDiscard, 128, withDevice("lo"))
	l12345 := b.listen(0, "127.0.0.1", PortHigh, 128)
	l61000 := b.listen(0, "127.0.0.1", PortMarked, 128, withMark)
	b.listen(0, "127.0.0.2", PortDefer, 128, withDeferAccept(3600))
	b.listen(0, "127.0.0.1", PortFull, 0)
	b.listen(0, "127.0.0.1", PortUnaccepted, 128)
	b.listen(0, "::", PortBGP, 128, withV6Only(0), withMD5Keys)
	m.add("tcp", "listeners: 0.0.0.0:22 127.0.0.1:80 [::]:5432 v6only [::]:443 dual [::1]:8080 127.0.0.1:7 0.0.0.0%%lo:9 127.0.0.1:12345 127.0.0.1:61000 mark 127.0.0.2:2000 defer 127.0.0.1:3000 backlog0 127.0.0.1:4444")

	c, s := b.pair(l80, "127.0.0.1", ClientSmallV4, "127.0.0.1", PortHTTP)
	b.write(c, SmallClientBytes)
	b.write(s, SmallServerBytes)
	c, s = b.pair(l8080, "::1", ClientSmallV6, "::1", PortHTTPAlt)
	b.write(c, SmallClientBytes)
	b.write(s, SmallServerBytes)
	b.pair(l443, "127.0.0.1", ClientMapped, "127.0.0.1", PortHTTPS)
	c, _ = b.pair(l22, "127.0.0.1", ClientFull, "127.0.0.1", PortSSH, withSndBuf(8192))
	b.fill(c)
	c, _ = b.pair(l5432, "::1", ClientFinWait1, "::1", PortPostgres, withSndBuf(8192))
	b.fill(c)
	if b.err == nil {
		b.fail("shutdown", unix.Shutdown(c, unix.SHUT_WR))
	}
	c, _ = b.pair(l7, "127.0.0.1", ClientFinWait2, "127.0.0.1", PortEcho)
	if b.err == nil {
		b.fail("shutdown", unix.Shutdown(c, unix.SHUT_WR))
	}
	m.add("tcp", "established 40001->80 40002->8080 (data both ways), 40003->443 (mapped), 40004->22 (window full), 40005->5432 (FIN-WAIT-1), 40006->7 (FIN-WAIT-2/CLOSE-WAIT)")

	// TIME-WAIT: the client closes first; once the server has read the
	// FIN it closes too and the client's socket enters TIME-WAIT.
	c, s = b.pair(l12345, "127.0.0.1", ClientTimeWait, "127.0.0.1", PortHigh)
	if b.err == nil {
		b.closeFd(c)
		b.waitFd(s, unix.POLLIN|unix.POLLRDHUP, "await FIN")
		b.closeFd(s)
		m.tcp = m.tcp[:len(m.tcp)-2]
	}
	// SYN-RECV: TCP_DEFER_ACCEPT keeps the request waiting for data.
	b.dial("127.0.0.1", ClientSynRecv, "127.0.0.2", PortDefer, true)
	// SYN-SENT: the first client fills the backlog-0 accept queue, so the
	// second one's SYNs are dropped.
	b.dial("127.0.0.1", ClientQueued, "127.0.0.1", PortFull, true)
	b.dial("127.0.0.1", ClientSynSent, "127.0.0.1", PortFull, false)
	b.dial("127.0.0.1", ClientPending, "127.0.0.1", PortUnaccepted, true)
	b.pair(l61000, "127.0.0.1", ClientMarked, "127.0.0.1", PortMarked, withMark, withDevice("lo"))
	b.pair(l80, "127.0.0.1", ClientKeep, "127.0.0.1", PortHTTP, withKeepalive)
	// An autobound client: the kernel picks its port.
	b.pair(l80, "", 0, "127.0.0.1", PortHTTP)
	m.add("tcp", "TIME-WAIT 40007->12345, SYN-RECV 40008->127.0.0.2:2000, accept queue 40009->3000, SYN-SENT 40010->3000, unaccepted 40012->4444, marked+lo 40011->61000, keepalive 1023->80, autobound ->80")

	if cfg.Dev != "" && cfg.Dev4 != "" {
		l25 := b.listen(0, cfg.Dev4, PortSMTP, 128, withDevice(cfg.Dev))
		b.pair(l25, cfg.Dev4, ClientDev, cfg.Dev4, PortSMTP)
		m.add("tcp", "device %s: listener %s:%d, connection from port %d", cfg.Dev, cfg.Dev4, PortSMTP, ClientDev)
	}
}

func (b *builder) udp(addr string, port int, opts ...sockOpt) int {
	fd := b.socket(family(addr), unix.SOCK_DGRAM|unix.SOCK_NONBLOCK, 0)
	b.setInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1, "SO_REUSEADDR")
	for _, o := range opts {
		if b.err == nil {
			o(b, fd)
		}
	}
	b.bind(fd, addr, port)
	return fd
}

func (b *builder) connect(fd int, addr string, port int) {
	if b.err != nil {
		return
	}
	sa, _, err := sockaddr(addr, port)
	if err == nil {
		err = unix.Connect(fd, sa)
	}
	b.fail(fmt.Sprintf("connect to %s port %d", addr, port), err)
}

func (b *builder) udpPart(cfg Config) {
	b.udp("0.0.0.0", UDPDomain)
	b.udp("::1", UDPNTP)
	b.udp("::", UDPMDNS, withV6Only(0))
	b.udp("127.0.0.1", UDPOne)
	b.udp("127.0.0.1", UDPMarked, withMark, withDevice("lo"))
	c := b.udp("127.0.0.1", UDPTFTP)
	b.connect(c, "127.0.0.1", UDPDomain)
	b.write(c, UDPDatagramBytes)
	b.write(c, UDPDatagramBytes)
	c = b.udp("::1", UDPClientV6)
	b.connect(c, "::1", UDPNTP)
	b.write(c, UDPDatagramBytes)
	// An autobound UDP socket: connected without bind.
	c = b.socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	b.connect(c, "127.0.0.1", UDPOne)
	b.m.add("udp", "0.0.0.0:53 (2 datagrams queued) [::1]:123 (1 queued) [::]:5353 dual 127.0.0.1:1 127.0.0.1:50000 mark+lo, 69->53, [::1]:40020->123, autobound->1")
	if cfg.Dev != "" {
		if cfg.Dev4 != "" {
			b.udp(cfg.Dev4, UDPDevPort, withDevice(cfg.Dev))
		}
		if cfg.Dev6 != "" {
			b.udp(cfg.Dev6, UDPDevPort)
		}
		b.m.add("udp", "device: %s:53 bound to %s, [%s]:53", cfg.Dev4, cfg.Dev, cfg.Dev6)
	}
}

func (b *builder) rawPart() {
	fd := b.socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_ICMP)
	// Block every ICMP type so the receive queue stays empty.
	if b.err == nil {
		b.fail("ICMP_FILTER", unix.SetsockoptInt(fd, unix.SOL_RAW, 1 /* ICMP_FILTER */, -1))
	}
	b.socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_RAW)
	fd = b.socket(unix.AF_INET6, unix.SOCK_RAW, unix.IPPROTO_ICMPV6)
	if b.err == nil {
		var f unix.ICMPv6Filter
		for i := range f.Data {
			f.Data[i] = 0xffffffff // all types blocked
		}
		b.fail("ICMP6_FILTER", unix.SetsockoptICMPv6Filter(fd, unix.SOL_ICMPV6, unix.ICMPV6_FILTER, &f))
	}
	fd = b.socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_UDP)
	b.bind(fd, "127.0.0.1", 0)
	b.attachDropFilter(fd, 1)
	b.m.add("raw", "icmp, raw(255), ipv6-icmp, udp(17) bound to 127.0.0.1")
}

// attachDropFilter attaches a classic BPF program of n+1 instructions that
// drops every packet, so queues stay empty and ss -b has something to show.
func (b *builder) attachDropFilter(fd, n int) {
	if b.err != nil {
		return
	}
	var ins []unix.SockFilter
	for i := 0; i < n; i++ {
		ins = append(ins, unix.SockFilter{Code: 0x28, K: 12}) // ldh [12]
	}
	ins = append(ins, unix.SockFilter{Code: 0x06, K: 0}) // ret #0
	prog := unix.SockFprog{Len: uint16(len(ins)), Filter: &ins[0]}
	b.fail("SO_ATTACH_FILTER", unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog))
}

func (b *builder) unixSock(typ int, name string, abstract bool) int {
	fd := b.socket(unix.AF_UNIX, typ|unix.SOCK_NONBLOCK, 0)
	if b.err != nil || name == "" {
		return fd
	}
	if abstract {
		name = "@" + name
	}
	b.fail("bind unix "+name, unix.Bind(fd, &unix.SockaddrUnix{Name: name}))
	return fd
}

func (b *builder) unixConnect(fd int, name string, abstract bool) {
	if b.err != nil {
		return
	}
	if abstract {
		name = "@" + name
	}
	err := unix.Connect(fd, &unix.SockaddrUnix{Name: name})
	if errors.Is(err, unix.EINPROGRESS) || errors.Is(err, unix.EAGAIN) {
		err = nil
	}
	b.fail("connect unix "+name, err)
}

func (b *builder) unixPart(dir string) {
	if b.err != nil {
		return
	}
	if dir == "" {
		b.fail("unix", errors.New("no directory for unix sockets"))
		return
	}
	for _, n := range []string{UnixStream, UnixDgram, UnixSeqpacket} {
		os.Remove(filepath.Join(dir, n))
	}
	stream := filepath.Join(dir, UnixStream)
	l := b.unixSock(unix.SOCK_STREAM, stream, false)
	if b.err == nil {
		b.fail("listen unix", unix.Listen(l, 16))
	}
	c := b.unixSock(unix.SOCK_STREAM, "", false)
	b.unixConnect(c, stream, false)
	b.accept(l)
	b.write(c, UnixStreamBytes)
	// A second client stays in the accept queue (listener Recv-Q 1).
	c = b.unixSock(unix.SOCK_STREAM, "", false)
	b.unixConnect(c, stream, false)

	dgram := filepath.Join(dir, UnixDgram)
	b.unixSock(unix.SOCK_DGRAM, dgram, false)
	c = b.unixSock(unix.SOCK_DGRAM, "", false)
	b.unixConnect(c, dgram, false)
	b.write(c, UDPDatagramBytes)

	seq := filepath.Join(dir, UnixSeqpacket)
	l = b.unixSock(unix.SOCK_SEQPACKET, seq, false)
	if b.err == nil {
		b.fail("listen unix", unix.Listen(l, 16))
	}
	c = b.unixSock(unix.SOCK_SEQPACKET, "", false)
	b.unixConnect(c, seq, false)
	b.accept(l)

	l = b.unixSock(unix.SOCK_STREAM, AbstractStream, true)
	if b.err == nil {
		b.fail("listen unix", unix.Listen(l, 16))
	}
	c = b.unixSock(unix.SOCK_STREAM, "", false)
	b.unixConnect(c, AbstractStream, true)
	b.accept(l)
	b.unixSock(unix.SOCK_DGRAM, AbstractDgram, true)

	for _, typ := range []int{unix.SOCK_STREAM, unix.SOCK_DGRAM, unix.SOCK_SEQPACKET} {
		if b.err != nil {
			return
		}
		fds, err := unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			b.fail("socketpair", err)
			return
		}
		b.m.fds = append(b.m.fds, fds[0], fds[1])
	}
	b.m.add("unix", "stream %s (1 accepted with %d bytes, 1 pending), dgram %s (1 queued), seqpacket %s, @%s, @%s, socketpairs stream/dgram/seqpacket",
		stream, UnixStreamBytes, dgram, seq, AbstractStream, AbstractDgram)
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (b *builder) packetPart() {
	fd := b.socket(unix.AF_PACKET, unix.SOCK_RAW, int(htons(unix.ETH_P_ALL)))
	b.attachDropFilter(fd, 0)
	fd = b.socket(unix.AF_PACKET, unix.SOCK_DGRAM, int(htons(unix.ETH_P_IP)))
	b.attachDropFilter(fd, 2)
	if b.err == nil {
		lo, err := loIndex()
		if err != nil {
			b.fail("lo index", err)
			return
		}
		b.fail("bind packet", unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: lo}))
	}
	b.m.add("packet", "raw ETH_P_ALL, dgram ETH_P_IP bound to lo (both with drop-all filters)")
}

func loIndex() (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, err
	}
	return int(ifr.Uint32()), nil
}

func (b *builder) netlinkPart() {
	fd := b.socket(unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE)
	if b.err == nil {
		b.fail("bind netlink", unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: unix.RTMGRP_LINK}))
	}
	fd = b.socket(unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_GENERIC)
	if b.err == nil {
		b.fail("bind netlink", unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}))
	}
	b.socket(unix.AF_NETLINK, unix.SOCK_DGRAM, unix.NETLINK_KOBJECT_UEVENT)
	b.m.add("netlink", "rtnl bound (groups link), genl bound, uevent unbound")
}

func (b *builder) mptcpPart() {
	if b.err != nil {
		return
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_MPTCP)
	if err != nil {
		b.m.Skipped = append(b.m.Skipped, fmt.Sprintf("mptcp: %v", err))
		return
	}
	unix.Close(fd)
	l := b.listen(unix.IPPROTO_MPTCP, "127.0.0.1", PortMPTCP, 16)
	b.dialProto(unix.IPPROTO_MPTCP, "127.0.0.1", ClientMPTCP, "127.0.0.1", PortMPTCP, true)
	b.accept(l)
	b.m.add("mptcp", "listener 127.0.0.1:%d and one connection from port %d", PortMPTCP, ClientMPTCP)
}

// Settle waits until the queues of the connected TCP sockets stop
// changing (or timeout passes).
func (m *Mix) Settle(timeout time.Duration) error {
	snap := func() []int {
		var v []int
		for _, fd := range m.tcp {
			in, _ := unix.IoctlGetInt(fd, unix.SIOCINQ)
			out, _ := unix.IoctlGetInt(fd, unix.SIOCOUTQ)
			v = append(v, in, out)
		}
		return v
	}
	prev := snap()
	same := 0
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		cur := snap()
		if equalInts(prev, cur) {
			same++
			if same >= 4 {
				return nil
			}
		} else {
			same = 0
		}
		prev = cur
	}
	return errors.New("sockmix: socket queues still changing")
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
