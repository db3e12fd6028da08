package kernel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// userHZ is the clock tick /proc/net/tcp counts timers in (USER_HZ).
const userHZ = 100

// parseProcNet reads a /proc/net/{tcp,udp,raw}{,6} table, named name in
// errors, and calls fn for every socket in it, decoded as the socket of
// table t and family (AF_INET or AF_INET6). It is how ss lists a table
// whose sock_diag module the kernel lacks (raw_diag is often missing).
// The *stack.Socket is reused for every line.
func (d *decoder) parseProcNet(name string, r io.Reader, t stack.Table, family uint8, fn func(*stack.Socket) error) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue // the header
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		s, err := d.procNetLine(b, t, family)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return nil
}

var errProcNet = errors.New("malformed socket line")

// procNetLine decodes one socket line:
//
//	sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer ...
func (d *decoder) procNetLine(b []byte, t stack.Table, family uint8) (*stack.Socket, error) {
	var f [12][]byte
	n := 0
	for n < len(f) {
		b = bytes.TrimLeft(b, " ")
		if len(b) == 0 {
			break
		}
		i := bytes.IndexByte(b, ' ')
		if i < 0 {
			i = len(b)
		}
		f[n], b = b[:i], b[i:]
		n++
	}
	if n < 10 {
		return nil, fmt.Errorf("%w: %d fields", errProcNet, n)
	}
	s := d.reset()
	s.Table, s.Family = t, family
	s.FromProc = true
	var err error
	if s.Local.Addr, s.Local.Port, err = procAddr(f[1], family); err != nil {
		return nil, err
	}
	if s.Peer.Addr, s.Peer.Port, err = procAddr(f[2], family); err != nil {
		return nil, err
	}
	st, err := hexField(f[3], 8, "st")
	if err != nil {
		return nil, err
	}
	s.State = stack.State(st)
	tx, rx, err := hexPair(f[4], "tx_queue:rx_queue")
	if err != nil {
		return nil, err
	}
	s.SendQ, s.RecvQ = uint32(tx), uint32(rx)
	tr, when, err := hexPair(f[5], "tr:tm->when")
	if err != nil {
		return nil, err
	}
	retrnsmt, err := hexField(f[6], 32, "retrnsmt")
	if err != nil {
		return nil, err
	}
	uid, err := decField(f[7], "uid")
	if err != nil {
		return nil, err
	}
	probes, err := decField(f[8], "timeout")
	if err != nil {
		return nil, err
	}
	ino, err := decField(f[9], "inode")
	if err != nil {
		return nil, err
	}
	s.UID, s.Inode = uint32(uid), uint32(ino)
	if n > 11 {
		// ss shows the kernel's socket pointer where sock_diag has the
		// cookie.
		if s.Cookie, err = strconv.ParseUint(string(f[11]), 16, 64); err != nil {
			return nil, fmt.Errorf("%w: pointer %q", errProcNet, f[11])
		}
	}
	s.Timer.Kind = uint8(tr)
	s.Timer.Expires = uint32((when*1000 + userHZ - 1) / userHZ)
	// ss's retransmit count: the probe count unless the retransmit
	// timer runs.
	if tr == 1 {
		s.Timer.Retrans = uint8(retrnsmt)
	} else {
		s.Timer.Retrans = uint8(probes)
	}
	s.Protocol = defaultProtocol(t)
	if t == stack.TableRaw {
		// A raw socket's "port" is its protocol.
		s.Protocol = uint8(s.Local.Port)
		s.Timer = stack.Timer{}
	}
	if t == stack.TableUDP {
		s.Timer = stack.Timer{}
	}
	return s, nil
}

// procAddr decodes ADDR:PORT, the address as the kernel prints it: the
// 32-bit words of the address in network order, each printed as a native
// integer in hex.
func procAddr(b []byte, family uint8) (netip.Addr, uint16, error) {
	i := bytes.IndexByte(b, ':')
	if i < 0 {
		return netip.Addr{}, 0, fmt.Errorf("%w: address %q", errProcNet, b)
	}
	hexAddr, hexPort := b[:i], b[i+1:]
	port, err := strconv.ParseUint(string(hexPort), 16, 16)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("%w: port %q", errProcNet, hexPort)
	}
	words := 1
	if family == afInet6 {
		words = 4
	}
	if len(hexAddr) != 8*words {
		return netip.Addr{}, 0, fmt.Errorf("%w: address %q", errProcNet, b)
	}
	var raw [16]byte
	for w := 0; w < words; w++ {
		v, err := strconv.ParseUint(string(hexAddr[8*w:8*w+8]), 16, 32)
		if err != nil {
			return netip.Addr{}, 0, fmt.Errorf("%w: address %q", errProcNet, b)
		}
		ne.PutUint32(raw[4*w:], uint32(v))
	}
	if family == afInet6 {
		return netip.AddrFrom16(raw), uint16(port), nil
	}
	return netip.AddrFrom4([4]byte(raw[:4])), uint16(port), nil
}

func hexField(b []byte, bits int, what string) (uint64, error) {
	v, err := strconv.ParseUint(string(b), 16, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q", errProcNet, what, b)
	}
	return v, nil
}

func decField(b []byte, what string) (uint64, error) {
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		// The timeout column of udp and raw is signed on some kernels.
		if iv, ierr := strconv.ParseInt(string(b), 10, 64); ierr == nil && iv < 0 {
			return 0, nil
		}
		return 0, fmt.Errorf("%w: %s %q", errProcNet, what, b)
	}
	return v, nil
}

// hexPair decodes HEX:HEX.
func hexPair(b []byte, what string) (uint64, uint64, error) {
	i := bytes.IndexByte(b, ':')
	if i < 0 {
		return 0, 0, fmt.Errorf("%w: %s %q", errProcNet, what, b)
	}
	x, err1 := strconv.ParseUint(string(b[:i]), 16, 32)
	y, err2 := strconv.ParseUint(string(b[i+1:]), 16, 32)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%w: %s %q", errProcNet, what, b)
	}
	return x, y, nil
}
