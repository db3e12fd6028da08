package simnic

import (
	"fmt"
	"syscall"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Driver identification the model reports (ethtool -i).
const (
	DriverName      = "simnic"
	DriverVersion   = "6.18.0-sim"
	FirmwareVersion = "1.0.0 (simnic 25GbE)"
)

var (
	_ nic.Device     = (*NIC[int])(nil)
	_ nic.Configurer = (*NIC[int])(nil)
)

// DriverInfo returns the driver's identification.
func (n *NIC[F]) DriverInfo() (nic.DriverInfo, error) {
	return nic.DriverInfo{
		Driver: DriverName, Version: DriverVersion, FirmwareVersion: FirmwareVersion,
		BusInfo: fmt.Sprintf(defaultBusPrefix, n.index), NStats: uint32(len(n.statNames())),
	}, nil
}

// Rings returns the ring sizes and their maxima.
func (n *NIC[F]) Rings() (nic.Rings, error) {
	push := false
	s := n.set
	return nic.Rings{RXMax: nic.U32(s.RXRingMax), TXMax: nic.U32(s.TXRingMax),
		RX: nic.U32(s.RXRing), TX: nic.U32(s.TXRing), TXPush: &push}, nil
}

// Channels returns the channel counts (combined channels only).
func (n *NIC[F]) Channels() (nic.Channels, error) {
	return nic.Channels{CombinedMax: nic.U32(n.set.CombinedMax), Combined: nic.U32(n.set.Combined)}, nil
}

// Coalesce returns the coalescing parameters the driver supports.
func (n *NIC[F]) Coalesce() (nic.Coalesce, error) {
	s := n.set
	arx, atx := s.AdaptiveRX, s.AdaptiveTX
	return nic.Coalesce{AdaptiveRX: &arx, AdaptiveTX: &atx,
		RXUsecs: nic.U32(s.RXUsecs), RXFrames: nic.U32(s.RXFrames),
		TXUsecs: nic.U32(s.TXUsecs), TXFrames: nic.U32(s.TXFrames)}, nil
}

// Features returns every netdev feature in the kernel's index order.
func (n *NIC[F]) Features() ([]nic.Feature, error) { return n.features.list(), nil }

// Pause returns the flow-control settings.
func (n *NIC[F]) Pause() (nic.Pause, error) {
	a, r, t := n.set.PauseAutoneg, n.set.PauseRX, n.set.PauseTX
	return nic.Pause{Autoneg: &a, RX: &r, TX: &t}, nil
}

// Timestamping returns software time stamping only: the model has no
// hardware clock.
func (n *NIC[F]) Timestamping() (nic.Timestamping, error) {
	return nic.Timestamping{
		Capabilities:    []string{"software-transmit", "software-receive", "software-system-clock"},
		TXTypes:         []string{},
		RXFilters:       []string{},
		HasCapabilities: true, HasTXTypes: true, HasRXFilters: true,
	}, nil
}

// linkModes are the modes the model supports (kernel bit indices).
var linkModes = []nic.LinkMode{
	{Index: 10, Name: "FIBRE"}, {Index: 13, Name: "Pause"}, {Index: 14, Name: "Asym_Pause"},
	{Index: 17, Name: "1000baseKX/Full"}, {Index: 19, Name: "10000baseKR/Full"},
	{Index: 31, Name: "25000baseCR/Full"}, {Index: 49, Name: "None"}, {Index: 50, Name: "RS"},
	{Index: 51, Name: "BASER"},
}

// LinkSettings reports the link: full duplex at the link's bandwidth,
// autonegotiation off, direct-attach copper.
func (n *NIC[F]) LinkSettings() (nic.LinkSettings, error) {
	speed := uint32(n.speed / 1_000_000)
	duplex, autoneg := uint8(1), uint8(0)
	lanes := uint32(1)
	port, phy, mdix, mdixCtl, xcvr := uint8(5), uint8(0), uint8(0), uint8(0), uint8(0)
	link := true
	return nic.LinkSettings{
		Modes: &nic.LinkModes{HasOurs: true, Supported: linkModes, Advertised: linkModes,
			Speed: &speed, Lanes: &lanes, Duplex: &duplex, Autoneg: &autoneg},
		Info:  &nic.LinkInfo{Port: &port, PHYAddr: &phy, MDIX: &mdix, MDIXCtrl: &mdixCtl, Transceiver: &xcvr},
		WoL:   &nic.WakeOnLAN{},
		Debug: &nic.Debug{MsgMask: 0x4, Names: []string{"link"}},
		State: &nic.LinkState{Link: &link},
	}, nil
}

// Stats returns the driver statistics in the driver's order.
func (n *NIC[F]) Stats() ([]nic.Stat, error) {
	names := n.statNames()
	vals := n.statValues()
	out := make([]nic.Stat, len(names))
	for i := range names {
		out[i] = nic.Stat{Name: names[i], Value: vals[i]}
	}
	return out, nil
}

// deviceStats names the device-wide statistics, in order.
var deviceStats = []string{
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_missed_errors",
	"rx_csum_unnecessary", "rx_csum_none", "rx_gro_packets", "rx_gro_merged", "rx_lro_merged",
	"tx_tso_packets", "tx_csum_sw", "tx_busy", "tx_queue_wake", "tx_queue_dropped",
}

var rxQueueStats = []string{"packets", "bytes", "drops", "irqs", "polls"}
var txQueueStats = []string{"packets", "bytes", "stops", "wakes", "irqs"}

func (n *NIC[F]) statNames() []string {
	names := append([]string(nil), deviceStats...)
	for i := range n.rx {
		for _, s := range rxQueueStats {
			names = append(names, fmt.Sprintf("rx_queue_%d_%s", i, s))
		}
	}
	for i := range n.tx {
		for _, s := range txQueueStats {
			names = append(names, fmt.Sprintf("tx_queue_%d_%s", i, s))
		}
	}
	return names
}

func (n *NIC[F]) statValues() []uint64 {
	s := &n.st
	v := []uint64{s.rxPackets, s.rxBytes, s.txPackets, s.txBytes, s.rxMissed,
		s.rxCsumOK, s.rxCsumNone, s.rxGROPackets, s.rxGROMerged, s.rxLROMerged,
		s.txTSOPackets, s.txCsumSW, s.txBusy, s.txWake, s.txDropped}
	for i := range n.rx {
		q := &n.rxst[i]
		v = append(v, q.packets, q.bytes, q.drops, q.irqs, q.polls)
	}
	for i := range n.tx {
		q := &n.txst[i]
		v = append(v, q.packets, q.bytes, q.stops, q.wakes, q.irqs)
	}
	return v
}

// errnoError is a refused change as the kernel reports it over netlink.
func errnoError(op string, errno syscall.Errno, msg string, off int) error {
	return &nic.Error{Op: op, Via: nic.ViaNetlink, Errno: errno, Message: msg, Offset: off}
}
