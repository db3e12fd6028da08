//go:build !linux

package kernel

// Do reports that network namespaces are Linux-only.
func (k *Kernel) Do(fn func() error) error {
	if k.NetNS == "" {
		return fn()
	}
	return errNotLinux
}

// nsState is empty outside Linux.
type nsState struct{}
