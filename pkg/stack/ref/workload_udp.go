package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// udpDriver is a UDP stream: Burst datagrams back to back every period,
// round robin over Flows client sockets, into one server socket that reads
// every datagram as it arrives.
type udpDriver struct {
	w              *workload
	spec           *scenario.UDP
	client, server *Host
	cproc          *Process
	dst            netip.AddrPort
	srv            *UDPSocket
	socks          []*UDPSocket
	tick           sim.Timer
	k              int64 // bursts sent
	flow           int   // the next datagram's flow
	datagrams      uint64
	sendErrs       uint64
	received       uint64
}

func newUDPDriver(w *workload) (driver, error) {
	u := w.spec.UDP
	d := &udpDriver{w: w, spec: u, dst: netip.AddrPortFrom(u.Address, u.Port)}
	var err error
	if d.client, err = w.host("client", u.Client); err != nil {
		return nil, err
	}
	if d.server, err = w.host("server", u.Server); err != nil {
		return nil, err
	}
	sproc := d.server.NewProcess(w.spec.Name)
	d.srv, err = d.server.UDPSocket(netip.AddrPortFrom(wildcard(u.Address), u.Port), sproc)
	if err != nil {
		return nil, err
	}
	if u.ServerSocket.RcvBuf > 0 {
		d.srv.RcvBuf = bufOption(d.server, u.ServerSocket.RcvBuf, sysctl.CoreRmemMax)
	}
	d.srv.OnReadable = d.read
	d.tick.Init(w.n.Engine, d.burst)
	return d, nil
}

func (d *udpDriver) begin() {
	d.cproc = d.client.NewProcess(d.w.spec.Name)
	for range d.spec.Flows {
		s, err := d.client.UDPSocket(netip.AddrPort{}, d.cproc)
		if err != nil {
			d.w.fail(err)
			break
		}
		s.Connect(d.dst)
		d.socks = append(d.socks, s)
	}
	if len(d.socks) == 0 {
		return
	}
	d.burst()
}

// burst sends one burst and schedules the next.
func (d *udpDriver) burst() {
	u := d.spec
	size := int(u.Size)
	for range u.Burst {
		if u.Count > 0 && int64(d.datagrams) >= u.Count {
			return
		}
		s := d.socks[d.flow]
		d.flow++
		if d.flow == len(d.socks) {
			d.flow = 0
		}
		d.datagrams++
		if err := s.SendTo(netip.AddrPort{}, size); err != nil {
			d.sendErrs++
			continue
		}
		d.w.m.sent += uint64(size)
	}
	d.k++
	var off sim.Time
	if u.Interval > 0 {
		off = sim.FromDuration(u.Interval) * sim.Time(d.k)
		if d.k > 0 && off/sim.Time(d.k) != sim.FromDuration(u.Interval) {
			off = sim.Never
		}
	} else {
		off = bitOffset(d.k, int64(u.Burst)*int64(u.Size)*8, u.Rate)
	}
	if off >= sim.Never-d.w.begun || d.w.begun+off >= d.w.stop {
		return
	}
	d.tick.Reset(d.w.begun + off)
}

// read takes every queued datagram (the receiver keeps up).
func (d *udpDriver) read(s *UDPSocket) {
	for {
		n := s.Read()
		if n < 0 {
			return
		}
		d.received++
		d.w.received(n)
	}
}

// end stops sending and closes the client's sockets; the server keeps
// receiving what is in flight.
func (d *udpDriver) end() {
	d.tick.Stop()
	for _, s := range d.socks {
		s.Close()
	}
}

func (d *udpDriver) fill(ws *WorkloadSummary) {
	ws.Client = d.spec.Client
	ws.Server = d.spec.Server
	ws.Target = d.dst.String()
	ws.Flows = nil
	lost := uint64(0)
	delivered := d.datagrams - d.sendErrs
	if delivered > d.received {
		lost = delivered - d.received
	}
	ws.UDP = &UDPSummary{
		Sent: d.datagrams, SendErrors: d.sendErrs, Received: d.received,
		Lost: lost, RcvbufErrors: d.srv.Drops,
	}
}
