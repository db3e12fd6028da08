package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/scenario"
)

// idleDriver opens Count connections that then send nothing (keepalive
// probes, when the socket options turn them on, are all that flows), and
// closes them at the stop time.
type idleDriver struct {
	w              *workload
	spec           *scenario.Idle
	client, server *Host
	cproc, sproc   *Process
	lis            *listener
	dst            netip.AddrPort
	conns          []*TCPSocket
	open           map[*TCPSocket]bool // client sockets not closed (looked up, never iterated)
	srv            map[*TCPSocket]bool // server sockets not closed (looked up, never iterated)
	socks          sockets
}

func newIdleDriver(w *workload) (driver, error) {
	id := w.spec.Idle
	d := &idleDriver{w: w, spec: id, dst: netip.AddrPortFrom(id.Address, id.Port), open: map[*TCPSocket]bool{}, srv: map[*TCPSocket]bool{}}
	var err error
	if d.client, err = w.host("client", id.Client); err != nil {
		return nil, err
	}
	if d.server, err = w.host("server", id.Server); err != nil {
		return nil, err
	}
	d.sproc = d.server.NewProcess(w.spec.Name)
	d.lis, err = w.listen(d.server, id.Target, id.Backlog, id.ServerSocket, d.sproc, 0, d.accepted)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (d *idleDriver) begin() {
	d.cproc = d.client.NewProcess(d.w.spec.Name)
	for range d.spec.Count {
		s := d.w.connect(d.client, d.dst, d.spec.Socket, d.cproc)
		if s == nil {
			continue
		}
		d.conns = append(d.conns, s)
		d.open[s] = true
		d.w.m.open++
		d.socks.add(s)
		s.OnConnect = d.connected
		s.OnReadable = d.readable
		s.OnClose = d.closed
	}
}

func (d *idleDriver) connected(s *TCPSocket, err error) {
	if err != nil {
		d.w.fail(err)
		d.closeClient(s)
		return
	}
	d.w.m.established++
}

// readable drains what arrives (nothing, normally) and closes on EOF.
func (d *idleDriver) readable(s *TCPSocket) {
	d.w.drain(s)
	if s.EOF() {
		if d.open[s] {
			d.closeClient(s)
		} else if d.srv[s] {
			delete(d.srv, s)
			d.socks.close(s)
		}
	}
}

func (d *idleDriver) closeClient(s *TCPSocket) {
	if !d.open[s] {
		return
	}
	delete(d.open, s)
	d.w.m.open--
	d.socks.close(s)
}

// closed counts the error of a connection that died (a keepalive
// timeout, a reset).
func (d *idleDriver) closed(s *TCPSocket) {
	if d.open[s] {
		if err := s.Err(); err != nil {
			d.w.fail(err)
		} else {
			d.w.fail(errPeerClosed)
		}
		delete(d.open, s)
		d.w.m.open--
	}
	delete(d.srv, s)
	d.socks.release(s)
}

func (d *idleDriver) accepted(s *TCPSocket) {
	d.socks.add(s)
	d.srv[s] = true
	s.OnReadable = d.readable
	s.OnClose = d.closed
	d.readable(s)
}

// end closes the client's connections.
func (d *idleDriver) end() {
	for _, s := range d.conns {
		d.closeClient(s)
	}
}

func (d *idleDriver) fill(ws *WorkloadSummary) {
	ws.Client, ws.Server, ws.Target = d.spec.Client, d.spec.Server, d.dst.String()
	d.w.tcpConnSummary(ws, d.w.m.open, &d.socks)
}
