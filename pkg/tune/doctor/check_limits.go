package doctor

import (
	"fmt"
	"slices"
)

// conntrackWarnPercent is the table fill at which conntrack reports.
const conntrackWarnPercent = 80

// checkConntrack finds a conntrack table near its limit or refusing flows.
func checkConntrack(s *Snapshot, c Commands) ([]Finding, string) {
	if s.Flows == nil {
		return nil, "no conntrack table"
	}
	n, limit := uint64(s.Flows.Count.Entries), uint64(s.Flows.Count.Max)
	if l, ok := s.sysctlInt("net.netfilter.nf_conntrack_max"); ok && l > 0 {
		limit = uint64(l)
	}
	drop, early, failed := s.Flows.Stats["drop"], s.Flows.Stats["early_drop"], s.Flows.Stats["insert_failed"]
	full := limit > 0 && n*100 >= limit*conntrackWarnPercent
	if !full && drop == 0 && early == 0 && failed == 0 {
		return nil, ""
	}
	sev := Warning
	if drop > 0 {
		sev = Critical
	}
	evs := []Evidence{ev("entries", n), ev("net.netfilter.nf_conntrack_max", limit)}
	if limit > 0 {
		evs = append(evs, ev("fill", pct(n, limit)))
	}
	evs = append(evs, ev("drop", drop), ev("early_drop", early), ev("insert_failed", failed))
	title := fmt.Sprintf("conntrack table at %d of %d entries", n, limit)
	if drop+early > 0 {
		title += fmt.Sprintf("; %d new flows refused, %d entries evicted %s", drop, early, over(s))
	}
	f := Finding{Severity: sev, Title: title, Evidence: evs,
		Meaning: "Every tracked connection takes an entry until it times out. At nf_conntrack_max the " +
			"kernel evicts an unreplied entry to make room (early_drop) and, when it finds none, drops the " +
			"packet that would start a new flow (drop; \"nf_conntrack: table full, dropping packet\"): new " +
			"connections time out. Raise the limit (each entry costs about 300 bytes), shorten the timeouts " +
			"of closed flows, or do not track traffic that needs no state (-j NOTRACK/CT --notrack).",
	}
	f.Fix = append(f.Fix, c.setSysctl("net.netfilter.nf_conntrack_max", raise(int64(max(limit, n)), 262144)))
	return []Finding{f}, ""
}

// checkSocketMemory compares TCP's memory with tcp_mem.
func checkSocketMemory(s *Snapshot, c Commands) ([]Finding, string) {
	tm, ok := s.sysctlInts("net.ipv4.tcp_mem")
	if !ok || len(tm) != 3 {
		return nil, "no net.ipv4.tcp_mem"
	}
	pressures, _ := s.counter("TcpExtTCPMemoryPressures")
	if s.TCPMemPages < 0 && pressures == 0 {
		return nil, "no TCP memory figure (sockstat's mem) on this target"
	}
	pages := s.TCPMemPages
	sev := Severity(0)
	switch {
	case pages >= tm[2]:
		sev = Critical
	case pages >= tm[1] || pressures > 0:
		sev = Warning
	}
	if sev == 0 {
		return nil, ""
	}
	evs := []Evidence{ev("net.ipv4.tcp_mem", fmt.Sprintf("%d %d %d", tm[0], tm[1], tm[2]))}
	if pages >= 0 {
		evs = append(evs, ev("sockstat TCP mem (pages)", pages))
	}
	evs = append(evs, ev("TcpExtTCPMemoryPressures", pressures))
	f := Finding{Severity: sev,
		Title:    fmt.Sprintf("TCP memory under pressure: %d pages against tcp_mem %d %d %d", max(pages, 0), tm[0], tm[1], tm[2]),
		Evidence: evs,
		Meaning: "The socket buffers of all TCP sockets together passed tcp_mem's pressure value (pages of " +
			"4 KiB): the kernel shrinks buffers and stops growing them, and at the high value refuses " +
			"memory, dropping incoming segments (TcpExtTCPMemoryPressures counts the entries into pressure). " +
			"Raise tcp_mem if the machine has the memory, or find the sockets holding large queues " +
			"(ss -tm).",
	}
	f.Fix = append(f.Fix, c.setSysctl("net.ipv4.tcp_mem", fmt.Sprintf("%d %d %d", 2*tm[0], 2*tm[1], 2*tm[2])))
	return []Finding{f}, ""
}

// File descriptor thresholds, in percent of the limit.
const (
	filesWarnPercent     = 80
	filesCriticalPercent = 95
)

// checkFiles compares the open files with fs.file-max and the processes'
// RLIMIT_NOFILE.
func checkFiles(s *Snapshot, c Commands) ([]Finding, string) {
	if s.Files == nil {
		return nil, "no file descriptor figures on this target"
	}
	sevOf := func(n, limit uint64) Severity {
		switch {
		case limit == 0:
			return 0
		case n*100 >= limit*filesCriticalPercent:
			return Critical
		case n*100 >= limit*filesWarnPercent:
			return Warning
		}
		return 0
	}
	var out []Finding
	fl := s.Files
	if sev := sevOf(fl.Allocated, fl.Max); sev != 0 {
		out = append(out, Finding{Severity: sev,
			Title:    fmt.Sprintf("%d of %d system-wide file handles allocated", fl.Allocated, fl.Max),
			Evidence: []Evidence{ev("fs.file-nr allocated", fl.Allocated), ev("fs.file-max", fl.Max)},
			Meaning: "Every socket is a file. At fs.file-max, socket() and accept() fail with ENFILE for " +
				"every process: the server stops taking connections.",
			Fix: []string{c.setSysctl("fs.file-max", 2*fl.Max)},
		})
	}
	procs := slices.Clone(fl.Procs)
	slices.SortFunc(procs, func(a, b ProcFiles) int { return a.PID - b.PID })
	for _, p := range procs {
		sev := sevOf(p.Open, p.SoftLimit)
		if sev == 0 {
			continue
		}
		out = append(out, Finding{Severity: sev, Subject: fmt.Sprintf("%s[%d]", p.Name, p.PID),
			Title:    fmt.Sprintf("process %s (pid %d) has %d of %d file descriptors open", p.Name, p.PID, p.Open, p.SoftLimit),
			Evidence: []Evidence{ev("open files", p.Open), ev("RLIMIT_NOFILE soft limit", p.SoftLimit)},
			Meaning: "At its RLIMIT_NOFILE (ulimit -n) the process's accept() and socket() fail with EMFILE: " +
				"new connections wait in the accept queue and then overflow it.",
			Fix: []string{fmt.Sprintf("prlimit --pid %d --nofile=%d:%d", p.PID, 4*p.SoftLimit, max(4*p.SoftLimit, 1048576))},
		})
	}
	return out, ""
}

// Kernel defaults of the buffer limits (Linux before 6.x: rmem_max and
// wmem_max 212992, tcp_rmem's maximum 6 MiB; Linux 6.18: 4 MiB and 32
// MiB; tcp_wmem's maximum 4 MiB in both). A pair of defaults is left
// alone: autotuning is not bound by rmem_max.
var (
	defaultCoreMax = []int64{212992, 4194304}
	defaultTCPRmem = []int64{6291456, 33554432}
	defaultTCPWmem = []int64{4194304}
)

// checkBufferLimits finds rmem_max (wmem_max) below tcp_rmem's (tcp_wmem's)
// maximum when one of the two was tuned.
func checkBufferLimits(s *Snapshot, c Commands) ([]Finding, string) {
	var out []Finding
	seen := false
	for _, p := range []struct {
		core, tcp, dir, opt string
		dflt                []int64
	}{
		{"net.core.rmem_max", "net.ipv4.tcp_rmem", "receive", "SO_RCVBUF", defaultTCPRmem},
		{"net.core.wmem_max", "net.ipv4.tcp_wmem", "send", "SO_SNDBUF", defaultTCPWmem},
	} {
		core, ok1 := s.sysctlInt(p.core)
		tcp, ok2 := s.sysctlInts(p.tcp)
		if !ok1 || !ok2 || len(tcp) != 3 {
			continue
		}
		seen = true
		tuned := !slices.Contains(defaultCoreMax, core) || !slices.Contains(p.dflt, tcp[2])
		if core >= tcp[2] || !tuned {
			continue
		}
		out = append(out, Finding{Severity: Info,
			Title:    fmt.Sprintf("%s (%d) is below %s's maximum (%d)", p.core, core, p.tcp, tcp[2]),
			Evidence: []Evidence{ev(p.core, core), ev(p.tcp, fmt.Sprintf("%d %d %d", tcp[0], tcp[1], tcp[2]))},
			Meaning: fmt.Sprintf("The %s buffer limits were tuned apart: autotuning grows a socket's buffer up "+
				"to %s's maximum (%d bytes), but an application that sets %s (which turns autotuning off) "+
				"gets at most %s (%d). Raise both together.", p.dir, p.tcp, tcp[2], p.opt, p.core, core),
			Fix: []string{c.setSysctl(p.core, tcp[2])},
		})
	}
	if !seen {
		return nil, "no socket buffer sysctls"
	}
	return out, ""
}

// checkBBRPacing finds BBR without the fq qdisc.
func checkBBRPacing(s *Snapshot, c Commands) ([]Finding, string) {
	cc, ok1 := s.sysctl("net.ipv4.tcp_congestion_control")
	q, ok2 := s.sysctl("net.core.default_qdisc")
	if !ok1 || !ok2 {
		return nil, "no net.ipv4.tcp_congestion_control or net.core.default_qdisc"
	}
	bbr := cc == "bbr" || slices.Contains(s.Congestion, "bbr")
	if !bbr || q == "fq" {
		return nil, ""
	}
	evs := []Evidence{ev("net.ipv4.tcp_congestion_control", cc), ev("net.core.default_qdisc", q)}
	if len(s.Congestion) > 0 {
		evs = append(evs, ev("algorithms in use", fmt.Sprint(s.Congestion)))
	}
	return []Finding{{Severity: Warning,
		Title:    "BBR is used without the fq qdisc (default_qdisc is " + q + ")",
		Evidence: evs,
		Meaning: "BBR sends at a paced rate. The fq qdisc paces in the device queue; without it the kernel " +
			"falls back to TCP's internal pacing (a timer per socket, Linux 4.13 and later), which costs " +
			"more CPU, and older kernels do not pace at all. default_qdisc applies to devices set up after " +
			"the change (or: tc qdisc replace dev DEV root fq).",
		Fix: []string{c.setSysctl("net.core.default_qdisc", "fq")},
	}}, ""
}
