package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// bulkDriver is an iperf-like transfer: Streams connections whose sender
// (the client, or the server with Reverse) writes Write bytes at a time as
// fast as the send buffer takes them, until Bytes are sent or the stop
// time, then closes; the receiver reads everything and closes on EOF.
type bulkDriver struct {
	w              *workload
	spec           *scenario.Bulk
	client, server *Host
	cproc, sproc   *Process
	lis            *listener
	dst            netip.AddrPort
	flows          []*bulkFlow
	byClient       map[netip.AddrPort]*bulkFlow // looked up, never iterated
	socks          sockets
}

// bulkFlow is one stream.
type bulkFlow struct {
	d          *bulkDriver
	id         int
	cs, ss     *TCPSocket
	local      netip.AddrPort
	left       int64 // bytes still to send; -1: until the stop time
	sendClosed bool
	recvClosed bool
	clientOpen bool
	recv       uint64
	est, last  sim.Time
	err        string
}

func newBulkDriver(w *workload) (driver, error) {
	b := w.spec.Bulk
	d := &bulkDriver{w: w, spec: b, dst: netip.AddrPortFrom(b.Address, b.Port), byClient: map[netip.AddrPort]*bulkFlow{}}
	var err error
	if d.client, err = w.host("client", b.Client); err != nil {
		return nil, err
	}
	if d.server, err = w.host("server", b.Server); err != nil {
		return nil, err
	}
	d.sproc = d.server.NewProcess(w.spec.Name)
	d.lis, err = w.listen(d.server, b.Target, b.Backlog, b.ServerSocket, d.sproc, 0, d.accepted)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (d *bulkDriver) begin() {
	d.cproc = d.client.NewProcess(d.w.spec.Name)
	for i := range d.spec.Streams {
		f := &bulkFlow{d: d, id: i + 1, left: -1}
		if d.spec.Bytes > 0 {
			f.left = int64(d.spec.Bytes)
		}
		d.flows = append(d.flows, f)
		s := d.w.connect(d.client, d.dst, d.spec.Socket, d.cproc)
		if s == nil {
			f.err = "connect failed"
			continue
		}
		f.cs, f.local, f.clientOpen = s, s.Local, true
		d.w.m.open++
		d.byClient[s.Local] = f
		d.socks.add(s)
		s.OnConnect = f.connected
		s.OnReadable = f.readable
		s.OnWritable = f.writable
		s.OnClose = f.closed
	}
}

// sender is the socket that writes.
func (f *bulkFlow) sender() *TCPSocket {
	if f.d.spec.Reverse {
		return f.ss
	}
	return f.cs
}

func (f *bulkFlow) connected(s *TCPSocket, err error) {
	w := f.d.w
	if err != nil {
		w.fail(err)
		f.err = errName(err)
		f.closeClient()
		return
	}
	w.m.established++
	f.est = w.n.Engine.Now()
	if !f.d.spec.Reverse {
		f.pump(s)
	}
}

// accepted is the server side of a new connection.
func (d *bulkDriver) accepted(c *TCPSocket) {
	d.socks.add(c)
	f := d.byClient[c.Remote]
	if f == nil || f.ss != nil {
		// Not one of ours: read and discard.
		c.OnReadable = func(s *TCPSocket) {
			d.w.drain(s)
			if s.EOF() {
				d.socks.close(s)
			}
		}
		c.OnClose = d.socks.release
		c.OnReadable(c)
		return
	}
	f.ss = c
	c.OnReadable = f.readable
	c.OnWritable = f.writable
	c.OnClose = f.closed
	if f.d.spec.Reverse {
		if f.sendClosed {
			d.socks.close(c) // stopped before the server could send
			return
		}
		f.pump(c)
	}
	f.readable(c)
}

// pump writes until the send buffer is full, the bytes are sent or the
// workload stopped; then it closes the sender (FIN after the data).
func (f *bulkFlow) pump(s *TCPSocket) {
	w := f.d.w
	size := int64(f.d.spec.Write)
	for !f.sendClosed {
		if w.stopped || f.left == 0 {
			f.closeSender()
			return
		}
		n := size
		if f.left > 0 {
			n = min(n, f.left)
		}
		k := s.Write(int(n))
		if k <= 0 {
			return // OnWritable resumes
		}
		w.m.sent += uint64(k)
		if f.left > 0 {
			f.left -= int64(k)
		}
	}
}

func (f *bulkFlow) writable(s *TCPSocket) {
	if s == f.sender() {
		f.pump(s)
	}
}

// readable reads what arrived; the receiver closes on EOF.
func (f *bulkFlow) readable(s *TCPSocket) {
	w := f.d.w
	if n := w.drain(s); n > 0 && s != f.sender() {
		f.recv += uint64(n)
		f.last = w.n.Engine.Now()
	}
	if s.EOF() {
		if s == f.cs {
			f.closeClient()
		} else {
			f.d.socks.close(s)
		}
	}
}

func (f *bulkFlow) closeSender() {
	f.sendClosed = true
	if s := f.sender(); s == f.cs {
		f.closeClient()
	} else if s != nil {
		f.d.socks.close(s)
	}
}

func (f *bulkFlow) closeClient() {
	if !f.clientOpen {
		return
	}
	f.clientOpen = false
	f.d.w.m.open--
	f.d.socks.close(f.cs)
}

// closed is called when a connection is gone: an error is counted, the
// sender's statistics kept.
func (f *bulkFlow) closed(s *TCPSocket) {
	if err := s.Err(); err != nil && (s == f.cs && f.clientOpen || !f.sendClosed) {
		if f.err == "" {
			f.d.w.fail(err)
			f.err = errName(err)
		}
	}
	if s == f.cs && f.clientOpen {
		f.clientOpen = false
		f.d.w.m.open--
	}
	f.d.socks.release(s)
}

// end stops the senders: each closes after what it has written.
func (d *bulkDriver) end() {
	for _, f := range d.flows {
		switch {
		case f.sendClosed:
		case f.cs != nil && f.est == 0:
			// Still connecting at the stop time: give up.
			f.sendClosed = true
			f.closeClient()
		default:
			f.closeSender()
		}
	}
}

func (d *bulkDriver) fill(ws *WorkloadSummary) {
	ws.Client, ws.Server, ws.Target = d.spec.Client, d.spec.Server, d.dst.String()
	d.w.tcpConnSummary(ws, d.w.m.open, &d.socks)
	for _, f := range d.flows {
		fs := FlowSummary{ID: f.id, Remote: d.dst.String(), Bytes: f.recv, Error: f.err}
		if f.local.IsValid() {
			fs.Local = f.local.String()
		}
		var st TCPStats
		if s := f.sender(); s != nil {
			st = s.Stats() // a closed socket keeps its counters
		}
		fs.Retransmits, fs.SRTTNS, fs.Cwnd = st.TotalRetrans, int64(st.SRTT), st.Cwnd
		if f.last > f.est && f.est > 0 {
			fs.GoodputBPS = rateBPS(f.recv, f.last-f.est)
		}
		ws.Flows = append(ws.Flows, fs)
	}
}
