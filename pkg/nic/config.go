package nic

import (
	"errors"
	"strings"
)

// Param is one setting to change, named as ethtool names its parameter
// (for -L: "rx", "tx", "other", "combined"; for -G: "rx", "rx-mini",
// "rx-jumbo", "tx", "rx-buf-len", "cqe-size", "tx-push"; for -C:
// "rx-usecs", "adaptive-rx", ...; for -A: "autoneg", "rx", "tx").
// On/off parameters carry 1 or 0. A request is a list of them in the
// order given, which is the order of the attributes in the kernel request
// (and so of the offsets in its error messages).
type Param struct {
	Name  string
	Value uint32
}

// FeatureRequest asks to turn one feature on or off. Name is a kernel
// feature name or one of ethtool's legacy flag names (short or long),
// which stand for every feature matching the flag's pattern.
type FeatureRequest struct {
	Name string
	On   bool
}

// FeatureDiff is the kernel's report on one feature after a change, in
// the kernel's index order.
type FeatureDiff struct {
	Name string
	// Requested means the request named this feature.
	Requested bool
	// Mismatch means the feature was requested but the result differs;
	// Wanted is then the value that was asked for.
	Mismatch, Wanted bool
	// Changed means the active state changed; Active is the new state.
	Changed, Active bool
}

// Configurer is a NIC whose settings can be changed. Errors are *Error
// values where the kernel (or model) refused.
type Configurer interface {
	// SetFeatures changes features and returns, for every feature the
	// kernel knows, how the result differs from the request.
	SetFeatures(req []FeatureRequest) ([]FeatureDiff, error)
	SetChannels(params []Param) error
	SetRings(params []Param) error
	SetCoalesce(params []Param) error
	SetPause(params []Param) error
}

// LegacyFlag is one of ethtool's legacy offload flags (-k shows them, -K
// takes them) and the pattern, with at most one '*', of the kernel
// features it stands for.
type LegacyFlag struct {
	Short, Long, Pattern string
	Obsolete             bool // UFO: no netlink kernel has it
}

// LegacyFlags are ethtool's legacy offload flags, in the order it shows
// them.
var LegacyFlags = []LegacyFlag{
	{"rx", "rx-checksumming", "rx-checksum", false},
	{"tx", "tx-checksumming", "tx-checksum-*", false},
	{"sg", "scatter-gather", "tx-scatter-gather*", false},
	{"tso", "tcp-segmentation-offload", "tx-tcp*-segmentation", false},
	{"ufo", "udp-fragmentation-offload", "tx-udp-fragmentation", true},
	{"gso", "generic-segmentation-offload", "tx-generic-segmentation", false},
	{"gro", "generic-receive-offload", "rx-gro", false},
	{"lro", "large-receive-offload", "rx-lro", false},
	{"rxvlan", "rx-vlan-offload", "rx-vlan-hw-parse", false},
	{"txvlan", "tx-vlan-offload", "tx-vlan-hw-insert", false},
	{"ntuple", "ntuple-filters", "rx-ntuple-filter", false},
	{"rxhash", "receive-hashing", "rx-hashing", false},
}

// Matches reports whether kernel feature name is one the flag stands for.
func (lf LegacyFlag) Matches(name string) bool {
	pre, post, ok := strings.Cut(lf.Pattern, "*")
	if !ok {
		return name == lf.Pattern
	}
	return len(name) >= len(pre)+len(post) && strings.HasPrefix(name, pre) && strings.HasSuffix(name, post)
}

// ExpandFeature returns the features that word stands for, given the
// kernel's feature names in index order: for a legacy flag, the indices
// of every matching feature (possibly none) and legacy true; otherwise
// legacy false (word is a feature name, which may be unknown).
func ExpandFeature(word string, names []string) (idx []int, legacy bool) {
	for _, lf := range LegacyFlags {
		if word != lf.Short && word != lf.Long {
			continue
		}
		for i, n := range names {
			if n != "" && lf.Matches(n) {
				idx = append(idx, i)
			}
		}
		return idx, true
	}
	return nil, false
}

// ErrMalformedDiff is returned by SetFeatures when the change was made
// but the kernel's report on it cannot be read.
var ErrMalformedDiff = errors.New("malformed diff info from kernel")
