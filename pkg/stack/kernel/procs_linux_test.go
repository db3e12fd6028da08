package kernel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// procsFake describes one directory of a fake proc root.
type procsFake struct {
	stat  string            // contents of ID/stat; "" for none
	fds   map[string]string // ID/fd entries and their link targets; nil for no fd dir
	tasks []string          // ID/task entries; nil for no task dir
}

// procsWriteFake lays out a fake proc root under dir.
func procsWriteFake(t *testing.T, dir string, fake map[string]procsFake) {
	t.Helper()
	for id, p := range fake {
		base := filepath.Join(dir, id)
		if err := os.MkdirAll(base, 0o755); err != nil {
			t.Fatal(err)
		}
		if p.stat != "" {
			if err := os.WriteFile(filepath.Join(base, "stat"), []byte(p.stat), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if p.fds != nil {
			if err := os.Mkdir(filepath.Join(base, "fd"), 0o755); err != nil {
				t.Fatal(err)
			}
			for fd, target := range p.fds {
				if err := os.Symlink(target, filepath.Join(base, "fd", fd)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if p.tasks != nil {
			if err := os.Mkdir(filepath.Join(base, "task"), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, tid := range p.tasks {
				if err := os.Mkdir(filepath.Join(base, "task", tid), 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// procsReadDirOrder lists a directory in the order the file system
// returns it, the order ss sees.
func procsReadDirOrder(t *testing.T, dir string) []string {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// procsOracle is a plain re-statement of ss 6.1's user_ent_hash_build for
// fake roots whose names are simple: every entry found is prepended to its
// inode's list.
func procsOracle(t *testing.T, root string, threads bool) map[uint32][]stack.ProcessFD {
	m := map[uint32][]stack.ProcessFD{}
	scan := func(pid, id int) {
		name, named := "", false
		for _, e := range procsReadDirOrder(t, filepath.Join(root, strconv.Itoa(id), "fd")) {
			fd, err := strconv.Atoi(e)
			if err != nil {
				continue
			}
			link, err := os.Readlink(filepath.Join(root, strconv.Itoa(id), "fd", e))
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			num := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]"))
			ino, err := strconv.ParseUint(num, 10, 32)
			if err != nil {
				continue
			}
			if !named {
				named = true
				stat, _ := os.ReadFile(filepath.Join(root, strconv.Itoa(id), "stat"))
				s := string(stat)
				if o, c := strings.Index(s, "("), strings.Index(s, ")"); o > 0 && c > o+1 {
					if _, err := strconv.Atoi(strings.TrimSpace(s[:o])); err == nil {
						name = s[o+1 : c]
					}
				}
			}
			u := stack.ProcessFD{Name: name, PID: pid, FD: fd}
			if threads {
				u.TID = id
			}
			m[uint32(ino)] = append([]stack.ProcessFD{u}, m[uint32(ino)]...)
		}
	}
	for _, e := range procsReadDirOrder(t, root) {
		pid, err := strconv.Atoi(e)
		if err != nil {
			continue
		}
		scan(pid, pid)
		if !threads {
			continue
		}
		for _, te := range procsReadDirOrder(t, filepath.Join(root, e, "task")) {
			if tid, err := strconv.Atoi(te); err == nil && tid != pid {
				scan(pid, tid)
			}
		}
	}
	return m
}

// procsCheckAgainstOracle compares a table with the oracle on every inode.
func procsCheckAgainstOracle(t *testing.T, tbl *ProcessTable, want map[uint32][]stack.ProcessFD) {
	t.Helper()
	n := 0
	for ino, users := range want {
		n += len(users)
		if ino == 0 {
			continue
		}
		if got := tbl.Lookup(ino); slices.Equal(users, got) {
			continue
		} else if diff := cmp.Diff(users, got); diff != "" {
			t.Errorf("Lookup(%d) (-want +got):\n%s", ino, diff)
		}
	}
	if tbl.Len() != n || tbl.Inodes() != len(want) {
		t.Errorf("Len, Inodes = %d, %d; want %d, %d", tbl.Len(), tbl.Inodes(), n, len(want))
	}
}

// procsSorted returns users sorted, for checks that do not depend on the
// fake file system's directory order.
func procsSorted(us []stack.ProcessFD) []stack.ProcessFD {
	us = slices.Clone(us)
	slices.SortFunc(us, func(a, b stack.ProcessFD) int {
		return strings.Compare(fmt.Sprint(a.PID, a.TID, a.FD), fmt.Sprint(b.PID, b.TID, b.FD))
	})
	return us
}

var procsFakeRoot = map[string]procsFake{
	"1": {stat: "1 (init) S 0 1 1", fds: map[string]string{
		"0": "/dev/null", "3": "socket:[1000]", "4": "socket:[1001]", "7": "pipe:[5]", "8": "anon_inode:[eventpoll]",
	}},
	"22": {stat: "22 (a) b(c) S 1 22", fds: map[string]string{
		"3": "socket:[1000]", "10": "socket:[1000]", "11": "socket:[2000]",
	}},
	"333":  {fds: map[string]string{"5": "socket:[1001]"}}, // no stat: empty name
	"4444": {stat: "4444 (gone) S 1"},                      // no fd directory
	"self": {stat: "9 (self) S", fds: map[string]string{"3": "socket:[1000]"}},
	"55": {stat: "garbage", fds: map[string]string{
		"1": "socket:[]", "2": "socket:[ 3000]", "3": "socket:[4294967295]", "x": "socket:[1000]", "9": "socket:[0]",
	}},
	// A process with threads; in a fake root the thread directories are
	// listed at the top too, so ss also counts them as processes.
	"60": {stat: "60 (srv) S 1", fds: map[string]string{"3": "socket:[6000]"}, tasks: []string{"60", "61", "62", "zz"}},
	"61": {stat: "61 (srv-w1) S 1", fds: map[string]string{"3": "socket:[6000]", "4": "socket:[6001]"}},
	"62": {stat: "62 (srv-w2) S 1"},
}

func TestLoadProcessesFakeRoot(t *testing.T) {
	root := t.TempDir()
	procsWriteFake(t, root, procsFakeRoot)
	ctx := context.Background()

	tbl, err := LoadProcesses(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	procsCheckAgainstOracle(t, tbl, procsOracle(t, root, false))

	// Order-independent checks of what was found.
	u := func(name string, pid, fd int) stack.ProcessFD { return stack.ProcessFD{Name: name, PID: pid, FD: fd} }
	want := map[uint32][]stack.ProcessFD{
		1000:           {u("init", 1, 3), u("a", 22, 3), u("a", 22, 10)},
		1001:           {u("init", 1, 4), u("", 333, 5)},
		2000:           {u("a", 22, 11)},
		3000:           {u("", 55, 2)},
		6000:           {u("srv", 60, 3), u("srv-w1", 61, 3)},
		6001:           {u("srv-w1", 61, 4)},
		math.MaxUint32: {u("", 55, 3)},
	}
	for ino, users := range want {
		if diff := cmp.Diff(procsSorted(users), procsSorted(tbl.Lookup(ino))); diff != "" {
			t.Errorf("Lookup(%d) (-want +got, sorted):\n%s", ino, diff)
		}
	}
	if tbl.Len() != 12 {
		t.Errorf("Len = %d, want 12 (with the entry for inode 0)", tbl.Len())
	}

	thr, err := LoadThreads(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	procsCheckAgainstOracle(t, thr, procsOracle(t, root, true))
	wantThr := []stack.ProcessFD{
		{Name: "srv", PID: 60, TID: 60, FD: 3},
		{Name: "srv-w1", PID: 60, TID: 61, FD: 3},
		{Name: "srv-w1", PID: 61, TID: 61, FD: 3},
	}
	if diff := cmp.Diff(procsSorted(wantThr), procsSorted(thr.Lookup(6000))); diff != "" {
		t.Errorf("threads: Lookup(6000) (-want +got, sorted):\n%s", diff)
	}
}

// TestLoadProcessesChunks covers large fd directories, which are read in
// chunks by several workers, and checks that the order survives.
func TestLoadProcessesChunks(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	defer func(n int) { procsChunk = n }(procsChunk)
	procsChunk = 16 // symlinks are slow to make on some file systems
	root := t.TempDir()
	big := map[string]string{}
	for fd := range 3*procsChunk + 17 {
		big[strconv.Itoa(fd)] = fmt.Sprintf("socket:[%d]", 10000+fd%40)
	}
	procsWriteFake(t, root, map[string]procsFake{
		"7":  {stat: "7 (big) S", fds: big},
		"8":  {stat: "8 (small) S", fds: map[string]string{"3": "socket:[10001]"}},
		"90": {stat: "90 (big2) S", fds: big},
	})
	tbl, err := LoadProcesses(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	procsCheckAgainstOracle(t, tbl, procsOracle(t, root, false))
	if tbl.Len() != 2*len(big)+1 {
		t.Errorf("Len = %d, want %d", tbl.Len(), 2*len(big)+1)
	}
}

func TestLoadProcessesErrors(t *testing.T) {
	tbl, err := LoadProcesses(context.Background(), filepath.Join(t.TempDir(), "missing"))
	if err != nil || tbl == nil || tbl.Len() != 0 {
		t.Errorf("missing root: %v, %v; want an empty table, as ss shows no users", tbl, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadProcesses(ctx, "/proc"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: err = %v, want context.Canceled", err)
	}
}

// procsHelperEnv makes the test binary act as a helper process.
const procsHelperEnv = "STACKBOX_PROCS_HELPER"

func init() {
	// In the helper, keep the main thread (whose name is the process's)
	// for the main goroutine, away from the goroutines that name theirs.
	if os.Getenv(procsHelperEnv) != "" {
		runtime.LockOSThread()
	}
}

// TestProcsHelperProcess is not a test: it is the helper process of
// TestLoadProcessesMatchesSS, run from the test binary.
func TestProcsHelperProcess(t *testing.T) {
	mode := os.Getenv(procsHelperEnv)
	if mode == "" {
		t.Skip("helper process for TestLoadProcessesMatchesSS")
	}
	if err := procsHelper(mode); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// procsHelper holds a listener in several descriptors and processes, with
// named threads, until its standard input closes. The "main" helper prints
// "PORT INODE" when everything is in place.
func procsHelper(mode string) error {
	setComm := func(path, name string) error { return os.WriteFile(path, []byte(name), 0) }
	if mode == "edge" {
		return procsEdgeHelper(os.Getenv("STACKBOX_PROCS_DIR"))
	}
	if mode == "holder" {
		// Descriptors 3 and 4 are the listener.
		if err := setComm("/proc/self/comm", "holder"); err != nil {
			return err
		}
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		return nil
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return err
	}
	if err := unix.Listen(fd, 8); err != nil {
		return err
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if err := unix.Dup3(fd, 200, unix.O_CLOEXEC); err != nil {
		return err
	}
	// The process name holds ") " to check ss's parsing of stat.
	if err := setComm("/proc/self/comm", "a) b(c"); err != nil {
		return err
	}
	ready := make(chan error)
	for _, name := range []string{"worker one", "w)2"} {
		go func() {
			runtime.LockOSThread() // the thread ends with the process
			ready <- setComm("/proc/thread-self/comm", name)
			select {}
		}()
	}
	for range 2 {
		if err := <-ready; err != nil {
			return err
		}
	}
	f := os.NewFile(uintptr(fd), "listener")
	holder := exec.Command(os.Args[0], "-test.run=^TestProcsHelperProcess$")
	holder.Env = append(os.Environ(), procsHelperEnv+"=holder")
	holder.ExtraFiles = []*os.File{f, f}
	holder.Stdin = os.Stdin
	holder.Stderr = os.Stderr
	if err := holder.Start(); err != nil {
		return err
	}
	defer func() {
		holder.Process.Kill()
		holder.Wait()
	}()
	// Wait until the holder has renamed itself.
	for i := 0; ; i++ {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", holder.Process.Pid))
		if string(comm) == "holder\n" {
			break
		}
		if i == 500 {
			return errors.New("holder did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("%d %d\n", sa.(*unix.SockaddrInet4).Port, st.Ino)
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return nil
}

// procsSSUsers runs ss and returns what follows "users:" on its one line.
func procsSSUsers(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ss", args...).Output()
	if err != nil {
		t.Fatalf("ss %s: %v", strings.Join(args, " "), err)
	}
	line := strings.TrimSpace(string(out))
	i := strings.Index(line, "users:(")
	if i < 0 || strings.Contains(line, "\n") {
		t.Fatalf("ss %s: want one line with users, got %q", strings.Join(args, " "), out)
	}
	return strings.TrimSpace(line[i+len("users:"):])
}

// procsTasks lists the threads of pids, to tell whether they changed.
func procsTasks(pids ...int) string {
	var all []string
	for _, pid := range pids {
		ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		for _, e := range ents {
			all = append(all, e.Name())
		}
	}
	return strings.Join(all, ",")
}

// TestLoadProcessesMatchesSS compares the table with the installed ss on a
// listener that two processes hold in four descriptors, one process having
// named threads and a name with ") " in it.
func TestLoadProcessesMatchesSS(t *testing.T) {
	if _, err := exec.LookPath("ss"); err != nil {
		t.Skip("needs ss from iproute2")
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestProcsHelperProcess$")
	helper.Env = append(os.Environ(), procsHelperEnv+"=main")
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
	var port int
	var ino uint32
	if _, err := fmt.Fscan(stdout, &port, &ino); err != nil {
		t.Fatalf("helper: %v", err)
	}
	filter := fmt.Sprintf("sport = :%d", port)
	ctx := context.Background()

	tbl, err := LoadProcesses(ctx, "/proc")
	if err != nil {
		t.Fatal(err)
	}
	users := tbl.Lookup(ino)
	if len(users) != 4 {
		t.Fatalf("Lookup(%d) = %v, want 4 descriptors", ino, users)
	}
	pids := []int{helper.Process.Pid}
	for _, u := range users {
		switch {
		case u.PID == helper.Process.Pid && u.Name != "a":
			t.Errorf("helper named %q, want \"a\" (ss stops at the first ')')", u.Name)
		case u.PID != helper.Process.Pid && !slices.Contains(pids, u.PID):
			pids = append(pids, u.PID)
		}
	}
	if len(pids) != 2 {
		t.Errorf("users %v: want the helper and one other process", users)
	}
	got := procsFormatUsers(users, false)
	if want := procsSSUsers(t, "-Htlnp", filter); got != want {
		t.Errorf("ss -p:\n got %s\nwant %s", got, want)
	}

	// Threads may come and go (the Go runtime's): retry when they did.
	for try := 0; ; try++ {
		before := procsTasks(pids...)
		thr, err := LoadThreads(ctx, "/proc")
		if err != nil {
			t.Fatal(err)
		}
		tusers := thr.Lookup(ino)
		got := procsFormatUsers(tusers, true)
		want := procsSSUsers(t, "-HtlnT", filter)
		if before != procsTasks(pids...) && try < 5 {
			continue
		}
		if got != want {
			t.Errorf("ss -T:\n got %s\nwant %s", got, want)
		}
		names := map[string]bool{}
		for _, u := range tusers {
			names[u.Name] = true
		}
		if !names["worker one"] || !names["w"] || !names["holder"] || !names["a"] {
			t.Errorf("ss -T: thread names %v, want worker one, w, holder and a", names)
		}
		break
	}
}
