package doctor

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// checkSoftnetDrops finds CPUs whose backlog (netdev_max_backlog) overflowed.
func checkSoftnetDrops(s *Snapshot, c Commands) ([]Finding, string) {
	if len(s.Softnet) == 0 {
		return nil, "no softnet_stat"
	}
	var drops, processed uint64
	var evs []Evidence
	for _, st := range s.Softnet {
		drops += uint64(st.Dropped)
		processed += uint64(st.Processed)
		if st.Dropped > 0 {
			evs = append(evs, ev(fmt.Sprintf("cpu%d dropped", st.CPU), fmt.Sprintf("%d of %d processed", st.Dropped, st.Processed)))
		}
	}
	if drops == 0 {
		return nil, ""
	}
	backlog, ok := s.sysctlInt("net.core.netdev_max_backlog")
	if ok {
		evs = append(evs, ev("net.core.netdev_max_backlog", backlog))
	}
	f := Finding{Severity: Warning,
		Title:    fmt.Sprintf("%d packets dropped at the per-CPU backlog %s%s", drops, over(s), perSecond(s, drops)),
		Evidence: evs,
		Meaning: "A CPU's input backlog (netdev_max_backlog packets) was full when the NIC's NAPI poll or RPS " +
			"handed it packets, so the kernel dropped them before IP saw them (/proc/net/softnet_stat, " +
			"column 2). The CPU does not keep up with the packet rate: raise the backlog to absorb bursts, " +
			"and spread the load over more CPUs (RSS channels, RPS).",
	}
	if ok {
		f.Fix = append(f.Fix, c.setSysctl("net.core.netdev_max_backlog", raise(backlog, 2000)))
	}
	return []Finding{f}, ""
}

// squeezePerMille is the time_squeeze rate (per 1000 packets processed on
// a CPU) at and above which softnet-squeeze reports.
const squeezePerMille = 1

// checkSoftnetSqueeze finds CPUs where NAPI ran out of budget with work left.
func checkSoftnetSqueeze(s *Snapshot, c Commands) ([]Finding, string) {
	if len(s.Softnet) == 0 {
		return nil, "no softnet_stat"
	}
	var squeeze uint64
	var evs []Evidence
	for _, st := range s.Softnet {
		if st.TimeSqueeze > 0 && uint64(st.TimeSqueeze)*1000 >= uint64(st.Processed)*squeezePerMille {
			squeeze += uint64(st.TimeSqueeze)
			evs = append(evs, ev(fmt.Sprintf("cpu%d time_squeeze", st.CPU), fmt.Sprintf("%d (%d processed)", st.TimeSqueeze, st.Processed)))
		}
	}
	if squeeze == 0 {
		return nil, ""
	}
	budget, okB := s.sysctlInt("net.core.netdev_budget")
	usecs, okU := s.sysctlInt("net.core.netdev_budget_usecs")
	if okB {
		evs = append(evs, ev("net.core.netdev_budget", budget))
	}
	if okU {
		evs = append(evs, ev("net.core.netdev_budget_usecs", usecs))
	}
	f := Finding{Severity: Warning,
		Title:    fmt.Sprintf("NAPI ran out of budget %d times with packets left %s", squeeze, over(s)),
		Evidence: evs,
		Meaning: "net_rx_action stopped polling with packets still in the rings because it used up " +
			"netdev_budget packets or netdev_budget_usecs of time (softnet_stat column 3, time_squeeze). " +
			"The packets wait for the next softirq, adding latency, and the rings fill. A larger budget " +
			"lets one softirq run drain more.",
	}
	if okB {
		f.Fix = append(f.Fix, c.setSysctl("net.core.netdev_budget", raise(budget, 600)))
	}
	if okU {
		f.Fix = append(f.Fix, c.setSysctl("net.core.netdev_budget_usecs", raise(usecs, 4000)))
	}
	return []Finding{f}, ""
}

// dropStat matches the driver statistics that count packets the NIC
// could not put in a ring (names of ixgbe, igb, e1000e, mlx5, i40e, ice,
// bnxt, virtio and the reference stack's NIC model).
var dropStat = regexp.MustCompile(`missed|no_buffer|out_of_buffer|no_dma|fifo_err|rx_discards|^rx.*drop`)

// queueStat matches per-queue statistics ("rx_queue_0_drops", "rx0_...",
// "rx-3.missed"), which repeat what the device's totals count.
var queueStat = regexp.MustCompile(`queue_?\d|^[rt]x\d|^[rt]x-\d`)

// ringFarBelow is the share of its maximum under which an RX ring that
// drops counts as far below it.
const ringFarBelow = 4

// checkRingDrops finds NICs that dropped packets for want of descriptors.
func checkRingDrops(s *Snapshot, c Commands) ([]Finding, string) {
	if len(s.NICs) == 0 {
		return nil, "no NIC statistics"
	}
	var out []Finding
	for _, n := range s.NICs {
		total := RingDrops(n.Stats)
		if total == 0 {
			continue
		}
		var evs []Evidence
		for _, st := range n.Stats {
			if st.Value != 0 && dropStat.MatchString(strings.ToLower(st.Name)) && len(evs) < 8 {
				evs = append(evs, ev(n.Name+" "+st.Name, st.Value))
			}
		}
		f := Finding{Severity: Warning, Subject: n.Name, Evidence: evs}
		rx, rxMax := ringRX(n.Rings)
		if rx > 0 {
			f.Evidence = append(f.Evidence, ev(n.Name+" rx ring", rx))
		}
		if rxMax > 0 {
			f.Evidence = append(f.Evidence, ev(n.Name+" rx ring maximum", rxMax))
		}
		f.Title = fmt.Sprintf("%s dropped %d packets at its receive ring %s%s", n.Name, total, over(s), perSecond(s, total))
		f.Meaning = "Packets arrived while the receive ring had no free descriptor (ethtool -S), so the NIC " +
			"dropped them before the kernel saw them: NAPI did not refill the ring as fast as the traffic " +
			"(often a burst) filled it."
		switch {
		case rx > 0 && rxMax > 0 && rx*ringFarBelow <= rxMax:
			f.Title += fmt.Sprintf(", with the ring at %d of %d descriptors", rx, rxMax)
			f.Meaning += fmt.Sprintf(" The ring is far below its maximum (%d of %d): a larger ring absorbs the "+
				"bursts at the cost of some memory and cache.", rx, rxMax)
			f.Fix = append(f.Fix, c.ethtool("-G", n.Name, "rx", strconv.FormatUint(uint64(rxMax), 10)))
		case rx > 0 && rxMax > 0 && rx < rxMax:
			f.Fix = append(f.Fix, c.ethtool("-G", n.Name, "rx", strconv.FormatUint(uint64(rxMax), 10)))
		default:
			f.Meaning += " The ring is at its maximum: spread the traffic over more queues and CPUs, " +
				"and let NAPI poll longer."
			if cur, most := channelsCombined(n.Channels); most > cur {
				f.Fix = append(f.Fix, c.ethtool("-L", n.Name, "combined", strconv.FormatUint(uint64(most), 10)))
			}
			if b, ok := s.sysctlInt("net.core.netdev_budget"); ok {
				f.Fix = append(f.Fix, c.setSysctl("net.core.netdev_budget", raise(b, 600)))
			}
		}
		out = append(out, f)
	}
	return out, ""
}

func ringRX(r *nic.Rings) (cur, most uint32) {
	if r == nil {
		return 0, 0
	}
	if r.RX != nil {
		cur = *r.RX
	}
	if r.RXMax != nil {
		most = *r.RXMax
	}
	return cur, most
}

func channelsCombined(ch *nic.Channels) (cur, most uint32) {
	if ch == nil {
		return 0, 0
	}
	if ch.Combined != nil {
		cur = *ch.Combined
	}
	if ch.CombinedMax != nil {
		most = *ch.CombinedMax
	}
	return cur, most
}
