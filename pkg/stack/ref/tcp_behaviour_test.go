package ref

import (
	"errors"
	"net/netip"
	"reflect"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// tap replaces the delivery of the link's client-to-server (toServer) or
// server-to-client direction: see may record a packet and return true to
// drop it.
func tap(n *Network, toServer bool, see func(p *Packet) bool) {
	l := n.Links[0]
	link, dst := l.AB, n.Host("server").Interface("eth0")
	if !toServer {
		link, dst = l.BA, n.Host("client").Interface("eth0")
	}
	link.SetDeliver(func(p *Packet) {
		if p.Proto == protoTCP && see(p) {
			n.pool.put(p)
			return
		}
		dst.receive(p)
	})
}

// keepWriting keeps s's send buffer full.
func keepWriting(s *TCPSocket) {
	fill := func(s *TCPSocket) {
		for s.Write(1<<30) > 0 {
		}
	}
	s.OnWritable = fill
	fill(s)
}

// warmARP resolves the client's and server's addresses, so that the first
// segment does not wait for ARP.
func warmARP(t *testing.T, n *Network) {
	t.Helper()
	if err := n.Host("client").Ping(serverAddr.Addr(), 1, 1, 56); err != nil {
		t.Fatal(err)
	}
	n.Run(n.Now() + 10*sim.Millisecond)
}

// connect opens a client connection and runs until it is established.
func connect(t *testing.T, n *Network, o TCPOptions) *TCPSocket {
	t.Helper()
	warmARP(t, n)
	s, err := n.Host("client").TCPConnect(serverAddr, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50 && s.State() != stack.StateEstablished; i++ {
		n.Run(n.Now() + 100*sim.Microsecond)
	}
	n.Run(n.Now() + 100*sim.Microsecond) // the server's side too
	if s.State() != stack.StateEstablished {
		t.Fatalf("state %v, want ESTAB", s.State())
	}
	return s
}

// TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s) on the side that closes first;
// TcpExtTW counts it when it ends.
func TestTCPTimeWait60s(t *testing.T) {
	n, client, _, _ := pair(t, tcpPair)
	s := connect(t, n, TCPOptions{})
	s.Close()
	n.Run(n.Now() + 100*sim.Millisecond)
	if s.State() != stack.StateTimeWait {
		t.Fatalf("state %v, want TIME-WAIT", s.State())
	}
	start := s.twStart
	n.Run(start + 60*sim.Second - sim.Millisecond)
	if s.State() != stack.StateTimeWait || client.MIB.Get(TcpExtTW) != 0 {
		t.Fatalf("TIME_WAIT ended before 60 s")
	}
	n.Run(start + 60*sim.Second)
	if !s.done || client.MIB.Get(TcpExtTW) != 1 {
		t.Fatalf("TIME_WAIT still there at 60 s (TW=%d)", client.MIB.Get(TcpExtTW))
	}
}

// Slow start doubles cwnd every round trip: each ACK of k segments adds k
// (tcp_slow_start), and a round's ACKs cover the round's segments, whether
// the receiver ACKs every segment (quick-ACK mode) or every second one.
// Rounds end when snd_una passes the snd_nxt of the round's start.
func TestTCPSlowStartDoubles(t *testing.T) {
	n, _, _, _ := pair(t, tcpPair)
	s := connect(t, n, TCPOptions{Congestion: "reno", NoDelay: true})
	keepWriting(s)
	roundEnd := s.sndNxt
	var got []uint32
	for len(got) < 5 && n.Now() < 5*sim.Second {
		n.Run(n.Now() + 10*sim.Microsecond)
		if seqGEQ(s.sndUna, roundEnd) {
			got = append(got, s.cs.Cwnd)
			roundEnd = s.sndNxt
		}
	}
	want := []uint32{20, 40, 80, 160, 320}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cwnd per round %v, want %v", got, want)
	}
}

// After a timeout slow start begins again from one segment and doubles
// per round until ssthresh (half the window at the timeout), then grows
// by one segment per round (congestion avoidance).
func TestTCPSlowStartUntilSsthresh(t *testing.T) {
	n, _, _, _ := pair(t, tcpPair)
	s := connect(t, n, TCPOptions{Congestion: "reno", NoDelay: true})
	keepWriting(s)
	n.Run(n.Now() + 12*sim.Millisecond)
	// Black-hole one RTO's worth of traffic.
	hole := true
	tap(n, true, func(p *Packet) bool { return hole })
	for s.cs.CAState != 4 {
		n.Run(n.Now() + sim.Millisecond)
	}
	hole = false
	ssthresh := s.cs.SSThresh
	if s.cs.Cwnd != 1 || ssthresh != max(s.cs.PriorCwnd/2, 2) {
		t.Fatalf("after RTO cwnd %d ssthresh %d (prior %d), want 1 and half", s.cs.Cwnd, ssthresh, s.cs.PriorCwnd)
	}
	// A round ends when the most recently sent segment (retransmissions
	// included) is acknowledged.
	lastSent := func() uint32 {
		var end uint32
		var at sim.Time = -1
		for i := 0; i < s.rtxq.n; i++ {
			if g := s.rtxq.at(i); g.sent >= at {
				at, end = g.sent, g.end
			}
		}
		if at < 0 {
			return s.sndNxt
		}
		return end
	}
	roundEnd := lastSent()
	prev := s.cs.Cwnd
	for rounds := 0; rounds < 12 && n.Now() < 30*sim.Second; {
		n.Run(n.Now() + 10*sim.Microsecond)
		if !seqGEQ(s.sndUna, roundEnd) {
			continue
		}
		rounds++
		c := s.cs.Cwnd
		switch {
		case prev < ssthresh && 2*prev <= ssthresh:
			// A delayed ACK may move one segment across a round
			// boundary: doubling within one segment.
			if c+1 < 2*prev || c > 2*prev+1 {
				t.Fatalf("round %d: cwnd %d -> %d, want doubling below ssthresh %d", rounds, prev, c, ssthresh)
			}
		case prev >= ssthresh:
			if c != prev+1 && c != prev {
				t.Fatalf("round %d: cwnd %d -> %d above ssthresh %d, want +1", rounds, prev, c, ssthresh)
			}
		}
		prev, roundEnd = c, lastSent()
	}
	if prev < ssthresh {
		t.Errorf("cwnd %d never reached ssthresh %d", prev, ssthresh)
	}
}

// CUBIC's multiplicative decrease: after a loss detected by SACK, ssthresh
// and (once recovery ends) cwnd are cwnd*717/1024 (beta 0.7,
// bictcp_recalc_ssthresh); then the window grows back along the cubic.
func TestTCPCubicReduction(t *testing.T) {
	n, client, _, _ := pair(t, tcpPair)
	s := connect(t, n, TCPOptions{Congestion: "cubic"})
	keepWriting(s)
	n.Run(n.Now() + 30*sim.Millisecond)
	dropped := false
	var before uint32
	tap(n, true, func(p *Packet) bool {
		if !dropped && p.Payload > 0 {
			dropped = true
			before = s.cs.Cwnd
			return true
		}
		return false
	})
	for s.cs.CAState != 3 && n.Now() < 10*sim.Second {
		n.Run(n.Now() + sim.Millisecond)
	}
	if s.cs.CAState != 3 {
		t.Fatal("no recovery")
	}
	atLoss := s.cs.PriorCwnd
	if got, want := s.cs.SSThresh, max(atLoss*717/1024, 2); got != want {
		t.Errorf("ssthresh %d after loss at cwnd %d, want %d (717/1024)", got, atLoss, want)
	}
	for s.cs.CAState == 3 {
		n.Run(n.Now() + 100*sim.Microsecond)
	}
	if s.cs.Cwnd != s.cs.SSThresh {
		t.Errorf("cwnd %d after recovery, want ssthresh %d", s.cs.Cwnd, s.cs.SSThresh)
	}
	if client.MIB.Get(TcpExtTCPSackRecovery) != 1 || client.MIB.Get(TcpExtTCPFastRetrans) != 1 {
		t.Errorf("TCPSackRecovery %d TCPFastRetrans %d, want 1 and 1",
			client.MIB.Get(TcpExtTCPSackRecovery), client.MIB.Get(TcpExtTCPFastRetrans))
	}
	// Regrowth: the window climbs back towards W_max and beyond.
	low := s.cs.Cwnd
	n.Run(n.Now() + 2*sim.Second)
	if s.cs.Cwnd <= low {
		t.Errorf("cwnd %d did not regrow from %d", s.cs.Cwnd, low)
	}
	_ = before
}

// The RTO of a connection with a 2 ms RTT is srtt + max(4*mdev, 200 ms)
// rounded up to a jiffy; black-holed, each timeout doubles it
// (icsk_backoff) and counts TCPTimeouts.
func TestTCPRTOBackoff(t *testing.T) {
	n, client, _, _ := pair(t, tcpPair)
	s := connect(t, n, TCPOptions{NoDelay: true})
	rto := s.rto
	if rto < 200*sim.Millisecond || rto > 210*sim.Millisecond {
		t.Fatalf("rto %v, want about 202ms", rto)
	}
	var sent []sim.Time
	tap(n, true, func(p *Packet) bool {
		if p.Payload > 0 {
			sent = append(sent, n.Now())
		}
		return true
	})
	rto = s.rto
	s.Write(100)
	start := n.Now()
	n.Run(start + 8*rto)
	// Sent at 0, then rto, +2rto, +4rto (arrival times add the same
	// link delay to each).
	if len(sent) != 4 {
		t.Fatalf("%d transmissions, want 4: %v", len(sent), sent)
	}
	for i := 1; i < len(sent); i++ {
		if got, want := sent[i]-sent[i-1], rto<<(i-1); got != want {
			t.Errorf("gap %d: %v, want %v", i, got, want)
		}
	}
	if got := client.MIB.Get(TcpExtTCPTimeouts); got != 3 {
		t.Errorf("TCPTimeouts %d, want 3", got)
	}
	if got := client.MIB.Get(TcpRetransSegs); got != 3 {
		t.Errorf("RetransSegs %d, want 3", got)
	}
}

// A SYN into a black hole: with tcp_syn_linear_timeouts 0 the SYN goes at
// 0, 1, 3, 7, 15, 31 and 63 s (initial RTO 1 s, doubling), and connect
// fails with ETIMEDOUT at 127 s, after tcp_syn_retries (6) retries.
func TestTCPSynBackoff(t *testing.T) {
	n := build(t, tcpPair)
	client := n.Host("client")
	if err := client.Sysctl.Set("net.ipv4.tcp_syn_linear_timeouts", "0"); err != nil {
		t.Fatal(err)
	}
	warmARP(t, n)
	var syns []sim.Time
	tap(n, true, func(p *Packet) bool {
		if p.TCP.Flags&tcpSYN != 0 {
			syns = append(syns, n.Now())
		}
		return true
	})
	s, err := client.TCPConnect(serverAddr, TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var failed sim.Time
	var got error
	start := n.Now()
	s.OnConnect = func(s *TCPSocket, err error) { got, failed = err, n.Now()-start }
	n.Run(200 * sim.Second)
	if len(syns) == 0 {
		t.Fatal("no SYN")
	}
	delay := syns[0] - start
	want := []sim.Time{0, 1, 3, 7, 15, 31, 63}
	if len(syns) != len(want) {
		t.Fatalf("%d SYNs, want %d", len(syns), len(want))
	}
	for i, w := range want {
		if syns[i]-start-delay != w*sim.Second {
			t.Errorf("SYN %d at %v, want %v", i, syns[i]-start-delay, w*sim.Second)
		}
	}
	if !errors.Is(got, syscall.ETIMEDOUT) || failed != 127*sim.Second {
		t.Errorf("connect failed with %v at %v, want ETIMEDOUT at 127s", got, failed)
	}
	for c, w := range map[Counter]uint64{TcpActiveOpens: 1, TcpAttemptFails: 1, TcpExtTCPSynRetrans: 6,
		TcpRetransSegs: 6, TcpExtTCPTimeouts: 7, TcpOutSegs: 1} {
		if got := client.MIB.Get(c); got != w {
			t.Errorf("%s = %d, want %d", c, got, w)
		}
	}
}

// A listener that never accepts, backlog 1: the accept queue holds
// backlog+1 = 2 children (sk_acceptq_is_full is "more than backlog"); a
// third client's SYNs are dropped, each counting ListenOverflows and
// ListenDrops. By 2.5 s it has sent its SYN at 0.1 s and retried at 1.1 s
// and 2.1 s (tcp_syn_linear_timeouts: 1 s each).
func TestTCPAcceptQueueOverflow(t *testing.T) {
	n := build(t, tcpPair)
	client, server := n.Host("client"), n.Host("server")
	l, err := server.TCPListen(serverAddr, 1, TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := client.TCPConnect(serverAddr, TCPOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	n.Run(100 * sim.Millisecond)
	if q, _ := l.AcceptQueue(); q != 2 {
		t.Fatalf("accept queue %d, want 2", q)
	}
	third, _ := client.TCPConnect(serverAddr, TCPOptions{}, nil)
	n.Run(2500 * sim.Millisecond)
	if third.State() != stack.StateSynSent {
		t.Errorf("third client %v, want SYN-SENT", third.State())
	}
	for c, w := range map[Counter]uint64{TcpExtListenOverflows: 3, TcpExtListenDrops: 3, TcpPassiveOpens: 2} {
		if got := server.MIB.Get(c); got != w {
			t.Errorf("%s = %d, want %d", c, got, w)
		}
	}
}

// SYN cookies: with backlog 2 the request queue is full once it holds 3
// (inet_csk_reqsk_queue_is_full: more than the backlog); with
// tcp_syncookies 1 every further SYN gets a cookie instead of a request
// sock.
func TestTCPSynCookies(t *testing.T) {
	n := build(t, tcpPair)
	client, server := n.Host("client"), n.Host("server")
	if _, err := server.TCPListen(serverAddr, 2, TCPOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	// The server's answers never arrive: its SYN queue stays full.
	tap(n, false, func(p *Packet) bool { return true })
	for i := 0; i < 5; i++ {
		if _, err := client.TCPConnect(serverAddr, TCPOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	n.Run(500 * sim.Millisecond)
	for c, w := range map[Counter]uint64{TcpExtSyncookiesSent: 2, TcpExtTCPReqQFullDoCookies: 2, TcpExtListenDrops: 0} {
		if got := server.MIB.Get(c); got != w {
			t.Errorf("%s = %d, want %d", c, got, w)
		}
	}
	syn := 0
	for _, s := range server.TCPSockets() {
		if s.req {
			syn++
		}
	}
	if syn != 3 {
		t.Errorf("%d request socks, want 3", syn)
	}
}

// SYN cookies complete a connection: with the queue full, the cookie's
// ACK makes the child (SyncookiesRecv) and the data flows.
func TestTCPSynCookieConnects(t *testing.T) {
	n, client, server, _ := pair(t, tcpPair)
	if err := server.Sysctl.Set("net.ipv4.tcp_syncookies", "2"); err != nil {
		t.Fatal(err)
	}
	s := connect(t, n, TCPOptions{})
	s.Write(10000)
	s.Close()
	n.Run(n.Now() + sim.Second)
	if got := server.MIB.Get(TcpExtSyncookiesRecv); got != 1 {
		t.Errorf("SyncookiesRecv %d, want 1", got)
	}
	if got := s.Stats().BytesAcked; got != 10001 {
		t.Errorf("bytes acked %d, want 10001", got)
	}
	if !s.wscaleOK || !s.sackOK {
		t.Errorf("options lost through the cookie: wscale %v sack %v", s.wscaleOK, s.sackOK)
	}
	_ = client
}

// Keepalive on an idle connection whose peer vanished: probes at keepidle,
// then every keepintvl; after keepcnt unanswered probes the connection is
// reset with ETIMEDOUT (TCPKeepAlive per probe, TCPAbortOnTimeout once).
func TestTCPKeepalive(t *testing.T) {
	n, client, _, _ := pair(t, tcpPair)
	o := TCPOptions{KeepAlive: true, KeepIdle: 10 * sim.Second, KeepIntvl: 2 * sim.Second, KeepCnt: 3}
	s, err := client.TCPConnect(serverAddr, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	n.Run(50 * sim.Millisecond)
	last := s.lrcvtime
	var probes []sim.Time
	var rsts int
	tap(n, true, func(p *Packet) bool {
		if p.TCP.Flags&tcpRST != 0 {
			rsts++
		} else if p.Payload == 0 {
			probes = append(probes, n.Now()-last-2*sim.Millisecond/2)
		}
		return true
	})
	n.Run(30 * sim.Second)
	if len(probes) != 3 {
		t.Fatalf("%d probes, want 3", len(probes))
	}
	// Each probe arrives one link delay (1 ms) plus serialisation after
	// it leaves: compare whole milliseconds.
	for i, want := range []sim.Time{10 * sim.Second, 12 * sim.Second, 14 * sim.Second} {
		if got := probes[i] / sim.Millisecond; got != want/sim.Millisecond {
			t.Errorf("probe %d at %v after the last segment, want %v", i, probes[i], want)
		}
	}
	if !errors.Is(s.Err(), syscall.ETIMEDOUT) || rsts != 1 {
		t.Errorf("err %v, RSTs %d; want ETIMEDOUT and 1", s.Err(), rsts)
	}
	for c, w := range map[Counter]uint64{TcpExtTCPKeepAlive: 3, TcpExtTCPAbortOnTimeout: 1, TcpOutRsts: 1, TcpEstabResets: 1} {
		if got := client.MIB.Get(c); got != w {
			t.Errorf("%s = %d, want %d", c, got, w)
		}
	}
}

// Nagle (Minshall's variant, tcp_nagle_check): a small write goes at once;
// a second one waits while the first small segment is unacknowledged.
// TCP_NODELAY sends both at once.
func TestTCPNagle(t *testing.T) {
	for _, c := range []struct {
		nodelay bool
		want    uint64
	}{{false, 1}, {true, 2}} {
		n, _, _, _ := pair(t, tcpPair)
		s := connect(t, n, TCPOptions{NoDelay: c.nodelay})
		s.Write(100)
		s.Write(100)
		if got := s.Stats().DataSegsOut; got != c.want {
			t.Errorf("nodelay %v: %d segments sent at once, want %d", c.nodelay, got, c.want)
		}
		n.Run(n.Now() + 10*sim.Millisecond)
		if got := s.Stats().BytesAcked; got != 200 {
			t.Errorf("nodelay %v: %d bytes acked, want 200", c.nodelay, got)
		}
	}
}

// Simultaneous close: both ends close at once; each goes FIN_WAIT1 ->
// CLOSING -> TIME_WAIT.
func TestTCPSimultaneousClose(t *testing.T) {
	n, _, server, l := pair(t, tcpPair)
	l.OnAccept = nil
	s := connect(t, n, TCPOptions{})
	n.Run(n.Now() + 5*sim.Millisecond)
	c := l.Accept()
	if c == nil {
		t.Fatal("no connection to accept")
	}
	s.Close()
	c.Close()
	n.Run(n.Now() + 100*sim.Millisecond)
	if s.State() != stack.StateTimeWait || c.State() != stack.StateTimeWait {
		t.Errorf("states %v and %v, want TIME-WAIT for both", s.State(), c.State())
	}
	_ = server
}

// Simultaneous open: two sockets connect to each other; both pass through
// SYN_RECV to ESTABLISHED.
func TestTCPSimultaneousOpen(t *testing.T) {
	n := build(t, tcpPair)
	a, b := n.Host("client"), n.Host("server")
	ap, bp := serverAddrFor(t, "10.0.0.1:5000"), serverAddrFor(t, "10.0.0.2:6000")
	sa := a.newTCPSocket(TCPOptions{}, nil)
	sb := b.newTCPSocket(TCPOptions{}, nil)
	for _, x := range []struct {
		s           *TCPSocket
		local, peer netipAddrPort
	}{{sa, ap, bp}, {sb, bp, ap}} {
		s := x.s
		_ = s.setCongestion("")
		s.Local, s.Remote = x.local, x.peer
		s.initConnection(1500, false)
		s.iss = 1000
		s.sndUna, s.sndNxt, s.writeSeq = s.iss, s.iss+1, s.iss+1
		s.open()
		s.hash()
		s.setState(stack.StateSynSent)
		g := s.rtxq.push()
		g.seq, g.end, g.flags = s.iss, s.iss+1, segSYN
		s.packetsOut = 1
	}
	sa.transmit(sa.rtxq.at(0), false)
	sb.transmit(sb.rtxq.at(0), false)
	sa.armRTO()
	sb.armRTO()
	n.Run(100 * sim.Millisecond)
	if sa.State() != stack.StateEstablished || sb.State() != stack.StateEstablished {
		t.Fatalf("states %v %v, want ESTAB", sa.State(), sb.State())
	}
}

// A transfer over a lossy link completes with every byte acknowledged.
func TestTCPLossyTransfer(t *testing.T) {
	const lossy = tcpPair + "    loss: 1%\n"
	n, client, _, _ := pair(t, lossy)
	s := connect(t, n, TCPOptions{})
	const total = 4 << 20
	written := 0
	fill := func(s *TCPSocket) {
		for written < total {
			w := s.Write(total - written)
			if w == 0 {
				return
			}
			written += w
		}
	}
	s.OnWritable = fill
	fill(s)
	n.Run(n.Now() + 20*sim.Second)
	if got := s.Stats().BytesAcked; got != total {
		t.Fatalf("bytes acked %d, want %d", got, total)
	}
	if client.MIB.Get(TcpRetransSegs) == 0 {
		t.Error("no retransmissions over a lossy link")
	}
}

// The same scenario and seed give the same counters and event count.
func TestTCPDeterminism(t *testing.T) {
	run := func() ([]stack.Counter, uint64) {
		const lossy = tcpPair + "    loss: 0.5%\n"
		n, _, server, _ := pair(t, lossy)
		s := connect(t, n, TCPOptions{})
		s.Write(1 << 20)
		n.Run(3 * sim.Second)
		return append(n.Host("client").MIB.List(), server.MIB.List()...), n.Engine.Events()
	}
	c1, e1 := run()
	c2, e2 := run()
	if e1 != e2 || !reflect.DeepEqual(c1, c2) {
		t.Fatalf("two runs differ: %d vs %d events", e1, e2)
	}
}

type netipAddrPort = netip.AddrPort

func serverAddrFor(t *testing.T, s string) netip.AddrPort {
	t.Helper()
	return netip.MustParseAddrPort(s)
}
