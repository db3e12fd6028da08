package tune

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Target is what tune reads and changes: the host kernel (the current
// network namespace or a named one) or a host of the reference stack.
// doctor and simulate use it too.
type Target interface {
	// Name describes the target for people: "host", "netns blue",
	// "sim burst/server".
	Name() string
	// Key names the target's journal directory ("host", "netns-blue");
	// "" means changes are not journalled (a simulation run).
	Key() string
	// Namespaced reports that the target is a network namespace other
	// than the initial one: only PerNetns knobs may be written there.
	Namespaced() bool
	// Sysctl reads a sysctl by its dotted name, its values separated by
	// single spaces. A sysctl this kernel lacks gives an error wrapping
	// ErrNoKnob.
	Sysctl(name string) (string, error)
	// SetSysctl writes a sysctl. In a namespace, a knob that is not
	// PerNetns gives ErrNotPerNetns and is not written.
	SetSysctl(name, value string) error
	// NICs lists the network interfaces whose settings tune handles
	// (loopback excluded), in index order.
	NICs() ([]string, error)
	// NIC opens one; the Configurer is nil when it cannot be changed.
	NIC(name string) (nic.Device, nic.Configurer, error)
	// CanChange returns nil when the caller may change the target, else
	// an error wrapping ErrNotRoot that says why.
	CanChange() error
	// MemTotal is the target's RAM in bytes (the kernel sizes some
	// defaults from it); 0 when unknown.
	MemTotal() int64
}

// The errors targets and tune's operations wrap.
var (
	// ErrNoKnob: the sysctl does not exist on this kernel.
	ErrNoKnob = errors.New("no such sysctl on this kernel")
	// ErrNotPerNetns: the knob is global (or writable only from the
	// initial namespace); changing it from a namespace would change the
	// host.
	ErrNotPerNetns = errors.New("not a per-namespace knob: changing it would change the whole host")
	// ErrNotRoot: changes need root.
	ErrNotRoot = errors.New("changing sysctls and NIC settings needs root (CAP_NET_ADMIN and write access to /proc/sys): run as root")
	// ErrNoJournal: there is nothing to roll back.
	ErrNoJournal = errors.New("nothing to roll back: no journal")
)

// SysctlError is a failed read or write of a sysctl.
type SysctlError struct {
	Op    string // "read" or "write"
	Name  string
	Value string // for writes
	Err   error
}

func (e *SysctlError) Error() string {
	if e.Op == "write" {
		return fmt.Sprintf("write %s = %q: %v", e.Name, e.Value, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Op, e.Name, e.Err)
}

func (e *SysctlError) Unwrap() error { return e.Err }

// normalize joins a sysctl value's fields with single spaces, as
// Target.Sysctl returns them (/proc/sys separates vectors with tabs).
func normalize(v string) string { return strings.Join(strings.Fields(v), " ") }

// checkWrite refuses a write that would leave the namespace.
func checkWrite(t Target, name string) error {
	if t.Namespaced() && !PerNetns(name) {
		return &SysctlError{Op: "write", Name: name, Err: ErrNotPerNetns}
	}
	return nil
}
