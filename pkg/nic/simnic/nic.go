package simnic

import (
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Defaults of the modelled NIC (an mlx5- or ice-like 10/25 GbE NIC).
const (
	DefaultRingMax   = 8192
	DefaultRing      = 1024
	DefaultRXUsecs   = 8
	DefaultRXFrames  = 128
	DefaultTXUsecs   = 16
	DefaultTXFrames  = 32
	MaxCoalUsecs     = 4095  // the driver's limit (ERANGE above)
	MaxCoalFrames    = 65535 // the driver's limit (ERANGE above)
	IndirectionSize  = 128
	maxChannels      = 64
	groMaxHeld       = 8 // MAX_GRO_SKBS
	txWakeThreshold  = 32
	defaultBusPrefix = "0000:%02x:00.0"
)

// Settings are the NIC's configuration (what ethtool changes).
type Settings struct {
	RXRing, TXRing, RXRingMax, TXRingMax uint32
	Combined, CombinedMax                uint32
	RXUsecs, RXFrames, TXUsecs, TXFrames uint32
	AdaptiveRX, AdaptiveTX               bool
	PauseAutoneg, PauseRX, PauseTX       bool
}

// NIC is one simulated NIC. F is the stack's frame type.
type NIC[F any] struct {
	name  string
	index int
	cpus  *CPUs[F]
	e     *sim.Engine
	// wire puts a frame on the link and returns when its last bit has
	// left; false when the link refused it (the wire counted and freed
	// it).
	wire func(F) (sim.Time, bool)
	// speed is the link's bandwidth in bit/s.
	speed      int64
	txQueueLen int

	set      Settings
	features featureSet
	key      []byte
	table    toeplitzTable
	indir    [IndirectionSize]uint32
	indirSet bool    // the indirection table was configured
	rps      [][]int // per receive queue: the RPS target CPUs (nil: none)

	rx   []*rxQueue[F]
	tx   []*txQueue[F]
	rxst [maxChannels]rxStats // per queue, kept across resets
	txst [maxChannels]txStats

	st nicStats
}

// nicStats are the device-wide driver counters.
type nicStats struct {
	rxPackets, rxBytes, txPackets, txBytes uint64
	rxMissed, rxCsumNone, rxCsumOK         uint64
	rxGROPackets, rxGROMerged, rxLROMerged uint64
	txTSOPackets, txCsumSW, txBusy         uint64
	txWake, txDropped                      uint64
}

// Config is what a NIC is made from.
type Config[F any] struct {
	Name string
	// Index is the interface index; it makes the bus address.
	Index int
	CPUs  *CPUs[F]
	// Wire puts a frame on the link (see NIC).
	Wire func(F) (sim.Time, bool)
	// Speed is the link's bandwidth in bit/s.
	Speed int64
	// TxQueueLen is the device queue's length in packets.
	TxQueueLen int
}

// New returns a NIC with the model's defaults: rings 1024 of at most
// 8192, one combined channel per CPU, rx-usecs 8, rx-frames 128, tx-usecs
// 16, tx-frames 32, adaptive-rx on, every offload on but LRO.
func New[F any](cfg Config[F]) *NIC[F] {
	ncpu := uint32(cfg.CPUs.Len())
	n := &NIC[F]{
		name: cfg.Name, index: cfg.Index, cpus: cfg.CPUs, e: cfg.CPUs.e, wire: cfg.Wire,
		speed: cfg.Speed, txQueueLen: max(cfg.TxQueueLen, 1),
		set: Settings{
			RXRing: DefaultRing, TXRing: DefaultRing, RXRingMax: DefaultRingMax, TXRingMax: DefaultRingMax,
			Combined: min(ncpu, maxChannels), CombinedMax: min(ncpu, maxChannels),
			RXUsecs: DefaultRXUsecs, RXFrames: DefaultRXFrames, TXUsecs: DefaultTXUsecs, TXFrames: DefaultTXFrames,
			AdaptiveRX: true, PauseRX: true, PauseTX: true,
		},
		features: defaultFeatures(),
	}
	n.setKey(DefaultKey[:])
	n.reset()
	return n
}

// Name returns the interface name.
func (n *NIC[F]) Name() string { return n.name }

// setKey sets the RSS key.
func (n *NIC[F]) setKey(k []byte) {
	n.key = append([]byte(nil), k...)
	n.table.init(n.key)
}

// reset (re)builds the queues for the current settings, as a driver does
// when rings or channels change: frames in the receive rings are lost,
// counters and transmit completions carry over.
func (n *NIC[F]) reset() {
	nq := int(n.set.Combined)
	for _, q := range n.rx {
		q.coal.Stop()
		for q.ring.len() > 0 {
			n.cpus.stack.Drop(q.ring.pop(), true)
		}
		q.retired = true
	}
	old := n.rx
	n.rx = make([]*rxQueue[F], nq)
	for i := range n.rx {
		q := &rxQueue[F]{n: n, idx: i, cpu: n.cpus.cpu[i%len(n.cpus.cpu)], st: &n.rxst[i], level: adaptiveStart}
		if i < len(old) {
			q.level = old[i].level
		}
		q.coal.Init(n.e, q.fire)
		n.rx[i] = q
	}
	oldTX := n.tx
	if len(oldTX) != nq {
		n.tx = make([]*txQueue[F], nq)
		for i := range n.tx {
			if i < len(oldTX) {
				n.tx[i] = oldTX[i]
				continue
			}
			q := &txQueue[F]{n: n, idx: i, cpu: n.cpus.cpu[i%len(n.cpus.cpu)], st: &n.txst[i]}
			q.comp.Init(n.e, q.complete)
			n.tx[i] = q
		}
		// Queues beyond the new count finish their completions and
		// send what waits in them.
		for _, q := range oldTX[min(nq, len(oldTX)):] {
			q.retired = true
		}
	}
	if !n.indirSet {
		n.spread()
	}
	if len(n.rps) > nq {
		n.rps = n.rps[:nq]
	}
}

// spread fills the indirection table round robin over the queues.
func (n *NIC[F]) spread() {
	for i := range n.indir {
		n.indir[i] = uint32(i) % n.set.Combined
	}
}

// hash returns f's RSS hash (0 with rx-hashing off).
func (n *NIC[F]) hash(f *Flow) uint32 {
	var buf [toeplitzInputMax]byte
	return n.table.hash(f.hashInput(buf[:], f.Ports))
}

// Receive takes a frame from the link: RSS picks its queue, and it is
// written into that queue's ring, or dropped when the ring is full
// (Receive reports false and has freed it).
func (n *NIC[F]) Receive(f F) bool {
	fl := n.cpus.stack.Flow(f)
	qi := 0
	if len(n.rx) > 1 && n.features.on(fRXHash) {
		qi = int(n.indir[n.hash(&fl)%IndirectionSize])
		if qi >= len(n.rx) {
			qi = 0
		}
	}
	return n.rx[qi].dma(f, &fl)
}

// SetRPS steers the packets of receive queue q to the backlogs of cpus
// (by flow hash), as /sys/class/net/DEV/queues/rx-q/rps_cpus does; no
// CPUs turns RPS off.
func (n *NIC[F]) SetRPS(q int, cpus []int) {
	for q >= 0 && len(n.rps) <= q {
		n.rps = append(n.rps, nil)
	}
	var ok []int
	for _, c := range cpus {
		if c >= 0 && c < len(n.cpus.cpu) {
			ok = append(ok, c)
		}
	}
	if q >= 0 {
		n.rps[q] = ok
	}
}

// Settings returns the current settings.
func (n *NIC[F]) Settings() Settings { return n.set }

// CPUs returns the CPUs the NIC interrupts.
func (n *NIC[F]) CPUs() *CPUs[F] { return n.cpus }

// RXInterrupts returns the receive interrupts of all queues so far.
func (n *NIC[F]) RXInterrupts() uint64 {
	var t uint64
	for _, q := range n.rx {
		t += q.st.irqs
	}
	return t
}

// RXMissed returns the frames dropped at full receive rings.
func (n *NIC[F]) RXMissed() uint64 { return n.st.rxMissed }
