package testns

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// DoPath runs fn on an OS thread switched into the network namespace whose
// file is path (a /run/netns entry or /proc/PID/ns/net). See NS.Do.
func DoPath(path string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: when this goroutine returns, the runtime ends
		// the thread instead of reusing it in the wrong namespace.
		runtime.LockOSThread()
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("%w: open %s: %v", ErrNotSwitched, path, err)
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			errc <- fmt.Errorf("%w: setns %s: %v", ErrNotSwitched, path, err)
			return
		}
		defer func() {
			if r := recover(); r != nil {
				errc <- fmt.Errorf("panic in namespace %s: %v", path, r)
			}
		}()
		errc <- fn()
	}()
	return <-errc
}
