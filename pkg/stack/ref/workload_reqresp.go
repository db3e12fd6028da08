package ref

import (
	"net/netip"
	"strconv"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// rrDriver is an HTTP-like load: on each client host Concurrency loops,
// each with one request in flight at a time over a kept-alive connection
// (or a new one per request), closed loop with think times or open loop
// at a rate; the server reads a request, takes its service time and
// writes the response.
type rrDriver struct {
	w        *workload
	spec     *scenario.ReqResp
	server   *Host
	sproc    *Process
	lis      *listener
	dst      netip.AddrPort
	hosts    []*rrHost
	byClient map[netip.AddrPort]*rrConn // looked up, never iterated
	socks    sockets
}

// rrHost is one client host: its process, loops and open-loop ticker.
type rrHost struct {
	d     *rrDriver
	h     *Host
	proc  *Process
	loops []*rrLoop
	tick  sim.Timer
	k     int64
}

// rrLoop is one client loop (a connection's worth of concurrency).
type rrLoop struct {
	d        *rrDriver
	host     *rrHost
	conn     *rrConn
	done     int  // requests completed
	busy     bool // a request is wanted or in flight
	finished bool
	timer    sim.Timer // think time, retry
}

// rrConn is one connection, both its ends.
type rrConn struct {
	d           *rrDriver
	loop        *rrLoop
	cs, ss      *TCPSocket
	local       netip.AddrPort
	established bool
	clientOpen  bool
	dead        bool // failed or closed by the server
	// The request in flight.
	active   bool
	req      int
	resp     int
	reqLeft  int // request bytes the client has still to write
	respLeft int // response bytes the client has still to read
	started  sim.Time
	// The server's side of it.
	srvGot  int  // request bytes read
	srvBusy bool // serving or writing the response
	srvLeft int  // response bytes still to write
	service sim.Timer
}

func newReqRespDriver(w *workload) (driver, error) {
	r := w.spec.ReqResp
	d := &rrDriver{w: w, spec: r, dst: netip.AddrPortFrom(r.Address, r.Port), byClient: map[netip.AddrPort]*rrConn{}}
	var err error
	if d.server, err = w.host("server", r.Server); err != nil {
		return nil, err
	}
	for i, name := range r.Clients {
		h, err := w.host("clients["+strconv.Itoa(i)+"]", name)
		if err != nil {
			return nil, err
		}
		rh := &rrHost{d: d, h: h}
		rh.tick.Init(w.n.Engine, rh.fire)
		for range r.Concurrency {
			l := &rrLoop{d: d, host: rh}
			l.timer.Init(w.n.Engine, l.next)
			rh.loops = append(rh.loops, l)
		}
		d.hosts = append(d.hosts, rh)
	}
	d.sproc = d.server.NewProcess(w.spec.Name)
	d.lis, err = w.listen(d.server, r.Target, r.Backlog, r.ServerSocket, d.sproc, r.AcceptRate, d.accepted)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (d *rrDriver) begin() {
	for _, rh := range d.hosts {
		rh.proc = rh.h.NewProcess(d.w.spec.Name)
	}
	for _, rh := range d.hosts {
		for _, l := range rh.loops {
			if d.spec.Rate > 0 {
				if !d.spec.NewConnection {
					l.connect() // ready for the ticks
				}
			} else {
				l.next()
			}
		}
		if d.spec.Rate > 0 {
			rh.fire()
		}
	}
}

// fire is an open-loop tick: a request for the first idle loop.
func (rh *rrHost) fire() {
	d := rh.d
	if d.w.stopped {
		return
	}
	started := false
	for _, l := range rh.loops {
		if !l.busy && !l.finished {
			l.next()
			started = true
			break
		}
	}
	if !started {
		d.w.m.skipped++
	}
	rh.k++
	off := rateOffset(rh.k, d.spec.Rate)
	if off < sim.Never-d.w.begun && d.w.begun+off < d.w.stop {
		rh.tick.Reset(d.w.begun + off)
	}
}

// next starts the loop's next request, or finishes the loop.
func (l *rrLoop) next() {
	d := l.d
	if l.finished {
		return
	}
	if d.w.stopped || d.spec.Requests > 0 && l.done >= d.spec.Requests {
		l.finish()
		return
	}
	l.busy = true
	if c := l.conn; c != nil && c.established && !c.dead {
		c.start()
		return
	}
	if l.conn == nil {
		l.connect()
	}
}

// connect opens the loop's connection; the pending request starts once
// it is established.
func (l *rrLoop) connect() {
	d := l.d
	s := d.w.connect(l.host.h, d.dst, d.spec.Socket, l.host.proc)
	if s == nil {
		l.retry()
		return
	}
	c := &rrConn{d: d, loop: l, cs: s, local: s.Local, clientOpen: true}
	c.service.Init(d.w.n.Engine, c.respond)
	d.w.m.open++
	l.conn = c
	d.byClient[s.Local] = c
	d.socks.add(s)
	s.OnConnect = c.connected
	s.OnReadable = c.clientReadable
	s.OnWritable = c.clientWritable
	s.OnClose = c.closed
}

// retry waits before the loop tries again (its request, if any, is lost).
func (l *rrLoop) retry() {
	l.busy = false
	if l.d.spec.Rate == 0 {
		l.timer.ResetAfter(retryDelay)
	}
}

// finish closes the loop's connection for good.
func (l *rrLoop) finish() {
	l.finished, l.busy = true, false
	l.timer.Stop()
	if l.conn != nil {
		l.conn.closeClient()
		l.conn = nil
	}
}

func (c *rrConn) connected(s *TCPSocket, err error) {
	w := c.d.w
	if err != nil {
		w.fail(err)
		c.fail()
		return
	}
	w.m.established++
	c.established = true
	if c.loop.busy {
		c.start()
	}
}

// start begins a request on an established connection.
func (c *rrConn) start() {
	d := c.d
	r := d.w.n.Engine.Rand()
	c.req, c.resp = sampleSize(r, d.spec.Request), sampleSize(r, d.spec.Response)
	c.reqLeft, c.respLeft, c.srvGot = c.req, c.resp, 0
	c.active = true
	c.started = d.w.n.Engine.Now()
	c.clientWrite()
}

func (c *rrConn) clientWrite() {
	if c.clientOpen {
		writeOut(c.cs, &c.reqLeft, &c.d.w.m.sent)
	}
}

func (c *rrConn) clientWritable(*TCPSocket) { c.clientWrite() }

func (c *rrConn) clientReadable(s *TCPSocket) {
	w := c.d.w
	n := w.drain(s)
	if c.active && n > 0 {
		c.respLeft -= n
		if c.respLeft <= 0 {
			c.complete()
		}
	}
	if s.EOF() && c.clientOpen {
		// The server closed the connection.
		if c.active {
			w.fail(errPeerClosed)
		}
		c.fail()
	}
}

// complete ends the request in flight.
func (c *rrConn) complete() {
	d := c.d
	w := d.w
	now := w.n.Engine.Now()
	c.active = false
	w.m.requests++
	w.m.latency = append(w.m.latency, int64(now-c.started))
	l := c.loop
	l.done++
	l.busy = false
	if d.spec.NewConnection {
		c.closeClient()
		l.conn = nil
	}
	switch {
	case w.stopped || d.spec.Requests > 0 && l.done >= d.spec.Requests:
		l.finish()
	case d.spec.Rate > 0:
		// Idle until a tick gives it the next request.
	default:
		if t := sampleTime(w.n.Engine.Rand(), d.spec.Think); t > 0 {
			l.timer.ResetAfter(t)
		} else {
			l.next()
		}
	}
}

// fail ends a connection that failed or that the server closed: the loop
// loses its request and connects again.
func (c *rrConn) fail() {
	l := c.loop
	c.dead = true
	c.active = false
	c.closeClient()
	if l.conn == c {
		l.conn = nil
	}
	if l.finished {
		return
	}
	if l.busy {
		l.retry()
	}
}

func (c *rrConn) closeClient() {
	if !c.clientOpen {
		return
	}
	c.clientOpen = false
	c.d.w.m.open--
	if c.d.byClient[c.local] == c {
		delete(c.d.byClient, c.local)
	}
	c.d.socks.close(c.cs)
}

// closed is called when either end's connection is gone.
func (c *rrConn) closed(s *TCPSocket) {
	if s == c.ss {
		c.service.Stop()
		c.srvBusy = false
	}
	if s == c.cs && c.clientOpen {
		if err := s.Err(); err != nil {
			c.d.w.fail(err)
		} else if c.active {
			c.d.w.fail(errPeerClosed)
		}
		c.fail()
	}
	c.d.socks.release(s)
}

// accepted is the server side of a new connection.
func (d *rrDriver) accepted(s *TCPSocket) {
	d.socks.add(s)
	c := d.byClient[s.Remote]
	if c == nil || c.ss != nil {
		s.OnClose = d.socks.release
		d.socks.close(s) // not one of ours, or its client is gone
		return
	}
	c.ss = s
	s.OnReadable = c.serverReadable
	s.OnWritable = c.serverWritable
	s.OnClose = c.closed
	c.serverReadable(s)
}

func (c *rrConn) serverReadable(s *TCPSocket) {
	w := c.d.w
	c.srvGot += w.drain(s)
	if c.active && !c.srvBusy && c.srvGot >= c.req {
		c.srvBusy = true
		c.srvGot -= c.req
		if t := sampleTime(w.n.Engine.Rand(), c.d.spec.Service); t > 0 {
			c.service.ResetAfter(t)
		} else {
			c.respond()
		}
	}
	if s.EOF() {
		c.service.Stop()
		c.d.socks.close(s)
	}
}

// respond writes the response once the service time is over.
func (c *rrConn) respond() {
	c.srvLeft = c.resp
	c.serverWrite()
}

func (c *rrConn) serverWrite() {
	if !writeOut(c.ss, &c.srvLeft, &c.d.w.m.sent) {
		return
	}
	c.srvBusy = false
}

func (c *rrConn) serverWritable(*TCPSocket) {
	if c.srvBusy && c.srvLeft > 0 {
		c.serverWrite()
	}
}

// end stops the open-loop ticks and closes idle connections; busy loops
// finish their request first, thinking ones at the end of their think
// time.
func (d *rrDriver) end() {
	for _, rh := range d.hosts {
		rh.tick.Stop()
		for _, l := range rh.loops {
			if !l.busy {
				l.finish()
			}
		}
	}
}

func (d *rrDriver) fill(ws *WorkloadSummary) {
	clients := ""
	for i, rh := range d.hosts {
		if i > 0 {
			clients += ","
		}
		clients += rh.h.Name
	}
	ws.Client, ws.Server, ws.Target = clients, d.spec.Server, d.dst.String()
	d.w.tcpConnSummary(ws, d.w.m.open, &d.socks)
	ws.Requests = d.w.requestSummary()
}
