package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func parseT(t *testing.T, opts Options, args ...string) *Filter {
	t.Helper()
	if opts.Resolver == nil {
		opts.Resolver = newFakeResolver()
	}
	f, err := Parse(args, opts)
	if err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return f
}

func TestParseTree(t *testing.T) {
	tcp := Options{TCP: true, UDP: true}
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"sport = :22", "src *:22"},
		{"dport 22", "dst *:22"},
		{"sport != :22", "!src *:22"},
		{"sport > :22", "!sport <= 22"},
		{"sport < :22", "!sport >= 22"},
		{"dport >= :22", "dport >= 22"},
		{"dport <= :22", "dport <= 22"},
		{"sport = :ssh", "src *:22"},
		{"sport = :www", "src *:80"},
		{"sport = :same-alias", "src *:1002"},
		{"src 10.0.0.0/8", "src 10.0.0.0/8:*"},
		{"src 10.8", "src 10.8.0.0/32:*"},
		{"src 10/255.255.0.0", "src 10.0.0.0/16:*"},
		{"dst [fe80::1]:80", "dst [fe80::1]/128:80"},
		{"dst fe80::/10:80", "dst [fe80::]/10:80"},
		{"src *", "src *:*"},
		{"src default", "src *:*"},
		{"src localhost:ssh", "src 127.0.0.1/32:22"},
		{"src multi.test", "src 192.0.2.1/32,192.0.2.2/32,[2001:db8::1]/128:*"},
		{"src 2130706433", "src 127.0.0.1/32:*"},
		{"sport = :1 or sport = :2 and sport = :3", "((src *:1 | src *:2) & src *:3)"},
		{"sport = :1 and sport = :2 or sport = :3", "((src *:1 & src *:2) | src *:3)"},
		{"sport = :1 sport = :2 sport = :3", "((src *:1 & src *:2) & src *:3)"},
		{"sport = :1 or ( sport = :2 and sport = :3 )", "(src *:1 | (src *:2 & src *:3))"},
		{"not sport = :1 or sport = :2", "(!src *:1 | src *:2)"},
		{"! ! autobound", "!!autobound"},
		{"dev = lo", "dev 1"},
		{"dev eth0", "dev 2"},
		{"dev = 7", "dev 7"},
		{"dev != 0x10", "!dev 16"},
		{"fwmark = 0x10/0xf0", "fwmark 0x10/0xf0"},
		{"fwmark 5", "fwmark 0x5/0xffffffff"},
		{"fwmark != 5", "!fwmark 0x5/0xffffffff"},
		{"cgroup = /system.slice", "cgroup 4660"},
		{"cgroup system.slice", "cgroup 4660"},
		{"cgroup != /", "!cgroup 1"},
		{"src link:ip:lo", "src link:2048:1"},
		{"src link:*", "src link:*:*"},
		{"src netlink:rtnl:kernel", "src netlink:0:0"},
		{"src netlink:genl:-7", "src netlink:16:-7"},
		{"src unix:/run/*.sock", "src unix:/run/*.sock"},
		{"src vsock:3:1024", "src vsock:*:1024"},
		{"src inet6:[::1]", "src [::1]/128:*"},
	}
	for _, tt := range tests {
		f := parseT(t, tcp, tt.in)
		if got := f.String(); got != tt.want {
			t.Errorf("%q: parsed as %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseFamily(t *testing.T) {
	tests := []struct {
		opts Options
		in   string
		want string
		fam  uint8
	}{
		{Options{TCP: true}, "src 1.2.3.4", "src 1.2.3.4/32:*", 0},
		{Options{TCP: true}, "src unix:/x", "src unix:/x", afUnix},
		// After a unix address, addresses are unix patterns (ss's
		// preferred family changes).
		{Options{TCP: true}, "src unix:/x or src 1.2.3.4", "(src unix:/x | src unix:1.2.3.4)", afUnix},
		{Options{TCP: true}, "src link:ip or dst inet:1.2.3.4", "(src link:2048:* | dst 1.2.3.4/32:*)", afInet},
		{Options{Family: afUnix}, "sport = :22", "src unix::22", afUnix},
		{Options{Family: afPacket}, "src ip", "src link:2048:*", afPacket},
		{Options{Family: afInet, TCP: true}, "src 1.2.3.4", "src 1.2.3.4/32:*", afInet},
		{Options{Family: afInet6, TCP: true}, "src default", "src [::]/0:*", afInet6},
		{Options{Family: afInet6, TCP: true}, "autobound", "autobound", 0},
		{Options{TCP: true}, "src inet:*:22", "src *:22", afInet},
	}
	for _, tt := range tests {
		f := parseT(t, tt.opts, tt.in)
		if got := f.String(); got != tt.want {
			t.Errorf("%q (family %d): parsed as %q, want %q", tt.in, tt.opts.Family, got, tt.want)
		}
		if f.Family != tt.fam {
			t.Errorf("%q (family %d): Family %d, want %d", tt.in, tt.opts.Family, f.Family, tt.fam)
		}
	}
}

func TestParseStates(t *testing.T) {
	f := parseT(t, Options{TCP: true}, "state", "listening", "state", "established", "sport = :22")
	if !f.HasStates || f.States != 1<<stack.StateListen|1<<stack.StateEstablished {
		t.Errorf("states %#x (has %v)", f.States, f.HasStates)
	}
	if f.String() != "src *:22" {
		t.Errorf("expression %q", f.String())
	}
	f = parseT(t, Options{TCP: true})
	if f.HasStates || !f.Empty() {
		t.Errorf("no words: HasStates %v, Empty %v", f.HasStates, f.Empty())
	}
	f = parseT(t, Options{TCP: true}, "exclude", "all")
	if !f.HasStates || f.States != 0 || !f.Empty() {
		t.Errorf("exclude all: %#x %v %v", f.States, f.HasStates, f.Empty())
	}
}

// TestParseErrors covers errors that depend on names the golden cases
// cannot use (they run against the machine's real files).
func TestParseErrors(t *testing.T) {
	tests := []struct {
		opts Options
		args []string
		msg  string
		code int
	}{
		{Options{TCP: true, UDP: true}, []string{"sport = :ambig"}, "Error: ambiguous port \"ambig\".\nCannot parse dst/src address.\n", 1},
		{Options{TCP: true}, []string{"sport = :ambig"}, "", 0},
		{Options{UDP: true}, []string{"sport = :ambig"}, "", 0},
		{Options{TCP: true, UDP: true}, []string{"sport = :same"}, "", 0},
		{Options{TCP: true}, []string{"cgroup = /nonexistent"}, "Failed to get cgroup2 ID: No such file or directory\nCannot parse cgroup /nonexistent.\n", 1},
		{Options{TCP: true}, []string{"src multi.test:22"}, "", 0},
		{Options{Family: afInet6}, []string{"src multi.test"}, "", 0},
		{Options{Family: 30}, []string{"src 1.2.3.4"}, "Error: an inet prefix is expected rather than \"1.2.3.4\".\nCannot parse dst/src address.\n", 1},
		{Options{Family: 30}, []string{"src default"}, "", 0},
	}
	for _, tt := range tests {
		tt.opts.Resolver = newFakeResolver()
		_, err := Parse(tt.args, tt.opts)
		var fe *Error
		switch {
		case tt.code == 0 && err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case tt.code == 0:
		case !errors.As(err, &fe):
			t.Errorf("%q: error %v, want %q", tt.args, err, tt.msg)
		case fe.Msg != tt.msg || fe.Code != tt.code:
			t.Errorf("%q: error %q (exit %d), want %q (exit %d)", tt.args, fe.Msg, fe.Code, tt.msg, tt.code)
		}
	}
}

func TestParseFamilyForcesInet6Name(t *testing.T) {
	f := parseT(t, Options{Family: afInet6}, "src multi.test")
	if got := f.String(); got != "src [2001:db8::1]/128:*" {
		t.Errorf("got %q", got)
	}
}

// TestParseDepth checks where ss's parser stack runs out (measured with
// /usr/bin/ss: bison's limit is 10000 entries).
func TestParseDepth(t *testing.T) {
	tests := []struct {
		in        string
		exhausted bool
	}{
		{strings.Repeat("! ", 9997) + "autobound", false},
		{strings.Repeat("! ", 9998) + "autobound", true},
		{strings.Repeat("( ", 9996) + "autobound" + strings.Repeat(" )", 9996), false},
		{strings.Repeat("( ", 9997) + "autobound" + strings.Repeat(" )", 9997), true},
		{strings.Repeat("( ", 9995) + "src 1.1.1.1" + strings.Repeat(" )", 9995), false},
		{strings.Repeat("( ", 9996) + "src 1.1.1.1" + strings.Repeat(" )", 9996), true},
		{strings.Repeat("! ", 9995) + "src = 1.1.1.1", false},
		{strings.Repeat("! ", 9996) + "src = 1.1.1.1", true},
		// bison reduces the empty "=" before finding the error.
		{strings.Repeat("! ", 9996) + "src )", false},
		{strings.Repeat("! ", 9997) + "src )", true},
		{strings.Repeat("! ", 9997) + "sport >= )", true},
		{strings.Repeat("! ", 9998) + ")", false},
	}
	for _, tt := range tests {
		_, err := Parse([]string{tt.in}, Options{Resolver: newFakeResolver()})
		var fe *Error
		if !errors.As(err, &fe) && tt.exhausted {
			t.Errorf("%.20q...: %v, want memory exhausted", tt.in, err)
			continue
		}
		if got := err != nil && fe.Msg == msgExhausted; got != tt.exhausted {
			t.Errorf("%.20q... (%d words): err %v, exhausted want %v", tt.in, len(strings.Fields(tt.in)), err, tt.exhausted)
		}
	}
}

func TestParseReader(t *testing.T) {
	f, err := ParseReader(strings.NewReader("# comment\nsrc 10.0.0.0/8\n\tdport = :80\n"), Options{Resolver: newFakeResolver()})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.String(); got != "(src 10.0.0.0/8:* & dst *:80)" {
		t.Errorf("got %q", got)
	}
	// State words are read from the command line only.
	_, err = ParseReader(strings.NewReader("state listening\n"), Options{Resolver: newFakeResolver()})
	var fe *Error
	if !errors.As(err, &fe) || fe.Code != 1 {
		t.Errorf("state in a file: %v", err)
	}
}

func TestErrorText(t *testing.T) {
	_, err := Parse([]string{"("}, Options{Resolver: newFakeResolver()})
	if err == nil || err.Error() != `ss: bison bellows (while parsing filter): "syntax error!" Sorry.` {
		t.Errorf("Error() = %v", err)
	}
}

func TestScanState(t *testing.T) {
	for name, want := range map[string]stack.StateSet{
		"all": stack.StatesAll, "CONNECTED": stack.StatesConnected, "big": stack.StatesBig,
		"listening": 1 << stack.StateListen, "unknown": 1, "Time-Wait": 1 << stack.StateTimeWait,
	} {
		if got, ok := ScanState(name); !ok || got != want {
			t.Errorf("ScanState(%q) = %#x, %v; want %#x", name, got, ok, want)
		}
	}
	for _, name := range []string{"listen", "", "new-syn-recv", "estab"} {
		if _, ok := ScanState(name); ok {
			t.Errorf("ScanState(%q) accepted", name)
		}
	}
}
