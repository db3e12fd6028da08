package simnic

import "github.com/stackbox/stackbox/pkg/nic"

// featureNames are the kernel's netdev feature names in their index order
// (netdev_features_strings of Linux 6.18; empty names are unused bits).
var featureNames = [...]string{
	"tx-scatter-gather", "tx-checksum-ipv4", "", "tx-checksum-ip-generic", "tx-checksum-ipv6",
	"highdma", "tx-scatter-gather-fraglist", "tx-vlan-hw-insert", "rx-vlan-hw-parse",
	"rx-vlan-filter", "vlan-challenged", "tx-generic-segmentation", "", "", "rx-gro", "rx-lro",
	"tx-tcp-segmentation", "tx-gso-robust", "tx-tcp-ecn-segmentation",
	"tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation", "tx-fcoe-segmentation",
	"tx-gre-segmentation", "tx-gre-csum-segmentation", "tx-ipxip4-segmentation",
	"tx-ipxip6-segmentation", "tx-udp_tnl-segmentation", "tx-udp_tnl-csum-segmentation",
	"tx-gso-partial", "tx-tunnel-remcsum-segmentation", "tx-sctp-segmentation",
	"tx-esp-segmentation", "", "tx-udp-segmentation", "tx-gso-list", "tx-tcp-accecn-segmentation",
	"tx-checksum-fcoe-crc", "tx-checksum-sctp", "rx-ntuple-filter", "rx-hashing", "rx-checksum",
	"tx-nocache-copy", "loopback", "rx-fcs", "rx-all", "tx-vlan-stag-hw-insert",
	"rx-vlan-stag-hw-parse", "rx-vlan-stag-filter", "l2-fwd-offload", "hw-tc-offload",
	"esp-hw-offload", "esp-tx-csum-hw-offload", "rx-udp_tunnel-port-offload", "tls-hw-tx-offload",
	"tls-hw-rx-offload", "rx-gro-hw", "tls-hw-record", "rx-gro-list", "macsec-hw-offload",
	"rx-udp-gro-forwarding", "hsr-tag-ins-offload", "hsr-tag-rm-offload", "hsr-fwd-offload",
	"hsr-dup-offload",
}

// Feature indices the model acts on.
const (
	fSG         = 0
	fTXCsumIPv4 = 1
	fTXCsumIPv6 = 4
	fGSO        = 11
	fGRO        = 14
	fLRO        = 15
	fTSO        = 16
	fTSOECN     = 18
	fTSOMangle  = 19
	fTSO6       = 20
	fRXHash     = 39
	fRXCsum     = 40
	fGROHW      = 55
)

const numFeatures = len(featureNames)

// featureSet holds the features as the kernel keeps them: the ones the
// hardware can change (hw_features), the ones asked for (wanted) and the
// ones in force (features); fixedOn are on and cannot change.
type featureSet struct {
	hw, wanted, active, fixedOn [numFeatures]bool
}

// hwChangeable are the features an mlx5-like driver lets ethtool change,
// with their default state.
var hwChangeable = map[string]bool{
	"tx-scatter-gather": true, "tx-checksum-ipv4": true, "tx-checksum-ipv6": true,
	"tx-vlan-hw-insert": true, "rx-vlan-hw-parse": true, "rx-vlan-filter": true,
	"tx-generic-segmentation": true, "rx-gro": true, "rx-lro": false,
	"tx-tcp-segmentation": true, "tx-tcp-mangleid-segmentation": false, "tx-tcp6-segmentation": true,
	"tx-gso-partial": true, "tx-udp-segmentation": true, "tx-gso-list": false,
	"rx-ntuple-filter": false, "rx-hashing": true, "rx-checksum": true, "tx-nocache-copy": false,
	"rx-fcs": false, "rx-all": false, "hw-tc-offload": false, "rx-gro-list": false,
	"rx-udp-gro-forwarding": false,
}

func defaultFeatures() featureSet {
	var fs featureSet
	for i, name := range featureNames {
		if on, ok := hwChangeable[name]; ok {
			fs.hw[i], fs.wanted[i] = true, on
		}
	}
	fs.fixedOn[5] = true // highdma
	fs.update()
	return fs
}

func (fs *featureSet) on(i int) bool { return fs.active[i] }

// update computes the active features from the wanted ones, with the
// dependencies of netdev_fix_features.
func (fs *featureSet) update() {
	a := &fs.active
	for i := range a {
		a[i] = fs.fixedOn[i] || fs.hw[i] && fs.wanted[i]
	}
	if !a[fSG] { // TSO and GSO need scatter-gather
		a[fTSO], a[fTSOECN], a[fTSOMangle], a[fTSO6] = false, false, false, false
		a[fGSO] = false
	}
	if !a[fTXCsumIPv4] && !a[3] {
		a[fTSO] = false
	}
	if !a[fTXCsumIPv6] && !a[3] {
		a[fTSO6] = false
	}
	if !a[fTSO] {
		a[fTSOMangle] = false
	}
	if a[fGROHW] && !a[fGRO] {
		a[fGROHW] = false
	}
}

// list returns the features as nic.Feature values in index order.
func (fs *featureSet) list() []nic.Feature {
	out := make([]nic.Feature, numFeatures)
	for i, name := range featureNames {
		out[i] = nic.Feature{Name: name, Active: fs.active[i], Wanted: fs.wanted[i] || fs.fixedOn[i],
			Fixed: !fs.hw[i]}
	}
	return out
}

// setOffloads applies a scenario's offload switches by legacy flag name.
func (fs *featureSet) setFlag(flag string, on bool) {
	idx, _ := nic.ExpandFeature(flag, featureNames[:])
	for _, i := range idx {
		if fs.hw[i] {
			fs.wanted[i] = on
		}
	}
}
