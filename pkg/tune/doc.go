// Package tune reads, changes and restores a network stack's tuning
// knobs: the sysctls of the seed text's "Network Tuning" section and of
// tuned's network profiles (Knobs), and per NIC its rings, channels,
// coalescing and offloads. It works on a Target: the host kernel (Host,
// the current or a named network namespace) or a host of the reference
// stack (Sim).
//
// # Profiles
//
// A profile is a list of settings in a tuned-like INI file:
//
//	# comments start with # or ;
//	[main]
//	name = mine                   # optional: the file's base name otherwise
//	summary = what it is for
//
//	[sysctl]
//	net.core.somaxconn = 4096     # set
//	net.core.rmem_max = >16777216 # only raise: max(current, value)
//	net.ipv4.tcp_fin_timeout = <30 # only lower: min(current, value)
//	net.ipv4.tcp_rmem = >4096 87380 16777216  # vectors element by element
//	net.ipv4.tcp_congestion_control = bbr
//
//	[nic]                         # every NIC of the target (not lo)
//	rings.rx = max                # the NIC's pre-set maximum
//	rings.tx = max/2              # half of it
//	channels.combined = >4
//	coalesce.adaptive-rx = off
//	coalesce.rx-usecs = <8
//	offload.gro = on              # ethtool's legacy names or kernel feature names
//
//	[nic eth0]                    # one NIC; overrides [nic] for it
//	rings.rx = 4096
//
// Groups and parameters are ethtool's: rings (rx, rx-mini, rx-jumbo, tx),
// channels (rx, tx, other, combined), coalesce (the -C parameters) and
// offload (features, on or off). Settings apply in file order; a setting
// may appear once per section. Built-in profiles: defaults (the kernel's
// boot defaults, Defaults), latency, throughput and web (many
// connections).
//
// # Safety
//
// Apply writes a journal before it changes anything: a file under
// Dir()/KEY (KEY "host" or "netns-NAME"), created under a temporary name,
// fsync'd and linked into place, holding every change with its original
// value. Each change is marked begun (fsync'd) before it is made and done
// after, so that a crash leaves a journal saying which changes may have
// been made; Rollback restores those, last first (restoring a value that
// never changed is harmless). A failure undoes what the apply changed.
// Journals stack: each rollback undoes the latest. A knob this kernel
// lacks is reported, not fatal. In a network namespace other than the
// initial one, a knob that is not per-namespace is skipped, never written
// (Knob.PerNetns): from there it would change the whole host.
//
// On the reference stack (Sim) changes last for the run that made them:
// until simulation sessions exist, nothing is journalled.
package tune
