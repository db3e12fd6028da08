// Package sysctl is the reference stack's sysctl tree: every knob the
// simulated stack honours, under the dotted names `sysctl -a` prints
// ("net.ipv4.tcp_rmem"), with the defaults, ranges and write semantics of
// Linux 6.18.
//
// Each simulated host owns a Tree (New, then Clone for the others). Applets
// and scenarios read and write it by name with Get and Set, which format and
// parse values as /proc/sys does; the engine reads it on its hot paths by
// Knob, an array index (t.Int(sysctl.TCPSynRetries)), and learns of changes
// through OnChange.
//
// Where the defaults come from:
//
//   - Per-namespace knobs: what a fresh network namespace shows on Linux
//     6.18 (kernel_linux_test.go checks them against the running kernel).
//   - Global knobs (net.core.netdev_*, dev_weight, busy_*, default_qdisc,
//     tcp_mem, udp_mem, tcp_max_orphans, fs.*): the kernel's boot defaults.
//   - Memory-derived knobs (MemoryDerived): the kernel's formulas for a
//     16 GiB reference machine, not the machine running the simulation.
//   - Tick-derived knobs: HZ = 250, so net.core.netdev_budget_usecs is 8000
//     (two ticks) and jiffies-backed knobs accept |seconds| <= INT_MAX/250.
//   - Build-derived knobs: CONFIG_DEFAULT_TCP_CONG is taken as "cubic"
//     (upstream's default; this machine's kernel is built with "bbr"), so
//     tcp_congestion_control is cubic and tcp_allowed_congestion_control
//     "reno cubic"; tcp_available_congestion_control lists the algorithms
//     the owner declares (SetAvailableCongestionControl).
//
// A Tree plays the initial network namespace of its host: knobs Linux makes
// read-only in other namespaces (net.core.rmem_max, nf_conntrack_max, ...)
// are writable. Only nf_conntrack_count, nf_conntrack_buckets and
// tcp_available_congestion_control are read-only; the stack publishes the
// first two with Publish.
package sysctl
