package kernel

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
)

// fixtureQuery is the query of the recorded dump: every table but raw,
// whose dump this kernel may answer from /proc/net (not recorded).
func fixtureQuery() stack.SocketQuery {
	q := everything()
	q.Tables = q.Tables.Without(stack.TableRaw)
	return q
}

// TestCaptureFixtures rewrites the fixtures under testdata from the
// running kernel: a dump of a namespace holding sockets of every kind,
// destroy events, /proc/net tables, the summary files and tcp_info
// payloads. Run it with -capture (as root), then -update for the goldens.
func TestCaptureFixtures(t *testing.T) {
	if !*capture {
		t.Skip("rewrites testdata from this kernel; run with -capture")
	}
	k := testNS(t)
	ss := newSockSet(t, k)
	time.Sleep(50 * time.Millisecond)
	for _, dir := range []string{"replies", "nettables", "summary", "tcpinfo"} {
		if err := os.MkdirAll(filepath.Join("testdata", dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// The dump.
	c, err := k.dialDiag(0)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	c.tap = func(sent bool, b []byte) { recs = append(recs, record{sent, append([]byte(nil), b...)}) }
	var tcpInfo []byte
	dd := &dumper{k: k, c: c, q: fixtureQuery(), fn: func(s *stack.Socket) error { return nil }}
	if err := dd.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := writeRecording("testdata/replies/dump.bin", recs); err != nil {
		t.Fatal(err)
	}
	// The client's tcp_info, from the recorded replies.
	for _, r := range recs {
		if r.sent {
			continue
		}
		_ = walkMessages(r.b, "dump", func(typ uint16, b []byte) error {
			if len(b) < inetDiagMsgLen || b[0] != afInet || ne.Uint32(b[68:]) != ss.inode["client"] {
				return nil
			}
			ad := newAttrDecoder(b[inetDiagMsgLen:])
			for ad.Next() {
				if ad.Type() == inetDiagInfo && len(ad.Bytes()) > 160 {
					tcpInfo = append([]byte(nil), ad.Bytes()...)
				}
			}
			return nil
		})
	}
	if tcpInfo == nil {
		t.Fatal("no tcp_info for the client socket in the dump")
	}
	// This kernel's struct, and the shorter ones of older kernels: 3.x
	// stopped at tcpi_total_retrans, 4.10 to 4.17 at tcpi_sndbuf_limited.
	for name, n := range map[string]int{"current.bin": len(tcpInfo), "len104.bin": 104, "len192.bin": 192} {
		if err := os.WriteFile(filepath.Join("testdata/tcpinfo", name), tcpInfo[:n], 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Destroy events of a udp and a tcp socket.
	c, err = k.dialDiag(0xf)
	if err != nil {
		t.Fatal(err)
	}
	recs = nil
	c.tap = func(sent bool, b []byte) { recs = append(recs, record{sent, append([]byte(nil), b...)}) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n := 0
	go func() {
		err := k.Do(func() error {
			u, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				return err
			}
			u.Close()
			var lc net.ListenConfig
			lc.SetMultipathTCP(false)
			l, err := lc.Listen(context.Background(), "tcp6", "[::1]:0")
			if err != nil {
				return err
			}
			return l.Close()
		})
		if err != nil {
			t.Error(err)
		}
	}()
	_ = c.listen(ctx, func(typ uint16, b []byte) error {
		if n++; n == 2 {
			cancel()
		}
		return nil
	})
	c.Close()
	if n < 2 {
		t.Fatalf("saw %d destroy events, want 2", n)
	}
	if err := writeRecording("testdata/replies/events.bin", recs); err != nil {
		t.Fatal(err)
	}

	// /proc/net tables and the summary's files.
	copyProc := func(dir, name string) {
		inNS(t, k, func() error {
			b, err := os.ReadFile(procNetPath(name))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join("testdata", dir, name), b, 0o644)
		})
	}
	for _, name := range []string{"tcp", "tcp6", "udp", "raw"} {
		copyProc("nettables", name)
	}
	for _, name := range []string{"sockstat", "sockstat6", "snmp"} {
		copyProc("summary", name)
	}
}
