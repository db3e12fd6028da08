package doctor

import (
	"fmt"
	"time"
)

// Severity says how much a finding matters.
type Severity int

// Severities, least first.
const (
	Info Severity = iota + 1
	Warning
	Critical
)

var severityNames = [...]string{Info: "info", Warning: "warning", Critical: "critical"}

func (s Severity) String() string {
	if s >= Info && s <= Critical {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n != "" && n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Evidence is one number a check read: Name is where it comes from, as
// the tool that shows it names it (a counter "TcpExtListenOverflows", a
// sysctl "net.core.somaxconn", a driver statistic "eth0 rx_missed_errors",
// "cpu0 dropped"), Value its value as text.
type Evidence struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Finding is one problem a check found.
type Finding struct {
	// Check is the check's name (doc.go lists them).
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// Subject is what the finding is about: a CPU, a device, a listening
	// socket, a destination; empty for the whole host.
	Subject  string     `json:"subject,omitempty"`
	Title    string     `json:"title"`
	Evidence []Evidence `json:"evidence"`
	Meaning  string     `json:"meaning"`
	// Fix are command lines that address the finding, in the order to try
	// them.
	Fix []string `json:"fix"`
}

// Skipped is a check that could not run, and why.
type Skipped struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
}

// Report is the result of the checks on one snapshot.
type Report struct {
	// Target names what was looked at ("host", "netns blue",
	// "sim:burst@2s/sink").
	Target string `json:"target"`
	// ElapsedNS is the time the cumulative counters cover (0: unknown);
	// Interval says it is the time between two snapshots rather than the
	// uptime.
	ElapsedNS int64 `json:"elapsed_ns"`
	Interval  bool  `json:"interval"`
	// Checks lists the checks that ran, in order.
	Checks   []string  `json:"checks"`
	Skipped  []Skipped `json:"skipped"`
	Findings []Finding `json:"findings"`
}

// Elapsed returns ElapsedNS as a duration.
func (r *Report) Elapsed() time.Duration { return time.Duration(r.ElapsedNS) }

// Worst returns the highest severity of the findings, 0 when there are
// none.
func (r *Report) Worst() Severity {
	var w Severity
	for _, f := range r.Findings {
		w = max(w, f.Severity)
	}
	return w
}

// Has reports whether a finding of check is in the report.
func (r *Report) Has(check string) bool {
	for _, f := range r.Findings {
		if f.Check == check {
			return true
		}
	}
	return false
}
