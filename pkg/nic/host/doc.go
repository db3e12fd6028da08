// Package host reads the NICs of the host kernel (the current network
// namespace or a named one): driver information through the ETHTOOL_GDRVINFO
// ioctl (github.com/safchain/ethtool), rings and channels through the ethtool
// generic netlink family, as ethtool 6.1 does.
package host
