//go:build !linux

package tune

import (
	"errors"
	"runtime"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Host is the host kernel as a Target; only Linux has one.
type Host struct{ NetNS string }

var errNoHost = errors.New("tune: the host kernel is not supported on " + runtime.GOOS)

// NewHost fails: tune reads the host kernel on Linux only.
func NewHost(netns string) (*Host, error) { return nil, errNoHost }

func (h *Host) Name() string                                   { return "host" }
func (h *Host) Key() string                                    { return "host" }
func (h *Host) Namespaced() bool                               { return h.NetNS != "" }
func (h *Host) Sysctl(string) (string, error)                  { return "", errNoHost }
func (h *Host) SetSysctl(string, string) error                 { return errNoHost }
func (h *Host) NICs() ([]string, error)                        { return nil, errNoHost }
func (h *Host) NIC(string) (nic.Device, nic.Configurer, error) { return nil, nil, errNoHost }
func (h *Host) CanChange() error                               { return errNoHost }
func (h *Host) MemTotal() int64                                { return 0 }
