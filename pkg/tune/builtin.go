package tune

import (
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// builtinText holds the built-in profiles in the file format, so that
// they read as a user's profile would (and go through the same parser).
var builtinText = []string{`[main]
name = latency
summary = low latency: busy polling, no slow start after idle, no interrupt coalescing delays (tuned network-latency)
[sysctl]
net.core.busy_read = >50
net.core.busy_poll = >50
net.ipv4.tcp_fastopen = 3
net.ipv4.tcp_slow_start_after_idle = 0
net.ipv4.tcp_notsent_lowat = <131072
net.ipv4.tcp_autocorking = 0
[nic]
coalesce.adaptive-rx = off
coalesce.rx-usecs = <8
coalesce.rx-frames = <1
offload.lro = off
`, `[main]
name = throughput
summary = bulk throughput: large socket buffers, deeper backlogs and budgets, rings and channels at their maximum (tuned network-throughput)
[sysctl]
net.core.rmem_max = >16777216
net.core.wmem_max = >16777216
net.ipv4.tcp_rmem = >4096 87380 16777216
net.ipv4.tcp_wmem = >4096 65536 16777216
net.core.netdev_max_backlog = >5000
net.core.netdev_budget = >600
net.ipv4.tcp_mtu_probing = 1
net.ipv4.tcp_slow_start_after_idle = 0
[nic]
rings.rx = max
rings.tx = max
channels.combined = max
offload.gro = on
offload.gso = on
offload.tso = on
`, `[main]
name = web
summary = many connections: deep accept and SYN queues, syncookies, a wide local port range, quick TIME_WAIT reuse, a large conntrack table
[sysctl]
net.core.somaxconn = >65535
net.ipv4.tcp_max_syn_backlog = >65535
net.ipv4.tcp_syncookies = 1
net.ipv4.ip_local_port_range = 1024 65535
net.ipv4.tcp_tw_reuse = 1
net.ipv4.tcp_fin_timeout = <30
net.ipv4.tcp_max_tw_buckets = >1440000
net.core.netdev_max_backlog = >16384
net.netfilter.nf_conntrack_max = >1000000
`}

var builtins []*Profile

func init() {
	for _, text := range builtinText {
		p, err := Parse("built-in", []byte(text))
		if err != nil {
			panic("tune: built-in profile: " + err.Error())
		}
		builtins = append(builtins, p)
	}
}

// defaultsSkipped are catalogue knobs left out of the defaults profile:
// their boot default depends on the kernel's build (the default
// congestion control) or follows the machine's memory only roughly.
var defaultsSkipped = map[string]bool{
	"net.ipv4.tcp_congestion_control": true,
	"net.ipv4.tcp_mem":                true,
	"net.ipv4.udp_mem":                true,
	"fs.file-max":                     true,
}

// Defaults returns the "defaults" profile: the kernel's boot defaults of
// the catalogue's knobs for a machine of mem bytes (the reference
// machine's when mem is 0), from the reference stack's sysctl tree,
// which follows Linux 6.18. NIC defaults are the driver's and unknown:
// the profile has none.
func Defaults(mem int64) *Profile {
	if mem <= 0 {
		mem = sysctl.ReferenceMemory
	}
	t := sysctl.NewWithMemory(mem)
	p := &Profile{Name: "defaults", Source: "built-in",
		Summary: "the kernel's defaults (Linux 6.18, sized for this machine's memory)"}
	for _, k := range Knobs {
		if defaultsSkipped[k.Name] {
			continue
		}
		v, err := t.Get(k.Name)
		if err != nil {
			continue
		}
		p.Set = append(p.Set, Setting{Kind: KindSysctl, Name: k.Name, Value: normalize(v)})
	}
	return p
}

// Builtin returns a built-in profile by name, nil when there is none;
// "defaults" is sized for the reference machine (see Resolve).
func Builtin(name string) *Profile {
	if name == "defaults" {
		return Defaults(0)
	}
	for _, p := range builtins {
		if p.Name == name {
			c := *p
			c.Source = "built-in"
			return &c
		}
	}
	return nil
}

// Builtins returns the built-in profiles in the order tune lists them.
func Builtins() []*Profile {
	out := []*Profile{Builtin("defaults")}
	for _, p := range builtins {
		out = append(out, Builtin(p.Name))
	}
	return out
}

// Resolve loads a profile for a target: "defaults" sized for the
// target's memory, the other built-ins, or a file (see Load).
func Resolve(name, dir string, t Target) (*Profile, error) {
	if name == "defaults" && t != nil {
		return Defaults(t.MemTotal()), nil
	}
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("no profile named")
	}
	return Load(name, dir)
}
