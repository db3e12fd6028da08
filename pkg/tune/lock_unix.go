//go:build unix

package tune

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes the target directory's lock, so that two applies or
// rollbacks of one target do not interleave; the returned function
// releases it.
func lockDir(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: another tune apply or rollback holds it: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
