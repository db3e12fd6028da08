//go:build linux

// Command sockfill fills the current network namespace with TCP sockets on
// loopback for benchmarks, then sleeps until it is killed.
//
// The parent opens the listeners (127.0.0.1, ports -base .. -base+-ports-1)
// and starts child processes of itself that inherit them; each child
// connects to the listeners round-robin and accepts, so that it holds both
// ends of its connections, at most -per descriptors in all. When every
// child is ready the parent prints one line to stdout:
//
//	ready SOCKETS PID...
//
// (the number of sockets, then the parent's and the children's pids) and
// waits for SIGTERM or SIGINT. Children die with the parent (PDEATHSIG).
// Run it inside a scratch namespace whose lo is up:
//
//	ip netns exec NS sockfill -n 80000
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

const childEnv = "SOCKFILL_CHILD"

// config is what the parent passes to its children.
type config struct {
	sockets int // total sockets wanted (listeners + both ends of connections)
	per     int // descriptors per child, at most
	ports   int // listeners
	base    int // first listener port
	conns   int // connections this child opens (children only)
	offset  int // index of this child's first connection (children only)
}

func main() {
	var c config
	flag.IntVar(&c.sockets, "n", 80000, "total TCP sockets to open")
	flag.IntVar(&c.per, "per", 19000, "maximum descriptors held by one child process")
	flag.IntVar(&c.ports, "ports", 10, "number of listeners")
	flag.IntVar(&c.base, "base", 5001, "port of the first listener")
	flag.IntVar(&c.conns, "conns", 0, "connections to open (child mode)")
	flag.IntVar(&c.offset, "offset", 0, "index of the first connection (child mode)")
	flag.Parse()

	var err error
	if os.Getenv(childEnv) != "" {
		err = child(c)
	} else {
		err = parent(c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sockfill:", err)
		os.Exit(1)
	}
}

// raiseNofile raises RLIMIT_NOFILE to its hard limit and returns it.
func raiseNofile() (uint64, error) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	rl.Cur = rl.Max
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("setrlimit: %w", err)
	}
	return rl.Cur, nil
}

func listen(port int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("setsockopt: %w", err)
	}
	sa := &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind 127.0.0.1:%d: %w", port, err)
	}
	if err := unix.Listen(fd, 4096); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("listen: %w", err)
	}
	return fd, nil
}

func parent(c config) error {
	if c.ports < 1 || c.sockets < c.ports || c.per < 2*c.ports+16 {
		return errors.New("need -ports >= 1, -n >= -ports and -per >= 2*ports+16")
	}
	limit, err := raiseNofile()
	if err != nil {
		return err
	}
	if uint64(c.per) > limit {
		c.per = int(limit)
	}
	files := make([]*os.File, c.ports)
	for i := range files {
		fd, err := listen(c.base + i)
		if err != nil {
			return err
		}
		files[i] = os.NewFile(uintptr(fd), "listener")
	}

	// Each child holds the inherited listeners, stdio, a few runtime
	// descriptors and two per connection.
	perChild := (c.per - c.ports - 16) / 2
	total := (c.sockets - c.ports) / 2
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var procs []*exec.Cmd
	var ready []*bufio.Reader
	defer func() {
		for _, p := range procs {
			p.Process.Kill()
			p.Wait()
		}
	}()
	for off := 0; off < total; off += perChild {
		n := min(perChild, total-off)
		cmd := exec.Command(self,
			"-ports", strconv.Itoa(c.ports), "-base", strconv.Itoa(c.base),
			"-conns", strconv.Itoa(n), "-offset", strconv.Itoa(off))
		cmd.Env = append(os.Environ(), childEnv+"=1")
		cmd.ExtraFiles = files
		cmd.Stderr = os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
		ready = append(ready, bufio.NewReader(out))
	}
	pids := []string{strconv.Itoa(os.Getpid())}
	for i, r := range ready {
		line, err := r.ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "ready" {
			return fmt.Errorf("child %d did not get ready (%q, %v)", procs[i].Process.Pid, line, err)
		}
		pids = append(pids, strconv.Itoa(procs[i].Process.Pid))
		go io.Copy(io.Discard, r)
	}
	fmt.Printf("ready %d %s\n", c.ports+2*total, strings.Join(pids, " "))

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	<-sig
	return nil
}

func child(c config) error {
	if _, err := raiseNofile(); err != nil {
		return err
	}
	// The listeners are descriptors 3 .. 3+ports-1.
	for i := 0; i < c.conns; i++ {
		k := (c.offset + i) % c.ports
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket (connection %d): %w", i, err)
		}
		sa := &unix.SockaddrInet4{Port: c.base + k, Addr: [4]byte{127, 0, 0, 1}}
		if err := unix.Connect(fd, sa); err != nil {
			return fmt.Errorf("connect 127.0.0.1:%d (connection %d): %w", sa.Port, i, err)
		}
		// Accept from the same listener: every accept follows its own
		// connect, so the shared queue is never empty when a child
		// waits on it.
		if _, _, err := unix.Accept4(3+k, unix.SOCK_CLOEXEC); err != nil {
			return fmt.Errorf("accept (connection %d): %w", i, err)
		}
	}
	fmt.Println("ready")
	// Sleep until the parent goes (PDEATHSIG) or someone kills us.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	<-sig
	return nil
}
