package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// synFloodDriver sends raw SYNs at a rate from its source host, with
// source addresses drawn from a prefix, and never answers the SYN-ACKs.
type synFloodDriver struct {
	w      *workload
	spec   *scenario.SYNFlood
	src    *Host
	tick   sim.Timer
	k      int64
	sent   uint64
	errs   uint64
	mss    uint16
	target netip.AddrPort
}

func newSYNFloodDriver(w *workload) (driver, error) {
	f := w.spec.SYNFlood
	d := &synFloodDriver{w: w, spec: f, target: netip.AddrPortFrom(f.Address, f.Port)}
	var err error
	if d.src, err = w.host("source", f.Source); err != nil {
		return nil, err
	}
	if _, err := w.host("server", f.Server); err != nil {
		return nil, err
	}
	// The MSS a SYN from the source's route would carry.
	d.mss = 1460
	if f.Address.Is6() {
		d.mss = 1440
	}
	if r, ok := d.src.route(f.Address); ok && r.Dev != nil {
		hdr := ipv4HeaderLen + tcpHeaderLen
		if f.Address.Is6() {
			hdr = ipv6HeaderLen + tcpHeaderLen
		}
		if m := r.Dev.MTU - hdr; m > 0 && m < 65536 {
			d.mss = uint16(m)
		}
	}
	d.tick.Init(w.n.Engine, d.fire)
	return d, nil
}

func (d *synFloodDriver) begin() {
	d.src.NewProcess(d.w.spec.Name) // the raw socket's owner
	d.fire()
}

// fire sends one SYN and schedules the next.
func (d *synFloodDriver) fire() {
	f := d.spec
	if f.Count > 0 && int64(d.sent+d.errs) >= f.Count {
		return
	}
	d.send()
	d.k++
	off := rateOffset(d.k, f.Rate)
	if off >= sim.Never-d.w.begun || d.w.begun+off >= d.w.stop {
		return
	}
	d.tick.Reset(d.w.begun + off)
}

// send builds a SYN like Linux's (MSS, SACK permitted, timestamps, window
// scale 7) and hands it to the source's IP output.
func (d *synFloodDriver) send() {
	h := d.src
	r := h.Net.Engine.Rand()
	p := h.Net.pool.get()
	p.V6 = d.target.Addr().Is6()
	p.Proto = protoTCP
	p.Dst = d.target.Addr()
	p.DstPort = d.target.Port()
	p.SrcPort = uint16(1024 + r.IntN(65536-1024))
	p.DF = true
	if d.spec.Spoof.IsValid() {
		p.Src = randomAddr(r, d.spec.Spoof)
	}
	p.TCP = TCPHeader{
		Seq: uint32(r.Uint64()), Flags: tcpSYN, Window: 64240,
		MSS: d.mss, WScale: 7, SACKPermitted: true, HasTS: true, TSVal: uint32(r.Uint64()),
	}
	if err := h.ipOutput(p); err != nil {
		d.errs++
		return
	}
	d.sent++
}

// randomAddr returns an address of prefix with random host bits (avoiding
// the all-zeros and all-ones host parts of IPv4 subnets that have them).
func randomAddr(r *sim.Rand, prefix netip.Prefix) netip.Addr {
	base := prefix.Masked().Addr()
	bits := prefix.Bits()
	if base.Is4() {
		b := base.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		hostBits := 32 - bits
		if hostBits == 0 {
			return base
		}
		mask := uint32(1<<hostBits - 1)
		h := uint32(r.Uint64()) & mask
		if hostBits >= 2 {
			// 1 .. mask-1: neither the network nor the broadcast address.
			h = 1 + uint32(r.Uint64N(uint64(mask-1)))
		}
		v |= h
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	b := base.As16()
	var word uint64
	for i := bits; i < 128; i++ {
		if (i-bits)%64 == 0 {
			word = r.Uint64()
		}
		b[i/8] |= byte(word&1) << (7 - i%8)
		word >>= 1
	}
	return netip.AddrFrom16(b)
}

func (d *synFloodDriver) end() { d.tick.Stop() }

func (d *synFloodDriver) fill(ws *WorkloadSummary) {
	ws.Client = d.spec.Source
	ws.Server = d.spec.Server
	ws.Target = d.target.String()
	ws.SYNs = &SYNSummary{Sent: d.sent, SendErrors: d.errs}
}
