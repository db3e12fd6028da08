package ref

import (
	"fmt"
	"net/netip"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// newTCPDriver makes the driver of a TCP workload.
func newTCPDriver(w *workload) (driver, error) {
	s := w.spec
	switch {
	case s.Bulk != nil:
		return newBulkDriver(w)
	case s.ReqResp != nil:
		return newReqRespDriver(w)
	case s.Storm != nil:
		return newStormDriver(w)
	case s.Idle != nil:
		return newIdleDriver(w)
	}
	return nil, fmt.Errorf("workload of unknown kind %q", s.Kind)
}

// wlTCPOptions turns a scenario's socket options into the stack's.
func wlTCPOptions(o scenario.SocketOptions) TCPOptions {
	t := TCPOptions{
		NoDelay: o.NoDelay, Cork: o.Cork, KeepAlive: o.Keepalive,
		KeepIdle: sim.FromDuration(o.KeepIdle), KeepIntvl: sim.FromDuration(o.KeepIntvl), KeepCnt: o.KeepCnt,
		SndBuf: int(o.SndBuf), RcvBuf: int(o.RcvBuf), Congestion: o.Congestion, MaxSeg: o.MaxSeg,
	}
	if o.Linger != nil {
		t.Linger, t.LingerTime = true, sim.FromDuration(*o.Linger)
	}
	return t
}

// listener is a workload's listening socket and its accept loop, which
// accepts at once or, with an accept rate, one connection per period.
type listener struct {
	w      *workload
	ls     *TCPSocket
	period sim.Time // 0: accept at once
	next   sim.Time // when the next accept may happen
	timer  sim.Timer
	onConn func(c *TCPSocket)
}

// listen opens the workload's server socket on the wildcard address of
// the target's family; backlog 0 is somaxconn.
func (w *workload) listen(h *Host, t scenario.Target, backlog int, o scenario.SocketOptions, proc *Process,
	rate scenario.PerSecond, onConn func(*TCPSocket)) (*listener, error) {
	if backlog <= 0 {
		backlog = int(h.Sysctl.Int(sysctl.CoreSomaxconn))
	}
	l := &listener{w: w, onConn: onConn}
	if rate > 0 {
		l.period = max(rateOffset(1, rate), 1)
	}
	ls, err := h.TCPListen(netip.AddrPortFrom(wildcard(t.Address), t.Port), backlog, wlTCPOptions(o), proc)
	if err != nil {
		return nil, fmt.Errorf("listen on port %d of %s: %w", t.Port, h.Name, err)
	}
	l.ls = ls
	ls.OnAccept = l.ready
	l.timer.Init(w.n.Engine, l.tick)
	return l, nil
}

// ready is called when the accept queue has a connection.
func (l *listener) ready(*TCPSocket) {
	if l.period == 0 {
		for c := l.ls.Accept(); c != nil; c = l.ls.Accept() {
			l.accepted(c)
		}
		return
	}
	if l.timer.Pending() {
		return
	}
	now := l.w.n.Engine.Now()
	if now < l.next {
		l.timer.Reset(l.next)
		return
	}
	l.tick()
}

// tick accepts one connection when the rate allows, and waits for the
// next period.
func (l *listener) tick() {
	c := l.ls.Accept()
	if c == nil {
		return
	}
	l.next = l.w.n.Engine.Now() + l.period
	l.accepted(c)
	l.timer.Reset(l.next)
}

func (l *listener) accepted(c *TCPSocket) {
	l.w.m.accepted++
	l.onConn(c)
}

// sockets tracks a workload's TCP sockets, to add their retransmissions
// to the summary. An open socket is read when the summary is made; one
// the application closed goes on sending (the rest of its data, its FIN)
// and is read once it is done; a finished one leaves only its count.
type sockets struct {
	live    map[*TCPSocket]int // index in list (looked up, never iterated)
	list    []*TCPSocket
	closing []*TCPSocket // closed by the application, oldest first
	retrans uint64       // of finished sockets
}

func (t *sockets) add(s *TCPSocket) {
	if t.live == nil {
		t.live = map[*TCPSocket]int{}
	}
	if _, ok := t.live[s]; ok {
		return
	}
	t.live[s] = len(t.list)
	t.list = append(t.list, s)
}

// remove takes s off the open list and reports whether it was there.
func (t *sockets) remove(s *TCPSocket) bool {
	i, ok := t.live[s]
	if !ok {
		return false
	}
	last := len(t.list) - 1
	t.list[i] = t.list[last]
	t.live[t.list[i]] = i
	t.list[last] = nil
	t.list = t.list[:last]
	delete(t.live, s)
	return true
}

// close closes s for the application (close(2)) and keeps reading its
// count until it is done.
func (t *sockets) close(s *TCPSocket) {
	s.Close()
	if t.remove(s) {
		t.closing = append(t.closing, s)
	}
	t.reap()
}

// release counts a socket that is gone (OnClose) and forgets it.
func (t *sockets) release(s *TCPSocket) {
	if t.remove(s) {
		t.retrans += s.Stats().TotalRetrans
	}
}

// reap counts the oldest closed sockets that can retransmit no more
// (closed, in TIME_WAIT, or in FIN_WAIT2 with their FIN acknowledged).
func (t *sockets) reap() {
	for len(t.closing) > 0 {
		st := t.closing[0].Stats()
		if st.State != stack.StateClose && st.State != stack.StateTimeWait && st.State != stack.StateFinWait2 {
			return
		}
		t.retrans += st.TotalRetrans
		t.closing[0] = nil
		t.closing = t.closing[1:]
	}
}

// total is the retransmissions of every socket, finished or not.
func (t *sockets) total() uint64 {
	n := t.retrans
	for _, s := range t.list {
		n += s.Stats().TotalRetrans
	}
	for _, s := range t.closing {
		n += s.Stats().TotalRetrans
	}
	return n
}

// connect opens a client connection, counting it; nil when it failed at
// once (the error is counted).
func (w *workload) connect(h *Host, dst netip.AddrPort, o scenario.SocketOptions, proc *Process) *TCPSocket {
	w.m.connects++
	s, err := h.TCPConnect(dst, wlTCPOptions(o), proc)
	if err != nil {
		w.fail(err)
		return nil
	}
	return s
}

// drain reads everything queued on s and counts it.
func (w *workload) drain(s *TCPSocket) int {
	total := 0
	for {
		n := s.Read(1 << 30)
		if n <= 0 {
			return total
		}
		total += n
		w.received(n)
	}
}

// tcpConnSummary fills the connection counts.
func (w *workload) tcpConnSummary(ws *WorkloadSummary, open int, socks *sockets) {
	ws.Connections = &ConnSummary{Connects: w.m.connects, Established: w.m.established, Accepted: w.m.accepted, Open: open}
	ws.Retransmits = socks.total()
}

// writeOut writes what is left of a message to s, taking it off *left and
// counting it in *sent, and reports whether all of it went (false: the
// send buffer is full; OnWritable calls again).
func writeOut(s *TCPSocket, left *int, sent *uint64) bool {
	for *left > 0 {
		k := s.Write(*left)
		if k <= 0 {
			return false
		}
		*left -= k
		*sent += uint64(k)
	}
	return true
}
