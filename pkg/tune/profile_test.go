package tune

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	p, err := Parse("x.conf", []byte(`# a profile
[main]
name = mine
summary = for tests
[sysctl]
net.core.somaxconn = >8192   # only raise
net/ipv4/tcp_fin_timeout=<30
net.ipv4.tcp_rmem = 4096	87380   16777216
net.ipv4.tcp_congestion_control = bbr
[nic]
rings.rx = max
rings.tx = max/2
offload.gro = on
[nic eth0]
channels.combined = >4
coalesce.adaptive-rx = off
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sysctl||net.core.somaxconn|>|8192",
		"sysctl||net.ipv4.tcp_fin_timeout|<|30",
		"sysctl||net.ipv4.tcp_rmem||4096 87380 16777216",
		"sysctl||net.ipv4.tcp_congestion_control||bbr",
		"nic||rings.rx||max",
		"nic||rings.tx||max/2",
		"nic||offload.gro||on",
		"nic|eth0|channels.combined|>|4",
		"nic|eth0|coalesce.adaptive-rx||off",
	}
	if p.Name != "mine" || p.Summary != "for tests" || len(p.Set) != len(want) {
		t.Fatalf("got %+v", p)
	}
	for i, s := range p.Set {
		got := strings.Join([]string{string(s.Kind), s.Dev, s.Name, string(s.Op), s.Value}, "|")
		if got != want[i] {
			t.Errorf("setting %d: %s, want %s", i, got, want[i])
		}
	}
	// The written form reads back the same.
	q, err := Parse("again", []byte(p.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, p.String())
	}
	if q.String() != p.String() {
		t.Errorf("round trip:\n%s\nvs\n%s", p.String(), q.String())
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"net.core.somaxconn = 1", ":1: setting \"net.core.somaxconn\" outside a section"},
		{"[sysctl]\nnet.core.somaxconn", ":2: want KEY = VALUE"},
		{"[sysctl]\nnet.core.somaxconn =", "empty value"},
		{"[sysctl]\nnet.core.somaxconn = >many", "needs integers"},
		{"[sysctl]\nnet..x = 1", "bad sysctl name"},
		{"[sysctl]\na.b = 1\na.b = 2", ":3: a.b set twice"},
		{"[bogus]", "unknown section"},
		{"[nic eth0", "without ']'"},
		{"[nic]\nrings.rx = lots", "bad value"},
		{"[nic]\nrings.rx = max/0", "bad divisor"},
		{"[nic]\nrings.bogus = 1", "unknown rings parameter"},
		{"[nic]\ncoalesce.rx-usecs = max", "no maximum"},
		{"[nic]\noffload.gro = >on", "want on or off"},
		{"[nic]\nfoo = 1", "bad NIC setting"},
		{"[nic a/b]", "bad interface name"},
		{"[main]\ncolour = red", "unknown [main] key"},
		{"[sysctl]\na.b = 1\x00", "control character"},
	} {
		_, err := Parse("f", []byte(c.text))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want a ParseError with %q", c.text, err, c.want)
		}
	}
}

func TestBound(t *testing.T) {
	for _, c := range []struct {
		op             Op
		cur, val, want string
	}{
		{OpRaise, "4096", "8192", "8192"},
		{OpRaise, "16384", "8192", "16384"},
		{OpLower, "60", "30", "30"},
		{OpLower, "10", "30", "10"},
		{OpRaise, "4096 131072 6291456", "4096 87380 16777216", "4096 131072 16777216"},
		{OpLower, "4096 131072 6291456", "8192 87380 16777216", "4096 87380 6291456"},
	} {
		got, err := bound(c.op, c.cur, c.val)
		if err != nil || got != c.want {
			t.Errorf("%s%s on %s: %q %v, want %q", c.op, c.val, c.cur, got, err, c.want)
		}
	}
	if _, err := bound(OpRaise, "1 2", "3"); err == nil {
		t.Error("a vector bounded by a scalar: no error")
	}
	if _, err := bound(OpRaise, "cubic", "3"); err == nil {
		t.Error("a word raised: no error")
	}
}

func TestBuiltins(t *testing.T) {
	names := []string{}
	for _, p := range Builtins() {
		names = append(names, p.Name)
		if len(p.Set) == 0 || p.Summary == "" {
			t.Errorf("%s: %d settings, summary %q", p.Name, len(p.Set), p.Summary)
		}
	}
	if strings.Join(names, " ") != "defaults latency throughput web" {
		t.Errorf("built-ins %v", names)
	}
	d := Defaults(0)
	found := map[string]string{}
	for _, s := range d.Set {
		found[s.Name] = s.Value
	}
	// Linux's defaults, whatever the memory.
	for n, v := range map[string]string{"net.core.somaxconn": "4096", "net.ipv4.tcp_fin_timeout": "60",
		"net.core.netdev_max_backlog": "1000", "net.ipv4.ip_local_port_range": "32768 60999"} {
		if found[n] != v {
			t.Errorf("defaults: %s = %q, want %q", n, found[n], v)
		}
	}
	if _, ok := found["net.ipv4.tcp_congestion_control"]; ok {
		t.Error("defaults sets the build-dependent congestion control")
	}
	if p, err := Resolve("nosuch-profile", t.TempDir(), nil); err == nil {
		t.Errorf("unknown profile resolved: %v", p)
	}
}
