package kernel

import (
	"context"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// benchConns is how many tcp connections the benchmark namespace holds:
// twice as many sockets, plus the listener.
const benchConns = 5000

// benchNS creates a namespace holding benchConns established tcp
// connections over loopback.
func benchNS(b *testing.B) *Kernel {
	b.Helper()
	k := testNS(b)
	var ln net.Listener
	var conns []net.Conn
	b.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
		if ln != nil {
			ln.Close()
		}
	})
	inNS(b, k, func() error {
		var lc net.ListenConfig
		lc.SetMultipathTCP(false)
		var err error
		ln, err = lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
		return err
	})
	accepted := make(chan net.Conn, benchConns)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	inNS(b, k, func() error {
		for i := 0; i < benchConns; i++ {
			c, err := net.Dial("tcp4", ln.Addr().String())
			if err != nil {
				return err
			}
			conns = append(conns, c)
		}
		return nil
	})
	for i := 0; i < benchConns; i++ {
		select {
		case c := <-accepted:
			conns = append(conns, c)
		case <-time.After(10 * time.Second):
			b.Fatalf("accepted %d of %d connections", i, benchConns)
		}
	}
	return k
}

// cpuTime is the CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ssCmd runs ss with args inside k's namespace, as directly as the
// system allows (nsenter execs ss; ip netns exec forks it).
func ssCmd(b *testing.B, k *Kernel, args ...string) *exec.Cmd {
	ss := lookTool(b, "ss")
	if nsenter, err := exec.LookPath("nsenter"); err == nil {
		return exec.Command(nsenter, append([]string{"--net=" + k.nsPath(), ss}, args...)...)
	}
	return exec.Command(lookTool(b, "ip"), append([]string{"netns", "exec", k.NetNS, ss}, args...)...)
}

// BenchmarkSocketsTCP dumps a namespace of about 10,000 tcp sockets as
// ss -tan does, and runs ss -tan on it for comparison. cpu-ms/op is CPU
// time (user and system, the kernel's dump work included) per dump; for
// ss it includes starting the process and printing, which the "empty"
// case (the same ss in a namespace without sockets) measures apart.
func BenchmarkSocketsTCP(b *testing.B) {
	k := benchNS(b)
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: stack.StatesAll}

	b.Run("stackbox", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		start := cpuTime(b)
		for i := 0; i < b.N; i++ {
			n = 0
			err := k.Sockets(context.Background(), q, func(s *stack.Socket) error {
				n++
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N)/1e6, "cpu-ms/op")
		b.ReportMetric(float64(n), "sockets")
		if n < 2*benchConns {
			b.Fatalf("dumped %d sockets, want %d", n, 2*benchConns+1)
		}
	})

	run := func(b *testing.B, k *Kernel) {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		defer devnull.Close()
		var cpu time.Duration
		for i := 0; i < b.N; i++ {
			cmd := ssCmd(b, k, "-tan")
			cmd.Stdout = devnull
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
	}
	b.Run("ss", func(b *testing.B) { run(b, k) })
	b.Run("ss-empty", func(b *testing.B) { run(b, testNS(b)) })
}

// BenchmarkDecodeRecordedDump decodes the recorded dump's replies: the
// user-space cost per socket, without the kernel.
func BenchmarkDecodeRecordedDump(b *testing.B) {
	recs := readRecording(b, "testdata/replies/dump.bin")
	var d decoder
	var req []byte
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, r := range recs {
			if r.sent {
				req = r.b
				continue
			}
			_ = walkMessages(r.b, "dump", func(typ uint16, m []byte) error {
				n++
				var err error
				switch req[nlmsgHdrLen] {
				case afInet, afInet6:
					_, err = d.decodeInet(requestTable(req), m)
				case afUnix:
					_, err = d.decodeUnix(allTables(), m)
				case afPacket:
					_, err = d.decodePacket(allTables(), m)
				case afNetlink:
					_, err = d.decodeNetlink(m)
				}
				return err
			})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/socket")
}
