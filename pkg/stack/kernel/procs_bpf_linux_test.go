package kernel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// procsNeedBPF skips a test unless the BPF scan can stand for /proc here.
func procsNeedBPF(t *testing.T) {
	t.Helper()
	fd, err := unix.Open("/proc", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("needs /proc: %v", err)
	}
	defer unix.Close(fd)
	if err := procsBPFUsable(fd); err != nil {
		t.Skipf("needs root in the initial pid namespace for the BPF scan: %v", err)
	}
	if _, err := os.Stat(procsBTFPath); err != nil {
		t.Skipf("needs the kernel's BTF: %v", err)
	}
}

// TestProcsBPFVerifier loads the program into this kernel, showing the
// verifier's log when it refuses.
func TestProcsBPFVerifier(t *testing.T) {
	procsNeedBPF(t)
	l, err := procsKernelLayout()
	if err != nil {
		t.Fatalf("this kernel's BTF: %v", err)
	}
	log := make([]byte, 1<<16)
	fd, err := procsBPFLoad(l, log)
	if errors.Is(err, unix.EPERM) {
		t.Skipf("needs CAP_BPF and CAP_PERFMON: %v", err)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.TrimRight(string(log), "\x00"))
	}
	unix.Close(fd)
}

// procsEdgeHelper holds what tells a careless scan from ss's: an O_PATH
// descriptor of a socket (its link reads socket:[N]: ss counts it), an
// O_PATH descriptor of a unix socket's file (its link is a path: ss does
// not), and a thread with a descriptor table of its own. It prints the
// inodes of the TCP listener, the unix socket and the thread's socket,
// then the thread's id and the two O_PATH descriptors, and waits for its
// standard input to close.
func procsEdgeHelper(dir string) error {
	inode := func(fd int) (uint64, error) {
		var st unix.Stat_t
		err := unix.Fstat(fd, &st)
		return st.Ino, err
	}
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return err
	}
	if err := unix.Listen(ln, 8); err != nil {
		return err
	}
	if err := unix.Dup3(ln, 300, unix.O_CLOEXEC); err != nil {
		return err
	}
	lnPath, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", ln), unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("O_PATH of a socket: %w", err)
	}
	us, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	sockFile := filepath.Join(dir, "sock")
	if err := unix.Bind(us, &unix.SockaddrUnix{Name: sockFile}); err != nil {
		return err
	}
	usPath, err := unix.Open(sockFile, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("O_PATH of a socket file: %w", err)
	}
	type own struct {
		tid int
		ino uint64
		err error
	}
	ch := make(chan own)
	go func() {
		runtime.LockOSThread() // the thread ends with the process
		if err := unix.Unshare(unix.CLONE_FILES); err != nil {
			ch <- own{err: err}
			return
		}
		s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			ch <- own{err: err}
			return
		}
		ino, err := inode(s)
		ch <- own{tid: unix.Gettid(), ino: ino, err: err}
		select {}
	}()
	thr := <-ch
	if thr.err != nil {
		return thr.err
	}
	lnIno, err := inode(ln)
	if err != nil {
		return err
	}
	usIno, err := inode(us)
	if err != nil {
		return err
	}
	fmt.Printf("%d %d %d %d %d %d %d %d\n", lnIno, usIno, thr.ino, thr.tid, ln, lnPath, us, usPath)
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return nil
}

// TestProcsBPFMatchesProc compares the two scans on the descriptors of
// procsEdgeHelper, for ss -p and ss -T.
func TestProcsBPFMatchesProc(t *testing.T) {
	procsNeedBPF(t)
	helper := exec.Command(os.Args[0], "-test.run=^TestProcsHelperProcess$")
	helper.Env = append(os.Environ(), procsHelperEnv+"=edge", "STACKBOX_PROCS_DIR="+t.TempDir())
	helper.Stderr = os.Stderr
	stdin, err := helper.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		helper.Wait()
	})
	var lnIno, usIno, thrIno uint32
	var tid, ln, lnPath, us, usPath int
	if _, err := fmt.Fscan(stdout, &lnIno, &usIno, &thrIno, &tid, &ln, &lnPath, &us, &usPath); err != nil {
		t.Fatalf("helper: %v", err)
	}
	pid := helper.Process.Pid
	ctx := context.Background()

	fds := func(us []stack.ProcessFD) map[int]bool {
		m := map[int]bool{}
		for _, u := range us {
			if u.PID == pid {
				m[u.FD] = true
			}
		}
		return m
	}
	for _, threads := range []bool{false, true} {
		// The helper's runtime threads may come and go: retry when they did.
		for try := 0; ; try++ {
			before := procsTasks(pid)
			bpf, used, err := procsLoadMode(ctx, "/proc", threads, procsBPF)
			if err != nil || !used {
				t.Fatalf("threads %v: BPF scan: %v", threads, err)
			}
			proc, used, err := procsLoadMode(ctx, "/proc", threads, procsProc)
			if err != nil || used {
				t.Fatalf("threads %v: /proc scan: %v, used BPF %v", threads, err, used)
			}
			if before != procsTasks(pid) && try < 5 {
				continue
			}
			for _, ino := range []uint32{lnIno, usIno, thrIno} {
				if diff := cmp.Diff(proc.Lookup(ino), bpf.Lookup(ino)); diff != "" {
					t.Errorf("threads %v: Lookup(%d) (-proc +bpf):\n%s", threads, ino, diff)
				}
			}
			got := bpf.Lookup(lnIno)
			if want := map[int]bool{ln: true, 300: true, lnPath: true}; !threads && !cmp.Equal(fds(got), want) {
				t.Errorf("listener held in fds %v, want %v (the O_PATH one included)", fds(got), want)
			}
			if got := fds(bpf.Lookup(usIno)); !threads && !cmp.Equal(got, map[int]bool{us: true}) {
				t.Errorf("unix socket held in fds %v, want only %d (not the O_PATH %d of its file)", got, us, usPath)
			}
			thr := bpf.Lookup(thrIno)
			switch {
			case !threads && len(thr) != 0:
				t.Errorf("ss -p: the thread's own socket has users %v, want none (/proc/PID/fd is the leader's)", thr)
			case threads && (len(thr) != 1 || thr[0].TID != tid || thr[0].PID != pid):
				t.Errorf("ss -T: the thread's own socket has users %v, want tid %d alone", thr, tid)
			}
			break
		}
	}
}

// TestProcsScanEnv checks that STACKBOX_PROCSCAN=proc turns the BPF scan
// off, and that it is used otherwise.
func TestProcsScanEnv(t *testing.T) {
	procsNeedBPF(t)
	ctx := context.Background()
	if _, used, err := procsLoadMode(ctx, "/proc", false, procsAuto); err != nil || !used {
		t.Errorf("default: used BPF %v, err %v; want the BPF scan", used, err)
	}
	t.Setenv(procsScanEnv, "proc")
	if _, used, err := procsLoadMode(ctx, "/proc", false, procsAuto); err != nil || used {
		t.Errorf("%s=proc: used BPF %v, err %v; want the /proc scan", procsScanEnv, used, err)
	}
	if _, _, err := procsLoadMode(ctx, "/proc", false, procsBPF); err == nil {
		t.Errorf("%s=proc: the BPF-only mode did not fail", procsScanEnv)
	}
}
