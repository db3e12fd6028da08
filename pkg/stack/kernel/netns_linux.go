package kernel

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Do runs fn inside the kernel's network namespace, so that the sockets it
// opens (netlink, ioctl), the interfaces it resolves and the
// /proc/thread-self/net files it reads are the namespace's. Sockets stay
// in the namespace they were created in, so fn may hand them to other
// goroutines; anything else fn does must happen on its own goroutine.
//
// With no NetNS, fn runs on the caller's goroutine. Otherwise it runs on
// a new goroutine locked to an OS thread that has joined the namespace;
// the thread is never unlocked, so the Go runtime ends it when fn returns
// instead of reusing it in the wrong namespace. A panic in fn is re-raised
// in the caller. A namespace that cannot be entered gives a *NetNSError.
func (k *Kernel) Do(fn func() error) error {
	if k.NetNS == "" {
		return fn()
	}
	fd, err := unix.Open(k.nsPath(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &NetNSError{Name: k.NetNS, Op: "open", Err: err}
	}
	defer unix.Close(fd)

	type result struct {
		err      error
		panicked bool
		value    any
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: see above.
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			done <- result{err: &NetNSError{Name: k.NetNS, Op: "setns", Err: err}}
			return
		}
		r := result{panicked: true}
		defer func() {
			if r.panicked {
				r.value = recover()
			}
			done <- r
		}()
		r.err = fn()
		r.panicked = false
	}()
	r := <-done
	if r.panicked {
		if r.value == nil {
			// fn called runtime.Goexit (t.FailNow, say).
			return fmt.Errorf("kernel: function in network namespace %q exited", k.NetNS)
		}
		panic(r.value)
	}
	return r.err
}
