package doctor

import (
	"fmt"
	"strconv"
	"strings"
)

// Commands are the command prefixes the fixes are written with, so that a
// fix can be pasted for the target it was found on.
type Commands struct {
	// Sysctl writes a sysctl: "sysctl -w" (the default), or
	// "ip netns exec blue sysctl -w".
	Sysctl string
	// Ethtool changes a NIC: "ethtool" (the default), or
	// "stackbox ethtool --netns blue".
	Ethtool string
}

// DefaultCommands are the fixes' prefixes for the current namespace.
var DefaultCommands = Commands{Sysctl: "sysctl -w", Ethtool: "ethtool"}

// NetnsCommands are the fixes' prefixes for the named network namespace.
func NetnsCommands(ns string) Commands {
	return Commands{Sysctl: "ip netns exec " + ns + " sysctl -w", Ethtool: "stackbox ethtool --netns " + ns}
}

// setSysctl is the command line that sets name to value.
func (c Commands) setSysctl(name string, value any) string {
	v := fmt.Sprint(value)
	if strings.ContainsAny(v, " \t") {
		v = `"` + v + `"`
	}
	return c.Sysctl + " " + name + "=" + v
}

// ethtool is the command line that runs ethtool with args.
func (c Commands) ethtool(args ...string) string {
	return c.Ethtool + " " + strings.Join(args, " ")
}

// check is one of the doctor's checks. run returns the findings, or a
// reason to skip when the snapshot lacks what the check reads.
type check struct {
	name string
	run  func(s *Snapshot, c Commands) (findings []Finding, skip string)
}

// checks are run in this order; the report lists findings in it.
var checks = []check{
	{"softnet-drops", checkSoftnetDrops},
	{"softnet-squeeze", checkSoftnetSqueeze},
	{"nic-ring-drops", checkRingDrops},
	{"listen-overflow", checkListen},
	{"retransmissions", checkRetrans},
	{"time-wait", checkTimeWait},
	{"local-ports", checkLocalPorts},
	{"conntrack", checkConntrack},
	{"socket-memory", checkSocketMemory},
	{"file-descriptors", checkFiles},
	{"buffer-limits", checkBufferLimits},
	{"bbr-pacing", checkBBRPacing},
}

// Checks returns the names of the checks, in the order they run.
func Checks() []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = c.name
	}
	return out
}

// Diagnose runs every check on s and writes the fixes with cmds' prefixes
// (zero fields take DefaultCommands').
func Diagnose(s *Snapshot, cmds Commands) *Report {
	if cmds.Sysctl == "" {
		cmds.Sysctl = DefaultCommands.Sysctl
	}
	if cmds.Ethtool == "" {
		cmds.Ethtool = DefaultCommands.Ethtool
	}
	r := &Report{Target: s.Target, ElapsedNS: int64(s.Elapsed), Interval: s.Interval,
		Checks: []string{}, Skipped: []Skipped{}, Findings: []Finding{}}
	for _, c := range checks {
		fs, skip := c.run(s, cmds)
		if skip != "" {
			r.Skipped = append(r.Skipped, Skipped{Check: c.name, Reason: skip})
			continue
		}
		r.Checks = append(r.Checks, c.name)
		for _, f := range fs {
			f.Check = c.name
			if f.Evidence == nil {
				f.Evidence = []Evidence{}
			}
			if f.Fix == nil {
				f.Fix = []string{}
			}
			r.Findings = append(r.Findings, f)
		}
	}
	return r
}

// ev builds an evidence line from a name and a number or text.
func ev(name string, v any) Evidence { return Evidence{Name: name, Value: fmt.Sprint(v)} }

// pct formats part/whole as a percentage with two decimals.
func pct(part, whole uint64) string {
	if whole == 0 {
		return "n/a"
	}
	bp := part * 10000 / whole // basis points, integer arithmetic
	if part > ^uint64(0)/10000 {
		bp = uint64(float64(part) / float64(whole) * 10000)
	}
	return strconv.FormatUint(bp/100, 10) + "." + fmt.Sprintf("%02d", bp%100) + "%"
}

// over says over what time the cumulative values were counted.
func over(s *Snapshot) string {
	switch {
	case s.Elapsed <= 0:
		return "since the counters started"
	case s.Interval:
		return "in the last " + s.Elapsed.String()
	}
	return "in " + s.Elapsed.String() + " of uptime"
}

// perSecond formats n over the snapshot's time as a rate, "" when unknown.
func perSecond(s *Snapshot, n uint64) string {
	if s.Elapsed <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%.1f/s)", float64(n)/s.Elapsed.Seconds())
}

// raise returns a new value for a limit: twice cur, at least floor.
func raise(cur, floor int64) int64 {
	return max(2*cur, floor)
}
