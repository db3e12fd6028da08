package nstat

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/nstat"
)

// daemonEnv tells a process started by startDaemon that its file
// descriptor 3 is the daemon's listening socket.
const daemonEnv = "STACKBOX_NSTAT_DAEMON_FD"

// startDaemon does what nstat's daemon(0, 0) does for it: it starts this
// program again with the same arguments, in a new session, in /, with
// standard input and outputs on /dev/null, holding the listening socket,
// and returns without waiting for it.
func startDaemon(sock *os.File, _ ServeFunc) error {
	exe, err := os.Executable()
	if err != nil {
		return &nstat.SocketError{Op: "daemon", Err: err}
	}
	cmd := &exec.Cmd{
		Path:        exe,
		Args:        os.Args,
		Env:         append(os.Environ(), daemonEnv+"=3"),
		Dir:         "/",
		ExtraFiles:  []*os.File{sock},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		return &nstat.SocketError{Op: "daemon", Err: err}
	}
	return cmd.Process.Release()
}

// inheritedSocket returns the listening socket startDaemon handed this
// process, if it is one: $STACKBOX_NSTAT_DAEMON_FD names descriptor 3
// and that is a listening socket.
func inheritedSocket() (*os.File, bool) {
	if os.Getenv(daemonEnv) != "3" {
		return nil, false
	}
	os.Unsetenv(daemonEnv)
	if v, err := unix.GetsockoptInt(3, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err != nil || v != 1 {
		return nil, false
	}
	unix.CloseOnExec(3)
	return os.NewFile(3, "nstat daemon socket"), true
}

// unlink removes a file, never a directory (nstat -r's unlink(2)).
func unlink(path string) error { return unix.Unlink(path) }
