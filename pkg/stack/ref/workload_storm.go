package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// stormDriver opens short connections, at a rate or from Concurrency
// loops back to back: connect, write the request, read the response, and
// the Closer side closes first (and keeps the TIME_WAIT).
type stormDriver struct {
	w              *workload
	spec           *scenario.Storm
	client, server *Host
	cproc, sproc   *Process
	lis            *listener
	dst            netip.AddrPort
	byClient       map[netip.AddrPort]*stormConn // looked up, never iterated
	socks          sockets
	opened         int // connections opened (Count bounds it)
	tick           sim.Timer
	k              int64
}

// stormConn is one short connection, both its ends.
type stormConn struct {
	d          *stormDriver
	cs, ss     *TCPSocket
	local      netip.AddrPort
	clientOpen bool
	done       bool // the response was read
	failed     bool
	reqLeft    int
	respLeft   int
	started    sim.Time
	srvGot     int
	srvLeft    int
	srvSent    bool // the response is being (or was) written
	srvClosed  bool
}

func newStormDriver(w *workload) (driver, error) {
	st := w.spec.Storm
	d := &stormDriver{w: w, spec: st, dst: netip.AddrPortFrom(st.Address, st.Port), byClient: map[netip.AddrPort]*stormConn{}}
	var err error
	if d.client, err = w.host("client", st.Client); err != nil {
		return nil, err
	}
	if d.server, err = w.host("server", st.Server); err != nil {
		return nil, err
	}
	d.sproc = d.server.NewProcess(w.spec.Name)
	d.lis, err = w.listen(d.server, st.Target, st.Backlog, st.ServerSocket, d.sproc, st.AcceptRate, d.accepted)
	if err != nil {
		return nil, err
	}
	d.tick.Init(w.n.Engine, d.fire)
	return d, nil
}

func (d *stormDriver) begin() {
	d.cproc = d.client.NewProcess(d.w.spec.Name)
	if d.spec.Rate > 0 {
		d.fire()
		return
	}
	for range d.spec.Concurrency {
		d.open()
	}
}

// fire opens a connection at the rate's tick.
func (d *stormDriver) fire() {
	if d.w.stopped || d.spec.Count > 0 && d.opened >= d.spec.Count {
		return
	}
	if d.spec.Concurrency > 0 && d.w.m.open >= d.spec.Concurrency {
		d.w.m.skipped++
	} else {
		d.open()
	}
	d.k++
	off := rateOffset(d.k, d.spec.Rate)
	if off < sim.Never-d.w.begun && d.w.begun+off < d.w.stop {
		d.tick.Reset(d.w.begun + off)
	}
}

// open opens the next connection.
func (d *stormDriver) open() {
	w := d.w
	if w.stopped || d.spec.Count > 0 && d.opened >= d.spec.Count {
		return
	}
	d.opened++
	s := w.connect(d.client, d.dst, d.spec.Socket, d.cproc)
	if s == nil {
		if d.spec.Rate == 0 {
			w.n.Engine.After(retryDelay, d.open) // a loop waits, then tries again
		}
		return
	}
	c := &stormConn{d: d, cs: s, local: s.Local, clientOpen: true}
	w.m.open++
	d.byClient[s.Local] = c
	d.socks.add(s)
	s.OnConnect = c.connected
	s.OnReadable = c.clientReadable
	s.OnWritable = c.clientWritable
	s.OnClose = c.closed
}

func (c *stormConn) connected(s *TCPSocket, err error) {
	w := c.d.w
	if err != nil {
		w.fail(err)
		c.fail()
		return
	}
	w.m.established++
	c.reqLeft, c.respLeft = int(c.d.spec.Request), int(c.d.spec.Response)
	c.started = w.n.Engine.Now()
	c.clientWrite()
	if c.respLeft == 0 {
		c.finish()
	}
}

func (c *stormConn) clientWrite() {
	if c.clientOpen {
		writeOut(c.cs, &c.reqLeft, &c.d.w.m.sent)
	}
}

func (c *stormConn) clientWritable(*TCPSocket) { c.clientWrite() }

func (c *stormConn) clientReadable(s *TCPSocket) {
	w := c.d.w
	n := w.drain(s)
	if !c.done && n > 0 {
		c.respLeft -= n
		if c.respLeft <= 0 {
			c.finish()
		}
	}
	if s.EOF() && c.clientOpen {
		if !c.done {
			w.fail(errPeerClosed)
			c.fail()
			return
		}
		c.closeClient() // the server closed first
	}
}

// finish counts the exchange; a client closer closes now.
func (c *stormConn) finish() {
	w := c.d.w
	c.done = true
	w.m.requests++
	w.m.latency = append(w.m.latency, int64(w.n.Engine.Now()-c.started))
	if c.d.spec.Closer != scenario.CloserServer {
		c.closeClient()
	}
}

func (c *stormConn) fail() {
	c.failed = true
	c.closeClient()
}

// closeClient closes the client's socket; a loop opens the next one.
func (c *stormConn) closeClient() {
	if !c.clientOpen {
		return
	}
	d := c.d
	c.clientOpen = false
	d.w.m.open--
	if d.byClient[c.local] == c {
		delete(d.byClient, c.local)
	}
	d.socks.close(c.cs)
	if d.spec.Rate == 0 {
		d.open()
	}
}

// closed is called when either end's connection is gone.
func (c *stormConn) closed(s *TCPSocket) {
	if s == c.cs && c.clientOpen {
		if err := s.Err(); err != nil {
			c.d.w.fail(err)
		} else if !c.done {
			c.d.w.fail(errPeerClosed)
		}
		c.fail()
	}
	c.d.socks.release(s)
}

// accepted is the server side of a new connection.
func (d *stormDriver) accepted(s *TCPSocket) {
	d.socks.add(s)
	s.OnClose = d.socks.release
	c := d.byClient[s.Remote]
	if c == nil || c.ss != nil {
		d.socks.close(s) // its client is gone
		return
	}
	c.ss = s
	s.OnReadable = c.serverReadable
	s.OnWritable = c.serverWritable
	s.OnClose = c.closed
	c.serverReadable(s)
}

func (c *stormConn) serverReadable(s *TCPSocket) {
	c.srvGot += c.d.w.drain(s)
	if !c.srvSent && c.srvGot >= int(c.d.spec.Request) {
		c.srvSent = true
		c.srvLeft = int(c.d.spec.Response)
		c.serverWrite()
	}
	if s.EOF() && !c.srvClosed {
		c.srvClosed = true
		c.d.socks.close(s)
	}
}

func (c *stormConn) serverWrite() {
	s := c.ss
	if c.srvClosed || !writeOut(s, &c.srvLeft, &c.d.w.m.sent) {
		return
	}
	if c.srvLeft == 0 && c.d.spec.Closer == scenario.CloserServer && !c.srvClosed {
		c.srvClosed = true
		c.d.socks.close(s) // FIN after the response
	}
}

func (c *stormConn) serverWritable(*TCPSocket) {
	if c.srvSent && c.srvLeft > 0 {
		c.serverWrite()
	}
}

// end stops opening connections; open ones finish their exchange.
func (d *stormDriver) end() { d.tick.Stop() }

func (d *stormDriver) fill(ws *WorkloadSummary) {
	ws.Client, ws.Server, ws.Target = d.spec.Client, d.spec.Server, d.dst.String()
	d.w.tcpConnSummary(ws, d.w.m.open, &d.socks)
	ws.Requests = d.w.requestSummary()
}
