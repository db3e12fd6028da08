package filter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// kernelSock is one TCP socket as sock_diag reports it.
type kernelSock struct {
	s         stack.Socket
	autoBound bool // the test knows which sockets it bound explicitly
}

func (k *kernelSock) key() string {
	return fmt.Sprintf("%d %v:%d %v:%d", k.s.Family, k.s.Local.Addr, k.s.Local.Port, k.s.Peer.Addr, k.s.Peer.Port)
}

// TestKernelBytecode installs compiled programs in real sock_diag dumps
// of TCP sockets in a fresh network namespace: the kernel must accept
// each, and keep exactly the sockets the program's emulation in Match
// keeps.
func TestKernelBytecode(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command")
	}
	ns := fmt.Sprintf("sbfilter-%d-%d", os.Getpid(), rand.Intn(1e6))
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	if out, err := exec.Command("ip", "-n", ns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo up: %v: %s", err, out)
	}

	res := &SystemResolver{}
	cgroupOK := false
	if _, err := res.CgroupID("/"); err == nil {
		cgroupOK = true
	}
	exprs := []string{
		"sport = :2222",
		"sport != :2222",
		"dport = :8080",
		"sport > :2222",
		"sport < :8080",
		"sport >= :8080 and sport <= :9090",
		"dport > :1024",
		"src 127.0.0.1",
		"src 127.0.0.0/8:2222",
		"dst 127.0.0.2",
		"src [::1]",
		"src ::/0",
		"src 0.0.0.0/0",
		"src 127.0.0.1/0",
		"src [::ffff:127.0.0.3]",
		"src 127.0.0.3",
		"dst [::ffff:127.0.0.3]",
		"dst 127.0.0.3",
		"src *:9090",
		"src default",
		"dst multi.test or dst localhost:8080",
		"autobound",
		"not autobound",
		"fwmark = 0x10",
		"fwmark = 0x10/0xf0",
		"fwmark != 0",
		"( sport = :2222 or sport = :9090 ) and not src [::1]",
		"not ( sport = :2222 or dport = :8080 ) or src 127.0.0.2",
		"sport = :1 or sport = :2 or sport = :3 or sport = :2222 and src 127.0.0.1",
	}
	if cgroupOK {
		exprs = append(exprs, "cgroup = /", "cgroup != /")
	} else {
		t.Log("no cgroup2 mount: cgroup conditions not tested")
	}

	errc := make(chan error, 1)
	go func() {
		// This goroutine's thread enters the namespace and is never
		// unlocked, so it dies with the goroutine.
		runtime.LockOSThread()
		errc <- func() error {
			nsf, err := os.Open("/var/run/netns/" + ns)
			if err != nil {
				return err
			}
			defer nsf.Close()
			if err := unix.Setns(int(nsf.Fd()), unix.CLONE_NEWNET); err != nil {
				return fmt.Errorf("setns: %w", err)
			}
			fds, auto, bound, err := makeSockets()
			defer func() {
				for _, fd := range fds {
					unix.Close(fd)
				}
			}()
			if err != nil {
				return err
			}
			all, err := diagDump(nil)
			if err != nil {
				return fmt.Errorf("dump without a filter: %w", err)
			}
			if len(all) < 8 {
				return fmt.Errorf("only %d sockets in the namespace", len(all))
			}
			for i := range all {
				// The kernel counts accepted sockets as autobound too.
				k := &all[i]
				k.autoBound = auto[k.s.Local.Port] || k.s.State != stack.StateListen && !bound[k.s.Local.Port]
			}
			for _, expr := range exprs {
				f, err := Parse([]string{expr}, Options{TCP: true, Resolver: kernelTestResolver{res}})
				if err != nil {
					return fmt.Errorf("%q: %v", expr, err)
				}
				prog, ok := f.InetDiagBytecode(afInet)
				if !ok {
					return fmt.Errorf("%q: no bytecode", expr)
				}
				got, err := diagDump(prog)
				if err != nil {
					return fmt.Errorf("%q: the kernel refused %x: %w", expr, prog, err)
				}
				gotKeys := make(map[string]bool)
				for i := range got {
					gotKeys[got[i].key()] = true
				}
				var diffs []string
				for i := range all {
					k := &all[i]
					e := entryOf(&k.s)
					e.autoBound = k.autoBound
					want := runBytecode(prog, &e)
					if want != gotKeys[k.key()] {
						diffs = append(diffs, fmt.Sprintf("%s: kernel %v, emulation %v", k.key(), gotKeys[k.key()], want))
					}
				}
				if len(diffs) > 0 {
					sort.Strings(diffs)
					return fmt.Errorf("%q (%x):\n%s", expr, prog, strings.Join(diffs, "\n"))
				}
				if want, ok := kernelExpect[expr]; ok {
					var keys []string
					for i := range got {
						keys = append(keys, fmt.Sprintf("%d", got[i].s.Local.Port))
					}
					sort.Strings(keys)
					if g := strings.Join(keys, " "); g != want {
						return fmt.Errorf("%q: the kernel kept local ports %q, want %q", expr, g, want)
					}
				}
			}
			return nil
		}()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// kernelExpect lists, for some expressions, the local ports of the
// sockets the kernel must keep (sorted as strings).
var kernelExpect = map[string]string{
	"sport = :2222":          "2222 2222",
	"dport = :8080":          "40001",
	"dst [::ffff:127.0.0.3]": "9090",
	"dst 127.0.0.3":          "9090",
	"fwmark = 0x10":          "8080 8080",
	"src [::1]":              "2222",
}

// kernelTestResolver uses the system for everything but host names,
// which come from the fake tables (no DNS).
type kernelTestResolver struct{ *SystemResolver }

func (r kernelTestResolver) LookupHost(name string, family uint8) ([]netip.Addr, error) {
	return newFakeResolver().LookupHost(name, family)
}

// makeSockets opens, in the current network namespace: listeners on
// 127.0.0.1:2222, [::1]:2222 (v6only), 127.0.0.1:8080 (fwmark 0x10) and
// [::]:9090 (dual stack), a connection from 127.0.0.2:40001 to 8080, and
// an autobound connection from [::ffff:127.0.0.3] to 9090. auto tells the
// local ports of client sockets the kernel bound by itself, bound those of
// the clients bound explicitly.
func makeSockets() (fds []int, auto, bound map[uint16]bool, err error) {
	auto = make(map[uint16]bool)
	bound = map[uint16]bool{40001: true}
	listen := func(fam int, addr unix.Sockaddr, v6only bool, mark int) error {
		fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		fds = append(fds, fd)
		if fam == unix.AF_INET6 {
			v := 0
			if v6only {
				v = 1
			}
			if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v); err != nil {
				return err
			}
		}
		if mark != 0 {
			if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_MARK, mark); err != nil {
				return err
			}
		}
		if err := unix.Bind(fd, addr); err != nil {
			return fmt.Errorf("bind %v: %w", addr, err)
		}
		return unix.Listen(fd, 16)
	}

	lo4 := [4]byte{127, 0, 0, 1}
	lo6 := [16]byte{15: 1}
	if err := listen(unix.AF_INET, &unix.SockaddrInet4{Port: 2222, Addr: lo4}, false, 0); err != nil {
		return fds, auto, bound, err
	}
	if err := listen(unix.AF_INET6, &unix.SockaddrInet6{Port: 2222, Addr: lo6}, true, 0); err != nil {
		return fds, auto, bound, err
	}
	if err := listen(unix.AF_INET, &unix.SockaddrInet4{Port: 8080, Addr: lo4}, false, 0x10); err != nil {
		return fds, auto, bound, err
	}
	if err := listen(unix.AF_INET6, &unix.SockaddrInet6{Port: 9090}, false, 0); err != nil {
		return fds, auto, bound, err
	}

	// 127.0.0.2:40001 -> 127.0.0.1:8080, bound explicitly.
	c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fds, auto, bound, err
	}
	fds = append(fds, c)
	if err := unix.Bind(c, &unix.SockaddrInet4{Port: 40001, Addr: [4]byte{127, 0, 0, 2}}); err != nil {
		return fds, auto, bound, err
	}
	if err := unix.Connect(c, &unix.SockaddrInet4{Port: 8080, Addr: lo4}); err != nil {
		return fds, auto, bound, err
	}

	// [::ffff:127.0.0.3]:auto -> [::ffff:127.0.0.1]:9090, autobound port.
	c6, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fds, auto, bound, err
	}
	fds = append(fds, c6)
	if err := unix.Bind(c6, &unix.SockaddrInet6{Addr: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 3}}); err != nil {
		return fds, auto, bound, err
	}
	if err := unix.Connect(c6, &unix.SockaddrInet6{Port: 9090, Addr: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}}); err != nil {
		return fds, auto, bound, err
	}
	sa, err := unix.Getsockname(c6)
	if err != nil {
		return fds, auto, bound, err
	}
	auto[uint16(sa.(*unix.SockaddrInet6).Port)] = true
	return fds, auto, bound, nil
}

// diagDump dumps every TCP socket of both families through sock_diag,
// with prog as INET_DIAG_REQ_BYTECODE when not nil.
func diagDump(prog []byte) ([]kernelSock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var out []kernelSock
	for seq, fam := range []uint8{afInet, afInet6} {
		req := make([]byte, 72)
		binary.LittleEndian.PutUint16(req[4:], 20) // SOCK_DIAG_BY_FAMILY
		binary.LittleEndian.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
		binary.LittleEndian.PutUint32(req[8:], uint32(seq+1))
		req[16] = fam
		req[17] = unix.IPPROTO_TCP
		binary.LittleEndian.PutUint32(req[20:], 0xfff) // all states
		if prog != nil {
			attr := make([]byte, 4+len(prog))
			binary.LittleEndian.PutUint16(attr, uint16(len(attr)))
			binary.LittleEndian.PutUint16(attr[2:], 1) // INET_DIAG_REQ_BYTECODE
			copy(attr[4:], prog)
			for len(attr)%4 != 0 {
				attr = append(attr, 0)
			}
			req = append(req, attr...)
		}
		binary.LittleEndian.PutUint32(req, uint32(len(req)))
		if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			return nil, err
		}
		socks, err := diagRecv(fd)
		if err != nil {
			return nil, err
		}
		out = append(out, socks...)
	}
	return out, nil
}

func diagRecv(fd int) ([]kernelSock, error) {
	var out []kernelSock
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, err
		}
		b := buf[:n]
		for len(b) >= 16 {
			l := int(binary.LittleEndian.Uint32(b))
			typ := binary.LittleEndian.Uint16(b[4:])
			if l < 16 || l > len(b) {
				return nil, errors.New("truncated netlink message")
			}
			msg := b[16:l]
			switch typ {
			case unix.NLMSG_DONE:
				return out, nil
			case unix.NLMSG_ERROR:
				if e := int32(binary.LittleEndian.Uint32(msg)); e != 0 {
					return nil, unix.Errno(-e)
				}
				return out, nil
			case 20:
				out = append(out, parseDiagMsg(msg))
			}
			b = b[(l+3)&^3:]
		}
	}
}

// parseDiagMsg reads struct inet_diag_msg and the mark and cgroup
// attributes into a stack.Socket.
func parseDiagMsg(m []byte) kernelSock {
	var k kernelSock
	s := &k.s
	s.Family = m[0]
	s.State = stack.State(m[1])
	s.Local.Port = binary.BigEndian.Uint16(m[4:])
	s.Peer.Port = binary.BigEndian.Uint16(m[6:])
	if s.Family == afInet {
		s.Local.Addr = netip.AddrFrom4([4]byte(m[8:12]))
		s.Peer.Addr = netip.AddrFrom4([4]byte(m[24:28]))
	} else {
		s.Local.Addr = netip.AddrFrom16([16]byte(m[8:24]))
		s.Peer.Addr = netip.AddrFrom16([16]byte(m[24:40]))
	}
	s.Local.Ifindex = binary.LittleEndian.Uint32(m[40:])
	attrs := m[72:]
	for len(attrs) >= 4 {
		l := int(binary.LittleEndian.Uint16(attrs))
		typ := binary.LittleEndian.Uint16(attrs[2:])
		if l < 4 || l > len(attrs) {
			break
		}
		v := attrs[4:l]
		switch {
		case typ == 15 && len(v) >= 4: // INET_DIAG_MARK
			s.Mark, s.HasMark = binary.LittleEndian.Uint32(v), true
		case typ == 21 && len(v) >= 8: // INET_DIAG_CGROUP_ID
			s.CgroupID = binary.LittleEndian.Uint64(v)
		}
		attrs = attrs[(l+3)&^3:]
	}
	return k
}

// entryOf is what the kernel compares the socket with.
func entryOf(s *stack.Socket) bcEntry {
	v := makeView(s)
	return bcEntry{family: v.family, saddr: v.ldata, daddr: v.rdata, sport: int(v.lport), dport: int(v.rport),
		ifindex: v.iface, mark: v.mark, cgroupID: v.cg}
}
