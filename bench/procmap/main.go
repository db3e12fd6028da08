//go:build linux

// Command procmap times the inode-to-process scan of stackbox (kernel.
// LoadProcesses, what ss -p needs) against ss itself, and checks that both
// name the same users for every socket.
//
//	procmap -netns sbbench-123 [-rounds 7] [-threads] [-proc]
//
// It reports medians of wall and CPU time (user+system) for: the scan in
// this process, both the one LoadProcesses picks (the BPF iterator, when
// it can) and the /proc one (STACKBOX_PROCSCAN=proc), alternating;
// `ss -N NS -tanp`; `ss -N NS -tan` (so that the difference is what -p
// costs ss). With -proc only the /proc scan is timed and checked. Then, unless -verify=false, it runs
// `ss -N NS -Htanpe` and compares the users:(...) of every line with the
// table's. It needs root for ss -N; see bench/README.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

func main() {
	netns := flag.String("netns", "", "network namespace to list with ss -N (required)")
	rounds := flag.Int("rounds", 7, "measurements of each case")
	threads := flag.Bool("threads", false, "compare ss -T with kernel.LoadThreads instead of ss -p")
	verify := flag.Bool("verify", true, "check every socket's users against ss")
	procOnly := flag.Bool("proc", false, "time and check the /proc scan only")
	ssPath := flag.String("ss", "ss", "the ss binary to compare with")
	flag.Parse()
	if *netns == "" || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "usage: procmap -netns NAME [-rounds N] [-threads] [-proc] [-verify=false]")
		os.Exit(2)
	}
	if *procOnly {
		os.Setenv(scanEnv, "proc")
	}
	if err := run(*ssPath, *netns, *rounds, *threads, *verify, *procOnly); err != nil {
		fmt.Fprintln(os.Stderr, "procmap:", err)
		os.Exit(1)
	}
}

// scanEnv is the variable that makes kernel.LoadProcesses scan /proc
// rather than run its BPF iterator.
const scanEnv = "STACKBOX_PROCSCAN"

// sample is one measurement.
type sample struct {
	wall, cpu time.Duration
	maxRSS    int64 // KiB, for child processes
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func load(threads bool) (*kernel.ProcessTable, error) {
	if threads {
		return kernel.LoadThreads(context.Background(), "/proc")
	}
	return kernel.LoadProcesses(context.Background(), "/proc")
}

// timeScan times one scan; proc selects the /proc one.
func timeScan(threads, proc bool) (sample, *kernel.ProcessTable, error) {
	if proc {
		os.Setenv(scanEnv, "proc")
		defer os.Unsetenv(scanEnv)
	}
	c0, t0 := cpuTime(), time.Now()
	tbl, err := load(threads)
	return sample{wall: time.Since(t0), cpu: cpuTime() - c0}, tbl, err
}

func timeSS(ss string, args ...string) (sample, error) {
	cmd := exec.Command(ss, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("%s %s: %v: %s", ss, strings.Join(args, " "), err, firstLine(stderr.String()))
	}
	s := sample{wall: time.Since(t0), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.maxRSS = ru.Maxrss
	}
	return s, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func median(ss []sample) sample {
	pick := func(f func(sample) int64) int64 {
		v := make([]int64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return sample{
		wall:   time.Duration(pick(func(s sample) int64 { return int64(s.wall) })),
		cpu:    time.Duration(pick(func(s sample) int64 { return int64(s.cpu) })),
		maxRSS: pick(func(s sample) int64 { return s.maxRSS }),
	}
}

func run(ss, netns string, rounds int, threads, verify, procOnly bool) error {
	flag := "-tanp"
	if threads {
		flag = "-tanT"
	}
	var scan, scanProc, withP, plain []sample
	var tbl *kernel.ProcessTable
	for r := range rounds {
		// Alternate which scan goes first.
		for i := range 2 {
			proc := (i+r)%2 == 1
			if procOnly && !proc {
				continue
			}
			s, t, err := timeScan(threads, proc)
			if err != nil {
				return err
			}
			tbl = t
			if proc {
				scanProc = append(scanProc, s)
			} else {
				scan = append(scan, s)
			}
		}
		s, err := timeSS(ss, "-N", netns, flag)
		if err != nil {
			return err
		}
		withP = append(withP, s)
		if s, err = timeSS(ss, "-N", netns, "-tan"); err != nil {
			return err
		}
		plain = append(plain, s)
	}
	mp, mt := median(withP), median(plain)
	over := mp.cpu - mt.cpu
	fmt.Printf("entries %d, socket inodes %d (all processes), %d rounds, medians:\n", tbl.Len(), tbl.Inodes(), rounds)
	line := func(what string, m sample) {
		fmt.Printf("  %-36s wall %8.1f ms  cpu %8.1f ms  (%.1fx less cpu than %s adds to ss)\n",
			what, m.wall.Seconds()*1e3, m.cpu.Seconds()*1e3, over.Seconds()/m.cpu.Seconds(), flag[len(flag)-1:])
	}
	if !procOnly {
		line("kernel.Load (this process)", median(scan))
	}
	line("kernel.Load, "+scanEnv+"=proc", median(scanProc))
	fmt.Printf("  %-36s wall %8.1f ms  cpu %8.1f ms  maxrss %d KiB\n", "ss -N "+netns+" "+flag, mp.wall.Seconds()*1e3, mp.cpu.Seconds()*1e3, mp.maxRSS)
	fmt.Printf("  %-36s wall %8.1f ms  cpu %8.1f ms  maxrss %d KiB\n", "ss -N "+netns+" -tan", mt.wall.Seconds()*1e3, mt.cpu.Seconds()*1e3, mt.maxRSS)
	fmt.Printf("  what %s adds to ss: cpu %.1f ms, wall %.1f ms\n", flag[len(flag)-1:], over.Seconds()*1e3, (mp.wall-mt.wall).Seconds()*1e3)
	if !verify {
		return nil
	}
	if !procOnly {
		if err := check(ss, netns, threads, false); err != nil {
			return err
		}
	}
	return check(ss, netns, threads, true)
}

// check compares the users of every socket ss lists with a fresh table
// (of the /proc scan when proc is set).
func check(ss, netns string, threads, proc bool) error {
	flag := "-Htanpe"
	if threads {
		flag = "-HtanTe"
	}
	_, tbl, err := timeScan(threads, proc)
	if err != nil {
		return err
	}
	what := "scan"
	if proc {
		what = "/proc scan"
	}
	cmd := exec.Command(ss, "-N", netns, flag)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	lines, bad, withUsers := 0, 0, 0
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		lines++
		want, ino, err := parseLine(line)
		if err != nil {
			return fmt.Errorf("ss line %d: %v: %q", lines, err, line)
		}
		if want != "" {
			withUsers++
		}
		if got := format(tbl.Lookup(ino), threads); got != want {
			if bad++; bad <= 5 {
				fmt.Printf("  MISMATCH ino %d:\n    ss   %s\n    ours %s\n", ino, want, got)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s %s: %v", ss, flag, err)
	}
	fmt.Printf("verify (%s): %d sockets (%d with users), %d mismatches\n", what, lines, withUsers, bad)
	if bad > 0 {
		return errors.New("users differ from ss")
	}
	return nil
}

// parseLine returns the users:(...) text of an ss -e line (empty when it
// has none) and its ino:.
func parseLine(line string) (users string, ino uint32, err error) {
	i := strings.Index(line, " ino:")
	if i < 0 {
		return "", 0, errors.New("no ino:")
	}
	num, _, _ := strings.Cut(line[i+len(" ino:"):], " ")
	n, err := strconv.ParseUint(num, 10, 32)
	if err != nil {
		return "", 0, err
	}
	if u := strings.Index(line[:i], " users:("); u >= 0 {
		users = line[u+len(" users:") : i]
	}
	return users, uint32(n), nil
}

// format renders users as ss does after "users:" ("" for none).
func format(us []stack.ProcessFD, threads bool) string {
	if len(us) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('(')
	for i, u := range us {
		if i > 0 {
			b.WriteByte(',')
		}
		if threads {
			fmt.Fprintf(&b, "(\"%s\",pid=%d,tid=%d,fd=%d)", u.Name, u.PID, u.TID, u.FD)
		} else {
			fmt.Fprintf(&b, "(\"%s\",pid=%d,fd=%d)", u.Name, u.PID, u.FD)
		}
	}
	b.WriteByte(')')
	return b.String()
}
