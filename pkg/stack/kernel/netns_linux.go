package kernel

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Do runs fn inside the kernel's network namespace, so that the sockets it
// opens (netlink, ioctl), the interfaces it resolves and the
// /proc/thread-self/net files it reads are the namespace's. Sockets stay
// in the namespace they were created in, so fn may hand them to other
// goroutines; anything else fn does must happen on its own goroutine.
//
// With no NetNS, fn runs on the caller's goroutine. Otherwise it runs on
// the kernel's namespace thread: a goroutine locked to an OS thread that
// has joined the namespace, started by the first call and kept for the
// calls that follow (entering a namespace costs a thread and a setns), and
// ended after a second without work. The thread is never unlocked, so the
// Go runtime ends it with its goroutine instead of reusing it in the wrong
// namespace. Do may be called from inside fn. A panic in fn is re-raised in
// the caller. A namespace that cannot be entered gives a *NetNSError.
func (k *Kernel) Do(fn func() error) error {
	if k.NetNS == "" {
		return fn()
	}
	w, err := k.nsWorker()
	if err != nil {
		return err
	}
	if unix.Gettid() == w.tid {
		return fn() // already on the namespace thread
	}
	done := make(chan nsResult, 1)
	select {
	case w.work <- nsJob{fn: fn, done: done}:
	case <-w.exited:
		// The worker timed out between nsWorker and now: start another.
		return k.Do(fn)
	}
	r := <-done
	if r.panicked {
		if r.value == nil {
			// fn called runtime.Goexit (t.FailNow, say), which ended the
			// worker.
			return fmt.Errorf("kernel: function in network namespace %q exited", k.NetNS)
		}
		panic(r.value)
	}
	return r.err
}

// nsIdle is how long the namespace thread waits for work before it ends.
const nsIdle = time.Second

type nsJob struct {
	fn   func() error
	done chan nsResult
}

type nsResult struct {
	err      error
	panicked bool
	value    any
}

// nsThread is a running namespace thread.
type nsThread struct {
	tid    int
	work   chan nsJob
	exited chan struct{}
}

// nsState is the part of a Kernel that tracks its namespace thread.
type nsState struct {
	mu     sync.Mutex
	thread *nsThread
}

// nsWorker returns the running namespace thread, starting one if needed.
func (k *Kernel) nsWorker() (*nsThread, error) {
	k.ns.mu.Lock()
	defer k.ns.mu.Unlock()
	if t := k.ns.thread; t != nil {
		select {
		case <-t.exited:
		default:
			return t, nil
		}
	}
	fd, err := unix.Open(k.nsPath(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &NetNSError{Name: k.NetNS, Op: "open", Err: err}
	}
	t := &nsThread{work: make(chan nsJob), exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: see Do.
		defer close(t.exited)
		err := unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			started <- &NetNSError{Name: k.NetNS, Op: "setns", Err: err}
			return
		}
		t.tid = unix.Gettid()
		started <- nil
		idle := time.NewTimer(nsIdle)
		defer idle.Stop()
		for {
			select {
			case job := <-t.work:
				// A Goexit in the job ends this goroutine here.
				runJob(job)
				idle.Reset(nsIdle)
			case <-idle.C:
				return
			}
		}
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	k.ns.thread = t
	return t, nil
}

// runJob runs one function on the namespace thread and reports how it
// ended.
func runJob(job nsJob) {
	r := nsResult{panicked: true}
	defer func() {
		if r.panicked {
			r.value = recover()
		}
		job.done <- r
	}()
	r.err = job.fn()
	r.panicked = false
}
