package kernel

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestDoThread checks the namespace thread: kept between calls, callable
// from inside itself, restarted after it idles out, and still usable after
// a function panics or calls runtime.Goexit.
func TestDoThread(t *testing.T) {
	k := testNS(t)
	tid := func() int {
		t.Helper()
		var id int
		if err := k.Do(func() error { id = unix.Gettid(); return nil }); err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := tid()
	if second := tid(); second != first {
		t.Errorf("second call ran on thread %d, first on %d: the thread was not kept", second, first)
	}

	nested := make(chan error, 1)
	go func() {
		nested <- k.Do(func() error {
			outer := unix.Gettid()
			return k.Do(func() error {
				if unix.Gettid() != outer {
					return errors.New("nested Do left the namespace thread")
				}
				return nil
			})
		})
	}()
	select {
	case err := <-nested:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nested Do deadlocked")
	}

	func() {
		defer func() { recover() }()
		k.Do(func() error { panic("boom") })
	}()
	if err := k.Do(func() error { runtime.Goexit(); return nil }); err == nil {
		t.Error("Goexit in fn: no error")
	}
	if err := k.Do(func() error { return nil }); err != nil {
		t.Errorf("after Goexit: %v", err)
	}

	time.Sleep(nsIdle + 300*time.Millisecond)
	if err := k.Do(func() error { return nil }); err != nil {
		t.Errorf("after the thread idled out: %v", err)
	}
}
