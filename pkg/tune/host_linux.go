package tune

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/nic/host"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// Host is the host kernel as a Target: the current network namespace, or
// the one named NetNS. Sysctls are read and written through /proc/sys
// from a thread inside the namespace (kernel.Kernel.Do), so they are the
// namespace's; NICs go through pkg/nic/host.
type Host struct {
	NetNS string
	k     *kernel.Kernel
	// namespaced caches Namespaced.
	namespaced *bool
}

// NewHost returns the host target for network namespace netns ("" for
// the current one). It fails when the namespace cannot be entered.
func NewHost(netns string) (*Host, error) {
	h := &Host{NetNS: netns, k: kernel.New(netns)}
	if netns != "" {
		if err := h.k.Do(func() error { return nil }); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Name is "host" or "netns NAME".
func (h *Host) Name() string {
	if h.NetNS != "" {
		return "netns " + h.NetNS
	}
	return "host"
}

// Key is "host" or "netns-NAME" (a path's slashes made dashes).
func (h *Host) Key() string {
	if h.NetNS != "" {
		return "netns-" + strings.Trim(strings.ReplaceAll(h.NetNS, "/", "-"), "-.")
	}
	return "host"
}

// Namespaced reports whether the target's namespace differs from the one
// of PID 1 (the initial namespace, as seen from here). When that cannot
// be told (not root, say), a named namespace counts as one and the
// current namespace does not.
func (h *Host) Namespaced() bool {
	if h.namespaced != nil {
		return *h.namespaced
	}
	ns := h.NetNS != ""
	var self uint64
	err := h.k.Do(func() error {
		var st syscall.Stat_t
		if err := syscall.Stat("/proc/thread-self/ns/net", &st); err != nil {
			return err
		}
		self = st.Ino
		return nil
	})
	var initial syscall.Stat_t
	if err == nil && syscall.Stat("/proc/1/ns/net", &initial) == nil {
		ns = self != initial.Ino
	}
	h.namespaced = &ns
	return ns
}

func procPath(name string) string {
	return "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
}

func validName(name string) bool {
	if name == "" || strings.Contains(name, "..") || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Sysctl reads /proc/sys inside the namespace.
func (h *Host) Sysctl(name string) (string, error) {
	if !validName(name) {
		return "", &SysctlError{Op: "read", Name: name, Err: ErrNoKnob}
	}
	var v string
	err := h.k.Do(func() error {
		b, err := os.ReadFile(procPath(name))
		if err != nil {
			return err
		}
		v = normalize(string(b))
		return nil
	})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = ErrNoKnob
		}
		return "", &SysctlError{Op: "read", Name: name, Err: err}
	}
	return v, nil
}

// SetSysctl writes /proc/sys inside the namespace, refusing knobs that
// are not per-namespace when the target is not the initial namespace.
func (h *Host) SetSysctl(name, value string) error {
	if !validName(name) {
		return &SysctlError{Op: "write", Name: name, Value: value, Err: ErrNoKnob}
	}
	if err := checkWrite(h, name); err != nil {
		return err
	}
	err := h.k.Do(func() error {
		f, err := os.OpenFile(procPath(name), os.O_WRONLY, 0)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return ErrNoKnob
			}
			return unwrapPath(err)
		}
		_, werr := f.Write([]byte(value + "\n"))
		cerr := f.Close()
		if werr != nil {
			return unwrapPath(werr)
		}
		return unwrapPath(cerr)
	})
	if err != nil {
		return &SysctlError{Op: "write", Name: name, Value: value, Err: err}
	}
	return nil
}

// unwrapPath drops the *fs.PathError around an errno: the sysctl's name
// says which file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// NICs lists the namespace's interfaces but loopback.
func (h *Host) NICs() ([]string, error) {
	var names []string
	err := h.k.Do(func() error {
		ifs, err := net.Interfaces()
		if err != nil {
			return err
		}
		for _, i := range ifs {
			if i.Flags&net.FlagLoopback == 0 {
				names = append(names, i.Name)
			}
		}
		return nil
	})
	return names, err
}

// NIC opens a host NIC in the namespace.
func (h *Host) NIC(name string) (nic.Device, nic.Configurer, error) {
	err := h.k.Do(func() error {
		_, err := net.InterfaceByName(name)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("no NIC %s in %s", name, h.Name())
	}
	d := host.Open(h.NetNS, name)
	return d, d, nil
}

// CanChange requires root.
func (h *Host) CanChange() error {
	if os.Geteuid() != 0 {
		return ErrNotRoot
	}
	return nil
}

// MemTotal reads /proc/meminfo.
func (h *Host) MemTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
