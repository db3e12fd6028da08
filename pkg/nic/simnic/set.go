package simnic

import (
	"syscall"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Netlink layout used to place error offsets where the kernel puts them:
// the message and generic netlink headers, then the request header nest
// holding the device name, then the parameters (8 bytes each).
const nlHeaders = 16 + 4

func align4(n int) int { return (n + 3) &^ 3 }

// paramOffset is the offset of the i-th parameter of a SET request.
func (n *NIC[F]) paramOffset(i int) int {
	return nlHeaders + 4 + align4(4+len(n.name)+1) + 8*i
}

func findParam(params []nic.Param, name string) int {
	for i, p := range params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// SetRings changes ring sizes ("rx", "tx"; the model has no mini or
// jumbo rings, no rx-buf-len, cqe-size or tx-push). The rings are rebuilt,
// losing the frames in the receive rings, as a driver's reset does.
func (n *NIC[F]) SetRings(params []nic.Param) error {
	const op = "set rings"
	rx, tx := n.set.RXRing, n.set.TXRing
	var mini, jumbo uint32
	for i, p := range params {
		switch p.Name {
		case "rx":
			rx = p.Value
		case "tx":
			tx = p.Value
		case "rx-mini":
			mini = p.Value
		case "rx-jumbo":
			jumbo = p.Value
		case "rx-buf-len":
			return errnoError(op, syscall.EOPNOTSUPP, "setting rx buf len not supported", n.paramOffset(i))
		case "cqe-size":
			return errnoError(op, syscall.EOPNOTSUPP, "setting cqe size not supported", n.paramOffset(i))
		case "tx-push":
			return errnoError(op, syscall.EOPNOTSUPP, "setting tx push not supported", n.paramOffset(i))
		default:
			return errnoError(op, syscall.EINVAL, "", 0)
		}
	}
	bad := ""
	switch {
	case rx > n.set.RXRingMax:
		bad = "rx"
	case mini > 0:
		bad = "rx-mini"
	case jumbo > 0:
		bad = "rx-jumbo"
	case tx > n.set.TXRingMax:
		bad = "tx"
	}
	if bad != "" {
		return errnoError(op, syscall.EINVAL, "requested ring size exceeds maximum", n.paramOffset(findParam(params, bad)))
	}
	if rx == n.set.RXRing && tx == n.set.TXRing {
		return nil
	}
	// The driver's own limit: at least 64 descriptors (no extended ack).
	if rx < minRing || tx < minRing {
		return errnoError(op, syscall.EINVAL, "", 0)
	}
	n.set.RXRing, n.set.TXRing = rx, tx
	n.reset()
	return nil
}

const minRing = 64

// SetChannels changes the number of combined channels; the queues are
// rebuilt and, unless it was configured, the indirection table is spread
// over the new queues.
func (n *NIC[F]) SetChannels(params []nic.Param) error {
	const op = "set channels"
	var rx, tx, other uint32
	comb := n.set.Combined
	modComb := false
	for _, p := range params {
		switch p.Name {
		case "rx":
			rx = p.Value
		case "tx":
			tx = p.Value
		case "other":
			other = p.Value
		case "combined":
			comb, modComb = p.Value, true
		default:
			return errnoError(op, syscall.EINVAL, "", 0)
		}
	}
	bad := ""
	switch {
	case rx > 0:
		bad = "rx"
	case tx > 0:
		bad = "tx"
	case other > 0:
		bad = "other"
	case comb > n.set.CombinedMax:
		bad = "combined"
	}
	if bad != "" {
		return errnoError(op, syscall.EINVAL, "requested channel count exceeds maximum", n.paramOffset(findParam(params, bad)))
	}
	if comb == 0 {
		name := "rx"
		if modComb {
			name = "combined"
		}
		off := 0
		if i := findParam(params, name); i >= 0 {
			off = n.paramOffset(i)
		}
		return errnoError(op, syscall.EINVAL, "requested channel counts would result in no RX or TX channel", off)
	}
	if n.indirSet {
		for _, q := range n.indir {
			if q >= comb {
				return errnoError(op, syscall.EINVAL, "requested channel counts are too low for existing indirection table settings", 0)
			}
		}
	}
	if comb == n.set.Combined {
		return nil
	}
	n.set.Combined = comb
	n.reset()
	return nil
}

// SetCoalesce changes coalescing: rx-usecs, rx-frames, tx-usecs,
// tx-frames, adaptive-rx and adaptive-tx; others are unsupported.
func (n *NIC[F]) SetCoalesce(params []nic.Param) error {
	const op = "set coalesce"
	s := n.set
	for i, p := range params {
		switch p.Name {
		case "rx-usecs":
			s.RXUsecs = p.Value
		case "rx-frames":
			s.RXFrames = p.Value
		case "tx-usecs":
			s.TXUsecs = p.Value
		case "tx-frames":
			s.TXFrames = p.Value
		case "adaptive-rx":
			s.AdaptiveRX = p.Value != 0
		case "adaptive-tx":
			s.AdaptiveTX = p.Value != 0
		default:
			return errnoError(op, syscall.EINVAL, "cannot modify an unsupported parameter", n.paramOffset(i))
		}
	}
	if s.RXUsecs > MaxCoalUsecs || s.TXUsecs > MaxCoalUsecs || s.RXFrames > MaxCoalFrames || s.TXFrames > MaxCoalFrames {
		return errnoError(op, syscall.ERANGE, "", 0)
	}
	n.set = s
	return nil
}

// SetPause changes flow control; pause autonegotiation is not supported
// (EINVAL, as mlx5).
func (n *NIC[F]) SetPause(params []nic.Param) error {
	const op = "set pause"
	s := n.set
	for _, p := range params {
		switch p.Name {
		case "autoneg":
			if p.Value != 0 {
				return errnoError(op, syscall.EINVAL, "", 0)
			}
		case "rx":
			s.PauseRX = p.Value != 0
		case "tx":
			s.PauseTX = p.Value != 0
		default:
			return errnoError(op, syscall.EINVAL, "", 0)
		}
	}
	n.set = s
	return nil
}

// SetFeatures changes features as ETHTOOL_MSG_FEATURES_SET does: a legacy
// flag stands for every feature it matches; only features the hardware
// can change are taken, the dependencies decide what becomes active, and
// the result tells each feature's difference from the request. An
// unknown name fails as the kernel's "bit name not found".
func (n *NIC[F]) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	var mask, val [numFeatures]bool
	// Offsets as ethtool lays out the request: the header nest with the
	// name and flags, the wanted nest, the bits nest, one nest per bit.
	off := nlHeaders + 4 + align4(4+len(n.name)+1) + 8 + 4 + 4
	bitLen := func(name string, on bool) int {
		l := 4 + align4(4+len(name)+1)
		if on {
			l += 4
		}
		return l
	}
	for _, r := range req {
		idx, legacy := nic.ExpandFeature(r.Name, featureNames[:])
		if !legacy {
			found := -1
			for i, name := range featureNames {
				if name != "" && name == r.Name {
					found = i
					break
				}
			}
			if found < 0 {
				return nil, errnoError("set features", syscall.EOPNOTSUPP, "bit name not found", off+4)
			}
			idx = []int{found}
		}
		for _, i := range idx {
			mask[i], val[i] = true, r.On
			off += bitLen(featureNames[i], r.On)
		}
	}
	old := n.features.active
	for i := range mask {
		if mask[i] && n.features.hw[i] {
			n.features.wanted[i] = val[i]
		}
	}
	n.features.update()
	out := make([]nic.FeatureDiff, numFeatures)
	for i, name := range featureNames {
		a := n.features.active[i]
		out[i] = nic.FeatureDiff{Name: name, Requested: mask[i], Mismatch: mask[i] && val[i] != a,
			Wanted: val[i], Changed: old[i] != a, Active: a}
	}
	return out, nil
}
