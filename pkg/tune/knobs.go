package tune

import "strings"

// Knob is a sysctl that tune shows and profiles may set.
type Knob struct {
	// Name is the dotted sysctl name ("net.core.somaxconn").
	Name string
	// Group sorts knobs for people ("socket buffers", "connections", ...).
	Group string
	// PerNetns means Linux keeps one value per network namespace and lets
	// each namespace write its own. Knobs without it are global or
	// writable only from the initial namespace: writing them from a test
	// namespace would change the whole host (fs.file-max is even writable
	// there), so tune refuses them in any other namespace. The list was
	// measured on Linux 6.18 (a fresh namespace: file present and mode
	// rw-) and is checked by TestPerNetnsKnobs.
	PerNetns bool
}

// Knobs is every sysctl tune shows, in the order it shows them: the seed
// text's "Network Tuning" section and tuned's network profiles.
var Knobs = []Knob{
	{"net.core.rmem_default", "socket buffers", false},
	{"net.core.rmem_max", "socket buffers", false},
	{"net.core.wmem_default", "socket buffers", false},
	{"net.core.wmem_max", "socket buffers", false},
	{"net.core.optmem_max", "socket buffers", true},
	{"net.ipv4.tcp_rmem", "socket buffers", true},
	{"net.ipv4.tcp_wmem", "socket buffers", true},
	{"net.ipv4.tcp_mem", "socket buffers", false},
	{"net.ipv4.udp_mem", "socket buffers", false},
	{"net.ipv4.tcp_moderate_rcvbuf", "socket buffers", true},
	{"net.ipv4.tcp_adv_win_scale", "socket buffers", true},
	{"net.ipv4.tcp_notsent_lowat", "socket buffers", true},

	{"net.core.somaxconn", "connections", true},
	{"net.ipv4.tcp_max_syn_backlog", "connections", true},
	{"net.ipv4.tcp_syncookies", "connections", true},
	{"net.ipv4.tcp_abort_on_overflow", "connections", true},
	{"net.ipv4.tcp_fastopen", "connections", true},
	{"net.ipv4.tcp_tw_reuse", "connections", true},
	{"net.ipv4.tcp_fin_timeout", "connections", true},
	{"net.ipv4.ip_local_port_range", "connections", true},
	{"net.ipv4.tcp_max_tw_buckets", "connections", true},
	{"net.ipv4.tcp_max_orphans", "connections", false},
	{"net.ipv4.tcp_keepalive_time", "connections", true},
	{"net.ipv4.tcp_keepalive_intvl", "connections", true},
	{"net.ipv4.tcp_keepalive_probes", "connections", true},
	{"net.ipv4.tcp_syn_retries", "connections", true},
	{"net.ipv4.tcp_synack_retries", "connections", true},
	{"net.ipv4.tcp_retries2", "connections", true},
	{"fs.file-max", "connections", false},

	{"net.core.netdev_max_backlog", "softnet", false},
	{"net.core.netdev_budget", "softnet", false},
	{"net.core.netdev_budget_usecs", "softnet", false},
	{"net.core.dev_weight", "softnet", false},
	{"net.core.busy_read", "softnet", false},
	{"net.core.busy_poll", "softnet", false},

	{"net.core.default_qdisc", "tcp", false},
	{"net.ipv4.tcp_congestion_control", "tcp", true},
	{"net.ipv4.tcp_slow_start_after_idle", "tcp", true},
	{"net.ipv4.tcp_mtu_probing", "tcp", true},
	{"net.ipv4.tcp_window_scaling", "tcp", true},
	{"net.ipv4.tcp_timestamps", "tcp", true},
	{"net.ipv4.tcp_sack", "tcp", true},
	{"net.ipv4.tcp_ecn", "tcp", true},
	{"net.ipv4.tcp_autocorking", "tcp", true},
	{"net.ipv4.tcp_limit_output_bytes", "tcp", true},
	{"net.ipv4.tcp_no_metrics_save", "tcp", true},

	{"net.netfilter.nf_conntrack_max", "conntrack", false},
	{"net.netfilter.nf_conntrack_tcp_timeout_established", "conntrack", true},
	{"net.netfilter.nf_conntrack_tcp_timeout_time_wait", "conntrack", true},
}

// LookupKnob returns the catalogue entry of a sysctl.
func LookupKnob(name string) (Knob, bool) {
	for _, k := range Knobs {
		if k.Name == name {
			return k, true
		}
	}
	return Knob{}, false
}

// PerNetns reports whether a sysctl may be written from a network
// namespace other than the initial one without touching the host: only
// knobs of the catalogue marked PerNetns. Every other name, including
// sysctls tune does not know, is refused there.
func PerNetns(name string) bool {
	k, ok := LookupKnob(name)
	return ok && k.PerNetns && strings.HasPrefix(name, "net.")
}
