package doctor

import (
	"fmt"
	"strconv"
)

// checkListen finds accept queue overflows.
func checkListen(s *Snapshot, c Commands) ([]Finding, string) {
	over1, ok1 := s.counter("TcpExtListenOverflows")
	drops, ok2 := s.counter("TcpExtListenDrops")
	if !ok1 && !ok2 {
		return nil, "no TcpExt counters"
	}
	if over1 == 0 && drops == 0 {
		return nil, ""
	}
	evs := []Evidence{ev("TcpExtListenOverflows", over1), ev("TcpExtListenDrops", drops)}
	for _, name := range []string{"TcpExtTCPReqQFullDrop", "TcpExtTCPReqQFullDoCookies", "TcpExtSyncookiesSent"} {
		if v, ok := s.counter(name); ok && v > 0 {
			evs = append(evs, ev(name, v))
		}
	}
	var full *Listener
	for i := range s.Listeners {
		l := &s.Listeners[i]
		if full == nil || l.Queue*1000/max(l.Backlog, 1) > full.Queue*1000/max(full.Backlog, 1) {
			full = l
		}
	}
	if full != nil {
		evs = append(evs, ev("listener "+full.Local+" accept queue", fmt.Sprintf("%d of %d", full.Queue, full.Backlog)))
	}
	somax, okS := s.sysctlInt("net.core.somaxconn")
	if okS {
		evs = append(evs, ev("net.core.somaxconn", somax))
	}
	syn, okB := s.sysctlInt("net.ipv4.tcp_max_syn_backlog")
	if okB {
		evs = append(evs, ev("net.ipv4.tcp_max_syn_backlog", syn))
	}
	f := Finding{Severity: Warning,
		Title:    fmt.Sprintf("%d connections overflowed a listen queue %s%s", max(over1, drops), over(s), perSecond(s, max(over1, drops))),
		Evidence: evs,
		Meaning: "A listening socket's accept queue (its listen() backlog, capped by net.core.somaxconn) was " +
			"full when a handshake completed, so the kernel dropped the client's ACK (or the SYN): the " +
			"client retries after a timeout of a second or more. The application accepts too slowly for " +
			"the connection rate, or its backlog is too small. Raise somaxconn and the backlog the " +
			"application passes to listen(), and accept faster.",
	}
	if okS {
		f.Fix = append(f.Fix, c.setSysctl("net.core.somaxconn", raise(somax, 4096)))
	}
	if rq, _ := s.counter("TcpExtTCPReqQFullDrop"); rq > 0 && okB {
		f.Fix = append(f.Fix, c.setSysctl("net.ipv4.tcp_max_syn_backlog", raise(syn, 4096)))
	}
	if sc, ok := s.sysctlInt("net.ipv4.tcp_syncookies"); ok && sc == 0 {
		f.Fix = append(f.Fix, c.setSysctl("net.ipv4.tcp_syncookies", 1))
	}
	return []Finding{f}, ""
}

// Retransmission thresholds: the share of segments sent that were
// retransmissions (in basis points), and the segments sent below which
// the share means nothing.
const (
	retransWarnBP     = 100 // 1%
	retransCriticalBP = 500 // 5%
	retransMinSegs    = 1000
)

// checkRetrans finds a high retransmission rate.
func checkRetrans(s *Snapshot, c Commands) ([]Finding, string) {
	out, ok1 := s.counter("TcpOutSegs")
	re, ok2 := s.counter("TcpRetransSegs")
	if !ok1 || !ok2 {
		return nil, "no Tcp counters"
	}
	if out < retransMinSegs || re*10000 < out*retransWarnBP {
		return nil, ""
	}
	sev := Warning
	if re*10000 >= out*retransCriticalBP {
		sev = Critical
	}
	evs := []Evidence{ev("TcpRetransSegs", re), ev("TcpOutSegs", out), ev("retransmitted", pct(re, out))}
	for _, name := range []string{"TcpExtTCPTimeouts", "TcpExtTCPLostRetransmit", "TcpExtTCPSynRetrans", "TcpExtTCPFastRetrans"} {
		if v, ok := s.counter(name); ok && v > 0 {
			evs = append(evs, ev(name, v))
		}
	}
	cc, _ := s.sysctl("net.ipv4.tcp_congestion_control")
	if cc != "" {
		evs = append(evs, ev("net.ipv4.tcp_congestion_control", cc))
	}
	f := Finding{Severity: sev,
		Title:    fmt.Sprintf("%s of TCP segments sent were retransmissions %s", pct(re, out), over(s)),
		Evidence: evs,
		Meaning: "TCP resent segments it took for lost: packets are lost on the path (a congested link, " +
			"a full queue, drops at a NIC or backlog) or delayed long enough to time out. Loss cuts the " +
			"congestion window and so the throughput; timeouts add hundreds of milliseconds. Look for drops " +
			"on the way (ss -ti shows retransmissions per connection); BBR with fq pacing keeps throughput " +
			"up under random loss.",
	}
	if cc != "bbr" {
		f.Fix = append(f.Fix, c.setSysctl("net.core.default_qdisc", "fq"), c.setSysctl("net.ipv4.tcp_congestion_control", "bbr"))
	}
	return []Finding{f}, ""
}

// twWarnPercent is the share of tcp_max_tw_buckets at which time-wait
// reports.
const twWarnPercent = 80

// checkTimeWait finds TIME_WAIT sockets near or past tcp_max_tw_buckets.
func checkTimeWait(s *Snapshot, c Commands) ([]Finding, string) {
	if s.Sockets == nil {
		return nil, "no socket summary"
	}
	limit, ok := s.sysctlInt("net.ipv4.tcp_max_tw_buckets")
	if !ok {
		return nil, "no net.ipv4.tcp_max_tw_buckets"
	}
	tw := int64(s.Sockets.TCPTimeWait)
	overflow, _ := s.counter("TcpExtTCPTimeWaitOverflow")
	if overflow == 0 && (limit <= 0 || tw*100 < limit*twWarnPercent) {
		return nil, ""
	}
	evs := []Evidence{ev("TIME_WAIT sockets", tw), ev("net.ipv4.tcp_max_tw_buckets", limit), ev("TcpExtTCPTimeWaitOverflow", overflow)}
	reuse, okR := s.sysctlInt("net.ipv4.tcp_tw_reuse")
	if okR {
		evs = append(evs, ev("net.ipv4.tcp_tw_reuse", reuse))
	}
	title := fmt.Sprintf("%d TIME_WAIT sockets against a limit of %d", tw, limit)
	if overflow > 0 {
		title += fmt.Sprintf("; %d closing connections skipped TIME_WAIT", overflow)
	}
	f := Finding{Severity: Warning, Title: title, Evidence: evs,
		Meaning: "Connections closed first by this host wait 60 s in TIME_WAIT; at tcp_max_tw_buckets the " +
			"kernel destroys them at once instead (\"TCP: time wait bucket table overflow\", " +
			"TcpExtTCPTimeWaitOverflow), losing TIME_WAIT's protection against old segments and late " +
			"FINs. Many short connections close here: reuse connections (keep-alive), let the peer close, " +
			"or raise the limit; tcp_tw_reuse=1 lets new outgoing connections take over TIME_WAIT ports.",
	}
	f.Fix = append(f.Fix, c.setSysctl("net.ipv4.tcp_max_tw_buckets", raise(max(limit, tw), 262144)))
	if okR && reuse != 1 {
		f.Fix = append(f.Fix, c.setSysctl("net.ipv4.tcp_tw_reuse", 1))
	}
	return []Finding{f}, ""
}

// portsWarnPercent is the share of ip_local_port_range that sockets to one
// destination may hold before local-ports reports.
const portsWarnPercent = 80

// checkLocalPorts finds a destination that holds most of the ephemeral
// ports.
func checkLocalPorts(s *Snapshot, c Commands) ([]Finding, string) {
	r, ok := s.sysctlInts("net.ipv4.ip_local_port_range")
	if !ok || len(r) != 2 {
		return nil, "no net.ipv4.ip_local_port_range"
	}
	if s.Ports.Top == "" {
		return nil, ""
	}
	span := r[1] - r[0] + 1
	if span <= 0 || int64(s.Ports.Count)*100 < span*portsWarnPercent {
		return nil, ""
	}
	evs := []Evidence{
		ev("net.ipv4.ip_local_port_range", strconv.FormatInt(r[0], 10)+" "+strconv.FormatInt(r[1], 10)),
		ev("ports in the range", span),
		ev("sockets to "+s.Ports.Top, s.Ports.Count),
		ev("sockets holding ports of the range", s.Ports.InRange),
	}
	if s.Sockets != nil {
		evs = append(evs, ev("TIME_WAIT sockets", s.Sockets.TCPTimeWait))
	}
	f := Finding{Severity: Warning, Subject: s.Ports.Top,
		Title:    fmt.Sprintf("%d of %d local ports are in use towards %s", s.Ports.Count, span, s.Ports.Top),
		Evidence: evs,
		Meaning: "Every connection to one destination address and port needs its own local port from " +
			"ip_local_port_range, including those in TIME_WAIT. When they run out, connect() fails with " +
			"EADDRNOTAVAIL (\"Cannot assign requested address\"). Widen the range, let new connections " +
			"reuse TIME_WAIT ports (tcp_tw_reuse), reuse connections, or spread over more destination " +
			"addresses.",
	}
	if r[0] > 1024 || r[1] < 65535 {
		f.Fix = append(f.Fix, c.setSysctl("net.ipv4.ip_local_port_range", "1024 65535"))
	}
	if reuse, ok := s.sysctlInt("net.ipv4.tcp_tw_reuse"); ok && reuse != 1 {
		f.Fix = append(f.Fix, c.setSysctl("net.ipv4.tcp_tw_reuse", 1))
	}
	return []Finding{f}, ""
}
