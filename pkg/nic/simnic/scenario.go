package simnic

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/scenario"
)

// Apply sets the NIC up as a scenario's nic: block says: maxima first,
// then current values, checked against them; nil fields keep the
// model's defaults.
func (n *NIC[F]) Apply(sn *scenario.NIC) error {
	if sn == nil {
		return nil
	}
	// sn.Model is not checked: every model name is imitated by this one
	// model.
	s := n.set
	set := func(dst *uint32, v *uint32) {
		if v != nil {
			*dst = *v
		}
	}
	if r := sn.Rings; r != nil {
		set(&s.RXRingMax, r.RXMax)
		set(&s.TXRingMax, r.TXMax)
		if r.RX == nil {
			s.RXRing = min(s.RXRing, s.RXRingMax)
		}
		if r.TX == nil {
			s.TXRing = min(s.TXRing, s.TXRingMax)
		}
		set(&s.RXRing, r.RX)
		set(&s.TXRing, r.TX)
		if s.RXRingMax == 0 || s.TXRingMax == 0 || s.RXRingMax > 1<<16 || s.TXRingMax > 1<<16 {
			return fmt.Errorf("nic: ring maxima must be 1 to 65536")
		}
		if s.RXRing < 1 || s.RXRing > s.RXRingMax || s.TXRing < 1 || s.TXRing > s.TXRingMax {
			return fmt.Errorf("nic: rings rx %d tx %d: must be 1 to the maximum (rx %d, tx %d)", s.RXRing, s.TXRing, s.RXRingMax, s.TXRingMax)
		}
	}
	if c := sn.Channels; c != nil {
		if c.RX != nil && *c.RX > 0 || c.TX != nil && *c.TX > 0 || c.Other != nil && *c.Other > 0 {
			return fmt.Errorf("nic: the model has combined channels only")
		}
		set(&s.CombinedMax, c.CombinedMax)
		if c.Combined == nil {
			s.Combined = min(s.Combined, s.CombinedMax)
		}
		set(&s.Combined, c.Combined)
		if s.CombinedMax < 1 || s.CombinedMax > maxChannels {
			return fmt.Errorf("nic: combined_max %d: must be 1 to %d", s.CombinedMax, maxChannels)
		}
		if s.Combined < 1 || s.Combined > s.CombinedMax {
			return fmt.Errorf("nic: combined %d: must be 1 to combined_max %d", s.Combined, s.CombinedMax)
		}
	}
	if c := sn.Coalesce; c != nil {
		set(&s.RXUsecs, c.RXUsecs)
		set(&s.RXFrames, c.RXFrames)
		set(&s.TXUsecs, c.TXUsecs)
		set(&s.TXFrames, c.TXFrames)
		if c.AdaptiveRX != nil {
			s.AdaptiveRX = *c.AdaptiveRX
		}
		if c.AdaptiveTX != nil {
			s.AdaptiveTX = *c.AdaptiveTX
		}
		if s.RXUsecs > MaxCoalUsecs || s.TXUsecs > MaxCoalUsecs {
			return fmt.Errorf("nic: coalesce usecs above the maximum %d", MaxCoalUsecs)
		}
		if s.RXFrames > MaxCoalFrames || s.TXFrames > MaxCoalFrames {
			return fmt.Errorf("nic: coalesce frames above the maximum %d", MaxCoalFrames)
		}
		// Explicit rx_usecs or rx_frames without adaptive_rx mean a
		// fixed moderation.
		if c.AdaptiveRX == nil && (c.RXUsecs != nil || c.RXFrames != nil) {
			s.AdaptiveRX = false
		}
	}
	if o := sn.Offloads; o != nil {
		flags := []struct {
			name string
			v    *bool
		}{{"sg", o.SG}, {"tx", o.TXChecksum}, {"rx", o.RXChecksum}, {"tso", o.TSO}, {"gso", o.GSO},
			{"gro", o.GRO}, {"lro", o.LRO}, {"rxhash", o.RXHash}}
		for _, f := range flags {
			if f.v != nil {
				n.features.setFlag(f.name, *f.v)
			}
		}
		n.features.update()
	}
	n.set = s
	if r := sn.RSS; r != nil {
		if r.Key != nil {
			if len(r.Key) != len(DefaultKey) {
				return fmt.Errorf("nic: rss key of %d bytes: the model's key has %d", len(r.Key), len(DefaultKey))
			}
			n.setKey(r.Key)
		}
		if len(r.Indirection) > 0 {
			for i := range n.indir {
				q := r.Indirection[i%len(r.Indirection)]
				if q >= s.Combined {
					return fmt.Errorf("nic: rss indirection: queue %d of %d", q, s.Combined)
				}
				n.indir[i] = q
			}
			n.indirSet = true
		}
	}
	n.reset()
	return nil
}
