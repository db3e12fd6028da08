//go:build linux

// Command cmdtime runs a command with its standard output discarded and
// prints what it cost, from the kernel's accounting of the child (wait4
// rusage), on one line of standard output:
//
//	wall_ms cpu_ms user_ms sys_ms maxrss_kib exit_code
//
// Times have microsecond resolution (GNU time's %U and %S have 10 ms,
// too coarse for a command that takes 2 ms). The command's standard error
// passes through.
//
//	cmdtime ss -N ns -tan
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cmdtime COMMAND [ARG]...")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin = os.Stdin
	cmd.Stderr = os.Stderr // stdout stays nil: /dev/null
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "cmdtime:", err)
		os.Exit(127)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		ru = &syscall.Rusage{}
	}
	user := time.Duration(ru.Utime.Nano())
	sys := time.Duration(ru.Stime.Nano())
	ms := func(d time.Duration) float64 { return d.Seconds() * 1e3 }
	fmt.Printf("%.3f %.3f %.3f %.3f %d %d\n", ms(wall), ms(user+sys), ms(user), ms(sys), ru.Maxrss, code)
}
