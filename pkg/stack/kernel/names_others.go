//go:build !linux

package kernel

import (
	"io"
	"net/netip"
)

// Names resolves the names ss prints for numbers; on this GOOS it resolves
// none.
type Names struct {
	// Warn receives messages for stderr; unused here.
	Warn io.Writer
}

// Names returns a resolver that resolves nothing on this GOOS.
func (k *Kernel) Names() *Names { return &Names{} }

// InterfaceName returns "".
func (n *Names) InterfaceName(ifindex uint32) string { return "" }

// InterfaceIndex returns 0.
func (n *Names) InterfaceIndex(name string) uint32 { return 0 }

// HostName returns "".
func (n *Names) HostName(addr netip.Addr) string { return "" }

// ProcessName returns "".
func (n *Names) ProcessName(pid int32) string { return "" }

// CgroupPath returns "".
func (n *Names) CgroupPath(id uint64) string { return "" }

// Cgroup2Mount returns "".
func (n *Names) Cgroup2Mount() string { return "" }
