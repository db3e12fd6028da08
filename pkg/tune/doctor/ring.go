package doctor

import (
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// RingDrops returns the packets a NIC's driver statistics count as dropped
// for want of receive descriptors: the device totals among the drop
// statistics (see doc.go), or, when the driver has only per-queue ones,
// their sum.
func RingDrops(stats []nic.Stat) uint64 {
	var total, perQueue uint64
	for _, st := range stats {
		name := strings.ToLower(st.Name)
		if !dropStat.MatchString(name) {
			continue
		}
		if queueStat.MatchString(name) {
			perQueue += st.Value
		} else {
			total += st.Value
		}
	}
	if total == 0 {
		return perQueue
	}
	return total
}
