package ref

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"syscall"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// workloadSet holds the workloads Start scheduled, in scenario order.
type workloadSet struct {
	list []*workload
}

// workload is one scenario workload while it runs: its spec, the times it
// runs between, its kind's driver and the measurements common to every
// kind.
type workload struct {
	n     *Network
	spec  *scenario.Workload
	index int
	// start and stop are the scheduled times; begun is when the workload
	// really began (start, or later when Start was called late).
	start, stop, begun sim.Time
	started            bool
	stopped            bool
	d                  driver
	m                  measure
}

// driver is what each kind of workload implements.
type driver interface {
	// begin starts the workload's clients, at its start time.
	begin()
	// end stops opening connections and sending, at its stop time.
	end()
	// fill adds the kind's own measurements to ws.
	fill(ws *WorkloadSummary)
}

// measure holds the measurements every kind of workload shares.
type measure struct {
	connects    uint64 // connect() calls
	established uint64 // connections established (client side)
	accepted    uint64 // connections accepted (server side)
	open        int    // client sockets not closed yet
	errs        []ErrorCount
	sent, recv  uint64   // application bytes written and read
	lastRecv    sim.Time // when the last byte was read
	requests    uint64   // requests completed
	skipped     uint64   // requests or connections not started (limits)
	latency     []int64  // per request, ns
}

// received counts n application bytes read now.
func (w *workload) received(n int) {
	if n <= 0 {
		return
	}
	w.m.recv += uint64(n)
	w.m.lastRecv = w.n.Engine.Now()
}

// fail counts a connection error by its errno name.
func (w *workload) fail(err error) {
	name := errName(err)
	for i := range w.m.errs {
		if w.m.errs[i].Error == name {
			w.m.errs[i].Count++
			return
		}
	}
	w.m.errs = append(w.m.errs, ErrorCount{Error: name, Count: 1})
}

// errName names an error the way the C library's errno names it, when it
// is one ("ECONNREFUSED"), else by its text.
func errName(err error) string {
	var e syscall.Errno
	if errors.As(err, &e) {
		switch e {
		case syscall.ECONNREFUSED:
			return "ECONNREFUSED"
		case syscall.ETIMEDOUT:
			return "ETIMEDOUT"
		case syscall.ECONNRESET:
			return "ECONNRESET"
		case syscall.EPIPE:
			return "EPIPE"
		case syscall.EADDRNOTAVAIL:
			return "EADDRNOTAVAIL"
		case syscall.EADDRINUSE:
			return "EADDRINUSE"
		case syscall.ENETUNREACH:
			return "ENETUNREACH"
		case syscall.EHOSTUNREACH:
			return "EHOSTUNREACH"
		}
	}
	switch {
	case errors.Is(err, errNoRoute):
		return "ENETUNREACH"
	case errors.Is(err, errAddrInUse):
		return "EADDRINUSE"
	case errors.Is(err, errMsgSize):
		return "EMSGSIZE"
	case errors.Is(err, errFiltered):
		return "EPERM"
	case errors.Is(err, errPeerClosed):
		return "EOF"
	}
	return err.Error()
}

// retryDelay is how long a client waits before connecting again after a
// connection failed at once (no route, no free port).
const retryDelay = sim.Second

// errPeerClosed is a connection the peer closed before the exchange was
// over (an unexpected EOF).
var errPeerClosed = errors.New("connection closed by peer")

// Start schedules every workload of the network's scenario: each begins at
// its start time and stops opening connections and sending at its stop
// time. Servers listen (and bind) at once, so that a port in use or a
// missing host is an error here. Start may be called once.
func (n *Network) Start() error {
	sc := n.Scenario
	if sc == nil {
		return errors.New("ref: start: the network has no scenario")
	}
	if n.work != nil {
		return errors.New("ref: start: workloads already started")
	}
	n.work = &workloadSet{}
	end := sim.FromDuration(sc.Duration)
	for i := range sc.Workloads {
		spec := &sc.Workloads[i]
		w := &workload{n: n, spec: spec, index: i, start: sim.FromDuration(spec.Start), stop: sim.FromDuration(spec.Stop)}
		if w.stop <= 0 {
			w.stop = end
		}
		d, err := newDriver(w)
		if err != nil {
			return fmt.Errorf("%s:%d: workloads[%d]: %s: %w", sc.File, spec.Line, i, spec.Name, err)
		}
		w.d = d
		n.work.list = append(n.work.list, w)
		n.Engine.At(w.start, w.begin)
		n.Engine.At(w.stop, w.end)
	}
	return nil
}

func (w *workload) begin() {
	if w.stopped {
		return
	}
	w.started = true
	w.begun = w.n.Engine.Now()
	w.d.begin()
}

func (w *workload) end() {
	if w.stopped {
		return
	}
	w.stopped = true
	if w.started {
		w.d.end()
	}
}

// newDriver makes the driver of w's kind.
func newDriver(w *workload) (driver, error) {
	s := w.spec
	switch {
	case s.UDP != nil:
		return newUDPDriver(w)
	case s.SYNFlood != nil:
		return newSYNFloodDriver(w)
	case s.Bulk != nil, s.ReqResp != nil, s.Storm != nil, s.Idle != nil:
		return newTCPDriver(w)
	}
	return nil, fmt.Errorf("workload of unknown kind %q", s.Kind)
}

// host returns the host named name, or an error naming the field.
func (w *workload) host(field, name string) (*Host, error) {
	h := w.n.Host(name)
	if h == nil {
		return nil, fmt.Errorf("%s: unknown host %q", field, name)
	}
	return h, nil
}

// rateOffset is when, after a workload began, its k-th event of a series
// at perSec events a second is due.
func rateOffset(k int64, perSec scenario.PerSecond) sim.Time {
	if perSec <= 0 {
		return sim.Never
	}
	f := float64(k) * 1e9 / float64(perSec)
	if f >= float64(sim.Never) || math.IsNaN(f) {
		return sim.Never
	}
	return sim.Time(f)
}

// bitOffset is when the k-th unit of unitBits bits is due at rate bits a
// second: k*unitBits/rate seconds, exactly (rounded down to a nanosecond).
func bitOffset(k, unitBits int64, rate scenario.Bitrate) sim.Time {
	if rate <= 0 || k < 0 || unitBits < 0 {
		return sim.Never
	}
	hi, lo := bits.Mul64(uint64(k), uint64(unitBits))
	// times 1e9: (hi, lo) * 1e9 as a 128-bit product, if it fits.
	h1, l1 := bits.Mul64(lo, 1e9)
	h2, l2 := bits.Mul64(hi, 1e9)
	if h2 != 0 {
		return sim.Never
	}
	h1, c := bits.Add64(h1, l2, 0)
	if c != 0 || h1 >= uint64(rate) {
		return sim.Never
	}
	q, _ := bits.Div64(h1, l1, uint64(rate))
	if q > uint64(sim.Never) {
		return sim.Never
	}
	return sim.Time(q)
}

// maxMessage bounds a sampled message size.
const maxMessage = 1 << 30

// sampleSize draws a message size from d with the engine's RNG: at least
// one byte, at most maxMessage.
func sampleSize(r *sim.Rand, d scenario.SizeDist) int {
	var v int64
	switch d.Kind {
	case scenario.DistExp:
		f := r.ExpFloat64() * float64(d.Mean)
		if f >= maxMessage {
			v = maxMessage
		} else {
			v = int64(f)
		}
	case scenario.DistUniform:
		v = int64(d.Min)
		if d.Max > d.Min {
			v += int64(r.Uint64N(uint64(d.Max-d.Min) + 1))
		}
	default:
		v = int64(d.Mean)
	}
	return int(min(max(v, 1), maxMessage))
}

// sampleTime draws a duration from d with the engine's RNG.
func sampleTime(r *sim.Rand, d scenario.TimeDist) sim.Time {
	switch d.Kind {
	case scenario.DistExp:
		return r.Exp(sim.FromDuration(d.Mean))
	case scenario.DistUniform:
		return r.Uniform(sim.FromDuration(d.Min), sim.FromDuration(d.Max))
	}
	return sim.FromDuration(d.Mean)
}

// wildcard is the unspecified address of a's family.
func wildcard(a netip.Addr) netip.Addr {
	if a.Is4() {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// bufOption is what setsockopt(SO_RCVBUF or SO_SNDBUF) leaves in the
// socket: twice the value asked, capped by the sysctl max first, at least
// SOCK_MIN_RCVBUF.
func bufOption(h *Host, v scenario.Size, maxKnob sysctl.Knob) int {
	const sockMinBuf = 2304 // SOCK_MIN_RCVBUF: 2048 + sizeof(struct sk_buff), about
	val := min(int64(v), h.Sysctl.Int(maxKnob))
	return int(max(2*val, sockMinBuf))
}
