package doctor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// HostSource is the host kernel as a Source: the current network namespace
// (netns "") or a named one, its sysctls and NICs through settings (a
// tune.Host of the same namespace). The uptime is the machine's (the
// counters of a namespace started later cover less); sockstat's TCP
// memory and fs.file-nr are the machine's, as the kernel counts them.
func HostSource(netns string, settings Settings) *Source {
	k := kernel.New(netns)
	return &Source{Stack: k, Counters: k, Flows: k, Settings: settings,
		Uptime: readUptime,
		TCPMemPages: func(ctx context.Context) (int64, error) {
			var b []byte
			err := k.Do(func() error {
				var err error
				b, err = os.ReadFile("/proc/thread-self/net/sockstat")
				return err
			})
			if err != nil {
				return 0, err
			}
			return ParseSockstatMem(b)
		},
		Files: func(ctx context.Context, pids []int) (*Files, error) { return readFiles("/proc", pids) },
	}
}

// readUptime reads /proc/uptime.
func readUptime() (time.Duration, error) {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, errors.New("/proc/uptime: empty")
	}
	sec, err := strconv.ParseFloat(f[0], 64)
	if err != nil || sec < 0 || sec > 1e12 {
		return 0, fmt.Errorf("/proc/uptime: bad value %q", f[0])
	}
	return time.Duration(sec * float64(time.Second)), nil
}

// ParseSockstatMem returns the "mem" field of /proc/net/sockstat's TCP
// line (pages).
func ParseSockstatMem(b []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] != "TCP:" {
			continue
		}
		for i := 1; i+1 < len(f); i += 2 {
			if f[i] == "mem" {
				n, err := strconv.ParseInt(f[i+1], 10, 64)
				if err != nil || n < 0 {
					return 0, fmt.Errorf("sockstat: bad TCP mem %q", f[i+1])
				}
				return n, nil
			}
		}
		return 0, errors.New("sockstat: no TCP mem")
	}
	return 0, errors.New("sockstat: no TCP line")
}

// readFiles reads fs.file-nr and fs.file-max, and each process's open
// files (entries of /proc/PID/fd) and RLIMIT_NOFILE (/proc/PID/limits);
// processes that went away or cannot be read are left out.
func readFiles(proc string, pids []int) (*Files, error) {
	nr, err := os.ReadFile(proc + "/sys/fs/file-nr")
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(nr))
	if len(f) < 3 {
		return nil, fmt.Errorf("fs.file-nr: bad value %q", strings.TrimSpace(string(nr)))
	}
	out := &Files{}
	if out.Allocated, err = strconv.ParseUint(f[0], 10, 64); err != nil {
		return nil, fmt.Errorf("fs.file-nr: bad value %q", f[0])
	}
	if out.Max, err = strconv.ParseUint(f[2], 10, 64); err != nil {
		out.Max = 0 // "unlimited" style values: no limit to compare with
	}
	for _, pid := range pids {
		dir := proc + "/" + strconv.Itoa(pid)
		lim, err := os.ReadFile(dir + "/limits")
		if err != nil {
			continue
		}
		soft, ok := ParseLimitsNofile(lim)
		if !ok {
			continue
		}
		ents, err := os.ReadDir(dir + "/fd")
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(dir + "/comm")
		out.Procs = append(out.Procs, ProcFiles{PID: pid, Name: strings.TrimSpace(string(comm)),
			Open: uint64(len(ents)), SoftLimit: soft})
	}
	return out, nil
}

// ParseLimitsNofile returns the soft limit of "Max open files" in a
// /proc/PID/limits text; false when absent or unlimited.
func ParseLimitsNofile(b []byte) (uint64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "Max open files")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		return n, err == nil
	}
	return 0, false
}
