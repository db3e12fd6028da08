//go:build linux

package nstatdiff

import (
	"os"
	"path/filepath"
	"time"
)

// The scenarios of TestNstat, by group (subtests TestNstat/GROUP/NAME, so
// -run 'TestNstat/history' runs one group). Every scenario starts with no
// history file; each step runs both tools, each on its own history file.
//
// The namespace has had traffic (traffic_test.go) and is quiet, so the
// counters both tools read are the same and every value is compared
// exactly; steps marked traffic make more of it first, and the following
// step's deltas are exact too.
func allGroups() []group {
	return []group{
		{"show", showCases()},
		{"pattern", patternCases()},
		{"history", historyCases()},
		{"histfile", histFileCases()},
		{"option", optionCases()},
		{"proc", procCases()},
	}
}

type group struct {
	name      string
	scenarios []scenario
}

// Regular expressions the reference's output must match, proving that the
// traffic reached the counters a case shows.
const (
	wTCP   = `(?m)^TcpActiveOpens +[1-9]`
	wTCPX  = `(?m)^TcpExtTCPOrigDataSent +[1-9]`
	wUDP   = `(?m)^UdpNoPorts +[1-9]`
	wICMP  = `(?m)^IcmpInEchos +[1-9]`
	wICMP6 = `(?m)^Icmp6InEchos +[1-9]`
	wMsg   = `(?m)^IcmpMsgOutType8 +[1-9]`
	wIP6   = `(?m)^Ip6InOctets +[1-9]`
	wZero  = `(?m)^IpReasmFails +0 +0\.0$`
	wJSON  = `^\{"kernel":\{"IpInReceives":[1-9]`
	wPJSON = "^\\{\n    \"kernel\": \\{\n        \"IpInReceives\": [1-9]"
	// wNothing: a delta run with nothing new shows the header alone.
	wNothing = "^#kernel\n$"
)

// showCases: what the counters look like, history ignored.
func showCases() []scenario {
	return []scenario{
		one("-asz", wTCP, wTCPX, wUDP, wICMP, wICMP6, wMsg, wIP6, wZero),
		one("-as", wTCP, wTCPX, wUDP, wICMP, wICMP6, wMsg),
		one("-asj", wJSON),
		one("-asjp", wPJSON),
		one("-asjz", `"IpReasmFails":0,`),
		one("-asjpz"),
		// -a without -s still writes the history file.
		one("-a", wTCP),
		one("-az", wZero),
		one("-aj"),
		// No options: no history yet, so everything since boot.
		one("", wTCP),
		one("-z"),
		one("-j"),
		one("--ignore --noupdate --zeros", wZero),
		one("--ignore --noupdate -j --pretty"),
		one("--ign --noup --zer"),
		one("-s -a -z -j -p"),
		one("-sa -zjp"),
	}
}

// patternCases: shell patterns (fnmatch) chosen out of the counters.
func patternCases() []scenario {
	return []scenario{
		one("-as Tcp*", wTCP, wTCPX),
		one("-as Ip*Octets", `(?m)^IpExtInOctets +[1-9]`, wIP6),
		one("-as TcpExt*", wTCPX),
		one("-asz TcpExt*"),
		one("-a Tcp* Ip*Octets TcpExt*", wTCP),
		one("-as Udp* Icmp*", wUDP, wICMP),
		one("-asz *InErrors"),
		one("-asz [TU]dp*"),
		one("-asz Icmp?n*", wICMP),
		one("-asz Ip6*", wIP6),
		one("-as IcmpMsg*", wMsg),
		one("-asz Udp6*"),
		one("-as NoSuchCounter*", wNothing),
		one("-as TcpActiveOpens", `(?m)^TcpActiveOpens +[1-9]`),
		// Counters nstat leaves out, asked for by name.
		one("-asz TcpCurrEstab TcpMaxConn IpForwarding IpDefaultTTL TcpRtoMin", wNothing),
		one("-asj Udp*"),
		one("-asjp Icmp6In*"),
		one("-asz *"),
		one("-as \\*"),
		// Patterns among and after the options (getopt permutes).
		one("Tcp* -as", wTCP),
		one("-a Udp* -s Ip6*"),
		one("-as -- Tcp*", wTCP),
		one("-as -- -x", wNothing),
	}
}

// historyCases: deltas against the history file, each tool keeping its own.
func historyCases() []scenario {
	traffic := func(args string, want ...string) step {
		st := s(args, want...)
		st.traffic = true
		return st
	}
	return []scenario{
		{"first run then quiet", []step{
			s("", wTCP),
			s("", wNothing),
			s("-z", wZero),
			s("-j", `^\{"kernel":\{\}\}`),
		}},
		{"delta after -n", []step{
			s("-n", "^$"),
			traffic("", wTCP, wICMP, wICMP6, wUDP),
			s("", wNothing),
		}},
		{"delta after -n, json", []step{
			s("-n"),
			traffic("-j", `"TcpActiveOpens":2`),
			traffic("-jp"),
		}},
		{"delta with zeros", []step{
			s("-n"),
			traffic("-z", wZero, `(?m)^TcpActiveOpens +2 `),
			s("-z"),
		}},
		{"delta of patterns leaves the rest alone", []step{
			s("-n"),
			traffic("Tcp*", wTCP),
			// Tcp* was brought up to date; the rest still holds its delta.
			s("", `(?m)^IcmpInEchos +3 `),
			s("", wNothing),
		}},
		{"-s keeps the history", []step{
			s("-n"),
			traffic("-s", wTCP),
			s("-s", wTCP),
			s("-sj"),
			s("", wTCP),
			s("-s", wNothing),
		}},
		{"-r resets the history", []step{
			s("-n"),
			traffic("-r", `(?m)^TcpActiveOpens +([3-9]|\d\d)`),
			s("", wNothing),
			traffic("-rn"),
			s("", wNothing),
		}},
		{"each reads the other's history file", []step{
			s("-n"),
			{traffic: true, swap: true, want: []string{wTCP, `(?m)^TcpActiveOpens +2 `}},
			{args: []string{"-s"}, swap: true, want: []string{wNothing}},
			{traffic: true, args: []string{"-z"}, want: []string{wZero, `(?m)^TcpActiveOpens +2 `}},
			{traffic: true, args: []string{"-j"}, swap: true, want: []string{`"TcpActiveOpens":2`}},
			{args: []string{"-r", "-n"}, swap: true},
			{traffic: true, args: []string{"Udp*"}, swap: true, want: []string{wUDP}},
			{traffic: true, want: []string{`(?m)^IcmpInEchos +6 `}},
		}},
		{"-r -s", []step{
			s("-n"),
			s("-rs"),
			s("-s"),
		}},
		{"-a -n writes history", []step{
			s("-an"),
			traffic("", wTCP),
		}},
		{"-a ignores the history but updates it", []step{
			s("-n"),
			traffic("-a", `(?m)^TcpActiveOpens +([3-9]|\d\d)`),
			s("", wNothing),
		}},
		{"-as neither reads nor writes", []step{
			s("-n"),
			traffic("-as"),
			s("", wTCP),
		}},
		{"-z history then plain", []step{
			s("-nz"),
			traffic(""),
			s("-z"),
		}},
		{"overflow", []step{
			withHist(s("-z", `\(overflow\)`),
				"#kernel\nIpInReceives 99999999999\nTcpActiveOpens 999999999 1.5\nUdpInDatagrams 1\nTcpCurrEstab 7\nNoSuchCounter 5\n"),
			s("-z"),
		}},
		{"history order differs from the kernel's", []step{
			withHist(s("", wTCP), "#kernel\nUdpInDatagrams 1\nTcpActiveOpens 1\nIpInReceives 1\n"),
			s(""),
		}},
		{"history with rates, tabs and trailing words", []step{
			withHist(s(""), "#kernel\nIpInReceives\t3\t2.5\nTcpActiveOpens 1 0.0 more words\nUdpNoPorts 1 x\n"),
		}},
		{"history without header", []step{
			withHist(s(""), "IpInReceives 1\nTcpActiveOpens 1\n"),
			s(""),
		}},
		{"history header only", []step{withHist(s("", wTCP), "#kernel\n")}},
		{"empty history file", []step{withHist(s("", wTCP), "")}},
		{"stale history (a daemon's)", []step{
			withHist(s("", "history is stale", wTCP), "#4242.1804289383 sampling_interval=1 time_const=60\nIpInReceives 1 0.0\n"),
			s("", wNothing),
		}},
		{"stale history (second header)", []step{
			withHist(s("", "history is stale"), "#kernel\nIpInReceives 1\n#4242.1 sampling_interval=5 time_const=60\nTcpActiveOpens 1\n"),
		}},
		{"aged-out history (older than the boot)", []step{
			{setup: func(p histPaths) error {
				if err := os.WriteFile(p.hist, []byte("#kernel\nIpInReceives 1\n"), 0o600); err != nil {
					return err
				}
				old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
				return os.Chtimes(p.hist, old, old)
			}, want: []string{"history is aged out", wTCP}},
			s("", wNothing),
		}},
		{"garbled history: a name without a value", []step{withHist(s("", "error parsing history file"), "#kernel\nIpInReceives\n")}},
		{"garbled history: words", []step{withHist(s("", "error parsing history file"), "#kernel\nfoo bar\n")}},
		{"garbled history: blank line", []step{withHist(s("", "error parsing history file"), "#kernel\nIpInReceives 1\n   \nTcpActiveOpens 1\n")}},
		{"garbled history ignored with -as", []step{withHist(s("-as Tcp*", wTCP), "#kernel\nfoo bar\n")}},
		{"garbled history with -a", []step{withHist(s("-a Tcp*"), "#kernel\nfoo bar\n")}},
		{"garbled history with -r", []step{withHist(s("-r Tcp*", wTCP), "#kernel\nfoo bar\n")}},
		{"history locked by another process", []step{
			s("-n"),
			{traffic: true, lock: true, want: []string{wTCP}},
		}},
		{"default history file /tmp/.nstat.u<UID>", []step{{unsetHist: true, script: defaultHistScript,
			want: []string{`(?m)^600 0 1 #kernel$`, `(?m)^uid 65534: 600 65534 1 #kernel$`}}}},
	}
}

// defaultHistScript runs the tool without NSTAT_HISTORY inside the sandbox,
// whose /tmp is a fresh tmpfs, and shows the default history file it left,
// as root and as another user.
const defaultHistScript = `nstat -n || echo "exit $?"
f=/tmp/.nstat.u0
[ -f $f ] && echo "$(stat -c '%a %u %h' $f) $(head -n 1 $f)"
nstat -s 'Tcp*' || echo "exit $?"
nstat || echo "exit $?"
ls -A /tmp | grep -v '^nstatdiff' | sort
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups nstat -n || echo "exit $?"
	f=/tmp/.nstat.u65534
	[ -f $f ] && echo "uid 65534: $(stat -c '%a %u %h' $f) $(head -n 1 $f)"
	setpriv --reuid=65534 --regid=65534 --clear-groups nstat || echo "exit $?"
fi
`

// withHist makes st start by writing content to each tool's history file.
func withHist(st step, content string) step {
	st.setup = func(p histPaths) error { return os.WriteFile(p.hist, []byte(content), 0o600) }
	return st
}

// histFileCases: the history file's safety rules and failures to use it.
func histFileCases() []scenario {
	const content = "#kernel\nIpInReceives 1\n"
	setup := func(args string, f func(p histPaths) error, want ...string) scenario {
		st := s(args, want...)
		st.setup = f
		return scenario{name: args, steps: []step{st}}
	}
	named := func(name string, sc scenario) scenario { sc.name = name; return sc }
	return []scenario{
		named("symbolic link to a missing file", setup("", func(p histPaths) error {
			return os.Symlink(filepath.Join(p.dir, "target"), p.hist)
		}, "Too many levels of symbolic links")),
		named("symbolic link to a file", setup("", func(p histPaths) error {
			if err := os.WriteFile(filepath.Join(p.dir, "target"), []byte(content), 0o600); err != nil {
				return err
			}
			return os.Symlink(filepath.Join(p.dir, "target"), p.hist)
		}, "Too many levels of symbolic links")),
		named("symbolic link with -as", setup("-as Tcp*", func(p histPaths) error {
			return os.Symlink(filepath.Join(p.dir, "target"), p.hist)
		}, wTCP)),
		named("hard-linked", setup("", func(p histPaths) error {
			if err := os.WriteFile(p.hist, []byte(content), 0o600); err != nil {
				return err
			}
			return os.Link(p.hist, filepath.Join(p.dir, "other"))
		}, "something is so wrong")),
		named("owned by another user", setup("", func(p histPaths) error {
			if err := os.WriteFile(p.hist, []byte(content), 0o600); err != nil {
				return err
			}
			return os.Chown(p.hist, 65534, 65534)
		}, "something is so wrong")),
		named("owned by another user, -n", setup("-n", func(p histPaths) error {
			if err := os.WriteFile(p.hist, []byte(content), 0o600); err != nil {
				return err
			}
			return os.Chown(p.hist, 65534, 65534)
		}, "something is so wrong")),
		named("mode 0644 is kept", setup("", func(p histPaths) error {
			if err := os.WriteFile(p.hist, []byte(content), 0o600); err != nil {
				return err
			}
			return os.Chmod(p.hist, 0o644)
		}, wTCP)),
		named("a directory", setup("", func(p histPaths) error { return os.Mkdir(p.hist, 0o755) }, "Is a directory")),
		{"in a missing directory", []step{{env: []string{"NSTAT_HISTORY={dir}/missing/history"}, want: []string{"No such file or directory"}}}},
		{"in a missing directory, -as", []step{{args: []string{"-as", "Udp*"}, env: []string{"NSTAT_HISTORY={dir}/missing/history"}, want: []string{wUDP}}}},
		{"in a missing directory, -a", []step{{args: []string{"-a"}, env: []string{"NSTAT_HISTORY={dir}/missing/history"}, want: []string{"No such file or directory"}}}},
		{"in a missing directory, -s", []step{{args: []string{"-s"}, env: []string{"NSTAT_HISTORY={dir}/missing/history"}, want: []string{"No such file or directory"}}}},
		{"empty NSTAT_HISTORY", []step{{args: []string{"-n"}, env: []string{"NSTAT_HISTORY="}}}},
		{"-r on a missing file", []step{s("-r", wTCP), s("-r", wTCP)}},
		{"-r removes a symbolic link", []step{{args: []string{"-r"}, setup: func(p histPaths) error {
			return os.Symlink(filepath.Join(p.dir, "target"), p.hist)
		}, want: []string{wTCP}}}},
	}
}

// optionCases: options, their errors and the exit statuses. The long
// option --json is left out everywhere: stackbox gives it a meaning of its
// own (JSON that always carries the rate), as it does to --prometheus,
// --softnet and --netns (TestNetns); -j is nstat's JSON.
func optionCases() []scenario {
	return []scenario{
		one("-V", "iproute2"),
		one("-v"),
		one("--version"),
		one("-h", "Usage"),
		one("--help"),
		one("-?"),
		one("-x", "invalid option"),
		one("-asx"),
		one("--bogus", "unrecognized option"),
		one("--no", "ambiguous"),
		one("--zeros=1", "doesn't allow an argument"),
		one("-t", "requires an argument"),
		one("-d", "requires an argument"),
		one("--scan"),
		one("--interval"),
		one("-t 0", "invalid time constant"),
		one("-t -3"),
		one("-t abc"),
		one("--interval=abc"),
		one("-x -V"),
		one("-V -x"),
		one("-h -V"),
		one("-V -h"),
		one("-as -t 5 Tcp*", wTCP),
		one("-as -t5 Udp*", wUDP),
		one("-as --interval=7 Udp*"),
		one("-as -t 1.5 Udp*"),
		// -d with no positive number of seconds is no daemon.
		one("-as -d 0 Tcp*", wTCP),
		one("-as -d abc Tcp*"),
		one("-as -d -1 Tcp*"),
		one("-as --scan=0 Tcp*"),
	}
}

// procCases: counter files given through PROC_ROOT and PROC_NET_* (fixed
// files under testdata/proc: this kernel's format with SCTP counters, an
// older kernel's with fewer columns, and that older one later on).
func procCases() []scenario {
	withWant := func(st step, want ...string) step {
		st.want = want
		return st
	}
	withExtra := func(st step, extra ...string) step {
		st.extra = extra
		return st
	}
	env := func(args string, env ...string) step {
		st := s(args)
		st.env = env
		return st
	}
	const (
		sctp  = "PROC_ROOT={testdata}/proc/sctp"
		old   = "PROC_ROOT={testdata}/proc/old"
		later = "PROC_ROOT={testdata}/proc/later"
	)
	return []scenario{
		// want: proof that the reference read the files (a sandbox that
		// hid them would make both tools print an empty table).
		{"sctp -asz", []step{withWant(env("-asz", sctp), `SctpCurrEstab`, `IpInReceives`)}},
		{"sctp -as", []step{withWant(env("-as", sctp), `Sctp`)}},
		{"sctp -asj Sctp*", []step{env("-asj Sctp*", sctp)}},
		{"old kernel -asz", []step{withWant(env("-asz", old), `IpInReceives`)}},
		{"old kernel -asjp", []step{env("-asjp", old)}},
		{"snmp only from a file", []step{env("-as Ip* Icmp* Tcp*", "PROC_NET_SNMP={testdata}/proc/old/net/snmp")}},
		{"sctp file only", []step{env("-as Sctp*", "PROC_NET_SCTP_SNMP={testdata}/proc/sctp/net/sctp/snmp")}},
		// nstat prints an empty table without a word; stackbox adds a
		// warning naming the file (exit status and stdout unchanged).
		{"no counter files", []step{withExtra(env("-asz", "PROC_ROOT={dir}/nothing"), `^nstat: .*/net/snmp: No such file or directory\n$`)}},
		{"missing file among others", []step{env("-asz", "PROC_ROOT={testdata}/proc/sctp", "PROC_NET_SNMP6={dir}/nothing")}},
		{"delta from an older kernel's files", []step{
			env("-n", old),
			env("", later),
			env("-z Ip*", old),
			env("", later),
		}},
		{"delta with overflow", []step{
			env("-n", old),
			env("-z Ip Ip6InReceives IpInReceives", later),
			env("-s", old),
		}},
		{"sctp then kernel", []step{
			env("-n", sctp),
			env("-s Sctp* Tcp*", old),
		}},
	}
}
