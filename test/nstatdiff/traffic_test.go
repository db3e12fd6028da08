//go:build linux

package nstatdiff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// Traffic: everything stays on the namespace's loopback. One round makes,
// for IPv4 and IPv6 alike, a TCP exchange (connect, 2000 bytes each way,
// then an abortive close so that no TIME-WAIT socket is left to move
// TcpExtTW 60 s later), three UDP datagrams to a listener, one to a closed
// port (UdpNoPorts and an ICMP port unreachable) and three ICMP echoes on
// a raw socket. When it returns, every socket it made is closed.

// makeTraffic runs one round of traffic inside ns.
func makeTraffic(ns *testns.NS) error {
	return ns.Do(func() error {
		for _, f := range []struct {
			tcp, udp, icmp, addr string
			echo, reply          byte
		}{
			{"tcp4", "udp4", "ip4:icmp", "127.0.0.1", 8, 0},
			{"tcp6", "udp6", "ip6:ipv6-icmp", "::1", 128, 129},
		} {
			if err := tcpExchange(f.tcp, f.addr); err != nil {
				return err
			}
			if err := udpExchange(f.udp, f.addr); err != nil {
				return err
			}
			if err := icmpEcho(f.icmp, f.addr, f.echo, f.reply); err != nil {
				return err
			}
		}
		return nil
	})
}

const ioTimeout = 3 * time.Second

// tcpExchange connects to a listener, sends 2000 bytes, reads them back and
// resets the connection (SO_LINGER 0).
func tcpExchange(network, addr string) error {
	ln, err := net.Listen(network, net.JoinHostPort(addr, "0"))
	if err != nil {
		return err
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(ioTimeout))
		buf := make([]byte, 2000)
		if _, err := io.ReadFull(c, buf); err != nil {
			served <- fmt.Errorf("server read: %w", err)
			return
		}
		if _, err := c.Write(buf); err != nil {
			served <- fmt.Errorf("server write: %w", err)
			return
		}
		// Wait for the client's reset before closing, so that this side
		// sends no FIN and keeps no TIME-WAIT either.
		io.Copy(io.Discard, c)
		served <- nil
	}()
	c, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		return err
	}
	c.SetDeadline(time.Now().Add(ioTimeout))
	msg := bytes.Repeat([]byte("nstatdiff"), 2000/9+1)[:2000]
	if _, err := c.Write(msg); err != nil {
		c.Close()
		return fmt.Errorf("client write: %w", err)
	}
	back := make([]byte, len(msg))
	if _, err := io.ReadFull(c, back); err != nil {
		c.Close()
		return fmt.Errorf("client read: %w", err)
	}
	c.(*net.TCPConn).SetLinger(0)
	c.Close()
	select {
	case err := <-served:
		return err
	case <-time.After(ioTimeout):
		return errors.New("tcp server did not finish")
	}
}

// udpExchange sends three datagrams to a listener and one to a closed port.
func udpExchange(network, addr string) error {
	srv, err := net.ListenPacket(network, net.JoinHostPort(addr, "0"))
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := net.Dial(network, srv.LocalAddr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	srv.SetDeadline(time.Now().Add(ioTimeout))
	buf := make([]byte, 512)
	for i := 0; i < 3; i++ {
		if _, err := c.Write([]byte(fmt.Sprintf("datagram %d", i))); err != nil {
			return err
		}
		if _, _, err := srv.ReadFrom(buf); err != nil {
			return fmt.Errorf("udp read: %w", err)
		}
	}
	// A port nobody listens on: bind one, note it, close it.
	tmp, err := net.ListenPacket(network, net.JoinHostPort(addr, "0"))
	if err != nil {
		return err
	}
	closed := tmp.LocalAddr().String()
	tmp.Close()
	d, err := net.Dial(network, closed)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Write([]byte("nobody home")); err != nil {
		return err
	}
	// The port unreachable comes back as an error on the connected socket.
	d.SetReadDeadline(time.Now().Add(ioTimeout))
	if _, err := d.Read(buf); err == nil {
		return errors.New("a closed udp port answered")
	}
	return nil
}

// icmpEcho sends three echo requests on a raw socket and waits for the
// three replies.
func icmpEcho(network, addr string, echo, reply byte) error {
	c, err := net.ListenPacket(network, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	id := uint16(os.Getpid())
	dst := &net.IPAddr{IP: net.ParseIP(addr)}
	for seq := uint16(1); seq <= 3; seq++ {
		msg := make([]byte, 8+16)
		msg[0] = echo
		binary.BigEndian.PutUint16(msg[4:], id)
		binary.BigEndian.PutUint16(msg[6:], seq)
		copy(msg[8:], "nstatdiff echo..")
		if echo == 8 { // ICMPv4: ours to sum; the kernel sums ICMPv6
			binary.BigEndian.PutUint16(msg[2:], checksum(msg))
		}
		if _, err := c.WriteTo(msg, dst); err != nil {
			return fmt.Errorf("icmp send: %w", err)
		}
	}
	c.SetReadDeadline(time.Now().Add(ioTimeout))
	buf := make([]byte, 1500)
	for got := 0; got < 3; {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return fmt.Errorf("icmp: %d of 3 echo replies: %w", got, err)
		}
		if n >= 8 && buf[0] == reply && binary.BigEndian.Uint16(buf[4:]) == id {
			got++
		}
	}
	return nil
}

func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// counterFiles are the files nstat reads, relative to a proc net directory.
var counterFiles = []string{"snmp", "netstat", "snmp6", "sctp/snmp"}

// readCounters returns the namespace's counter files, concatenated. It reads
// them through /proc/thread-self (plain /proc/net follows the main thread,
// which stays in the test's own namespace).
func readCounters(ns *testns.NS) (string, error) {
	var sb strings.Builder
	err := ns.Do(func() error {
		for _, f := range counterFiles {
			b, err := os.ReadFile("/proc/thread-self/net/" + f)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(&sb, "== %s\n%s", f, b)
		}
		return nil
	})
	return sb.String(), err
}

// Quiet: the comparisons rest on the namespace's counters standing still
// between the reference's run and the candidate's. After traffic, waitQuiet
// waits until they have not moved for quietFor (delayed ACKs and the like
// have fired).
const (
	quietFor  = 400 * time.Millisecond
	quietPoll = 100 * time.Millisecond
	quietMax  = 6 * time.Second
)

// waitQuiet waits until the counters of ns stand still and returns them.
func waitQuiet(ns *testns.NS) (string, error) {
	prev, err := readCounters(ns)
	if err != nil {
		return "", err
	}
	stable := time.Now()
	deadline := time.Now().Add(quietMax)
	for time.Since(stable) < quietFor {
		if time.Now().After(deadline) {
			cur, _ := readCounters(ns)
			return "", fmt.Errorf("the counters of namespace %s still move after %v:\n%s", ns.Name, quietMax,
				lineDiff("before", prev, "after", cur))
		}
		time.Sleep(quietPoll)
		cur, err := readCounters(ns)
		if err != nil {
			return "", err
		}
		if cur != prev {
			prev, stable = cur, time.Now()
		}
	}
	return prev, nil
}

// movedCounters names the counter lines that differ between two readings
// (for reports).
func movedCounters(before, after string) string {
	return lineDiff("counters before", before, "counters after", after)
}
