package ss

import (
	"math"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

const (
	afInet  = 2
	afInet6 = 10
)

// stateCols prints Netid, State and the queues (ss's sock_state_print).
func (w *Writer) stateCols(s *stack.Socket, state stack.State) {
	w.set(colNetid)
	w.outs(s.Table.Netid())
	w.set(colState)
	w.outs(stateName(state))
	w.set(colRecvQ)
	b, st := w.begin()
	w.end(padRight(appendInt(b, int64(int32(s.RecvQ))), st, 6), st)
	w.set(colSendQ)
	b, st = w.begin()
	w.end(padRight(appendInt(b, int64(int32(s.SendQ))), st, 6), st)
	w.set(colAddr)
}

// addrPort prints an address field ending in delim and a port field (ss's
// sock_addr_print); addr is already in the buffer from start.
func (w *Writer) addrPort(b []byte, start int, delim, port string) {
	w.end(append(b, delim...), start)
	w.next()
	w.outs(port)
	w.next()
}

func (w *Writer) inet(s *stack.Socket) {
	w.stateCols(s, s.State)
	v6only := s.Family == afInet6 && s.HasV6Only && s.V6Only
	proto := serviceProto(s.Table)
	if w.o.Events {
		// ss -E looks services up before any table set its protocol:
		// getservbyport with no protocol.
		proto = ""
	}
	w.inetAddr(s, &s.Local, s.Local.Ifindex, v6only, proto)
	w.inetAddr(s, &s.Peer, 0, v6only, proto)
	w.usersField(s)
	if s.FromProc {
		if s.Table == stack.TableTCP {
			if w.o.timers() {
				w.timer(s)
			}
			if w.o.Extended {
				w.details(s, true)
			}
		}
		return
	}
	if w.o.timers() {
		w.timer(s)
	}
	if w.o.Extended {
		w.details(s, true)
		b, st := w.begin()
		if s.Family == afInet6 && s.HasV6Only {
			v := uint64(0)
			if s.V6Only {
				v = 1
			}
			b = kv(b, " v6only:", v)
		}
		if s.HasShutdown {
			b = appendShutdown(b, s.Shutdown)
		}
		w.end(b, st)
	}
	if w.o.TOS {
		b, st := w.begin()
		if s.HasTOS {
			b = appendAltHex(append(b, " tos:"...), uint64(s.TOS))
		}
		if s.HasTClass {
			b = appendAltHex(append(b, " tclass:"...), uint64(s.TClass))
		}
		if s.HasClass {
			b = appendAltHex(append(b, " class_id:"...), uint64(s.ClassID))
		}
		w.end(b, st)
	}
	if w.o.Cgroup && s.CgroupID != 0 {
		b, st := w.begin()
		w.end(w.appendCgroup(append(b, " cgroup:"...), s.CgroupID), st)
	}
	if w.o.InetSockopt && s.HasSockOpt {
		b, st := w.begin()
		w.end(w.appendSockopt(b, s.SockOpt), st)
	}
	if w.o.Memory || (w.o.Info && s.Table != stack.TableUDP) {
		b, st := w.begin()
		if !w.o.OneLine {
			b = append(b, "\n\t"...)
		}
		if w.o.Memory {
			b = appendSkMem(b, s, true)
		}
		if w.o.Info {
			if s.Table == stack.TableMPTCP {
				if s.MPTCP != nil {
					b = appendMPTCP(b, s.MPTCP)
				}
			} else {
				if s.TCP != nil {
					b = w.appendTCPStats(b, s)
				}
				if len(s.MD5Keys) > 0 {
					b = w.appendMD5Keys(b, s.MD5Keys)
				}
				if s.ULP != "" {
					b = append(append(b, " tcp-ulp-"...), s.ULP...)
				}
				if s.TLS != nil {
					b = appendTLS(b, s.TLS)
				}
				if s.Subflow != nil {
					b = appendSubflow(b, s.Subflow)
				}
			}
		}
		w.end(b, st)
	}
}

// inetAddr prints an inet address and port (ss's inet_addr_print).
func (w *Writer) inetAddr(s *stack.Socket, e *stack.Endpoint, ifindex uint32, v6only bool, proto string) {
	b, st := w.begin()
	if s.Family == afInet6 {
		a16 := addr16(e.Addr)
		if !v6only && a16 == ([16]byte{}) {
			b = append(b, '*')
		} else {
			name := ""
			if w.o.Resolve {
				name = w.names.HostName(e.Addr)
			}
			if name == "" {
				b = append(b, '[')
				b = appendIPv6(b, a16)
				b = append(b, ']')
			} else if strings.IndexByte(name, ':') >= 0 {
				b = append(append(append(b, '['), name...), ']')
			} else {
				b = append(b, name...)
			}
		}
	} else {
		name := ""
		if w.o.Resolve {
			name = w.names.HostName(e.Addr)
		}
		if name != "" {
			b = append(b, name...)
		} else {
			b = appendIPv4(b, addr4(e.Addr))
		}
	}
	if ifindex != 0 {
		b = append(b, '%')
		b = w.appendIfName(b, ifindex)
	}
	b = append(b, ':')
	w.end(b, st)
	w.next()
	b, st = w.begin()
	w.end(w.appendService(b, e.Port, proto), st)
	w.next()
}

func (w *Writer) appendIfName(b []byte, ifindex uint32) []byte {
	if name := w.names.InterfaceName(ifindex); name != "" {
		return append(b, name...)
	}
	return appendUint(append(b, "if"...), uint64(ifindex))
}

func (w *Writer) appendCgroup(b []byte, id uint64) []byte {
	if p := w.names.CgroupPath(id); p != "" {
		return append(b, p...)
	}
	return appendHex(append(b, "unreachable:"...), id)
}

// appendService appends a port as ss's resolve_service does.
func (w *Writer) appendService(b []byte, port uint16, proto string) []byte {
	switch {
	case port == 0:
		return append(b, '*')
	case w.o.Numeric:
		return appendUint(b, uint64(port))
	case proto == "raw":
		if port <= 255 {
			if name, ok := w.db.ProtocolByNumber(uint8(port)); ok {
				return append(b, name...)
			}
		}
		return appendUint(append(b, "ipproto-"...), uint64(port))
	}
	if !w.ephemeral(port) {
		if name, ok := w.db.ServiceByPort(port, proto); ok {
			return append(b, name...)
		}
	}
	return appendUint(b, uint64(port))
}

// usersField prints " users:(...)" (ss's proc_ctx_print).
func (w *Writer) usersField(s *stack.Socket) {
	if !w.o.users() || s.Inode == 0 || len(s.Users) == 0 {
		return
	}
	b, st := w.begin()
	b = append(b, " users:("...)
	for i, u := range s.Users {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "(\""...)
		b = append(b, u.Name...)
		b = kvi(append(b, '"'), ",pid=", int64(int32(u.PID)))
		b = append(b, ',')
		if w.o.Threads {
			b = append(kvi(b, "tid=", int64(int32(u.TID))), ',')
		}
		b = append(kvi(b, "fd=", int64(int32(u.FD))), ')')
	}
	w.end(append(b, ')'), st)
}

func (w *Writer) timer(s *stack.Socket) {
	if s.Timer.Kind == 0 {
		return
	}
	b, st := w.begin()
	b = append(b, " timer:("...)
	b = append(b, timerName(s.Timer.Kind)...)
	b = append(b, ',')
	b = appendMsTimer(b, s.Timer.Expires)
	b = kv(append(b, ','), "", uint64(s.Timer.Retrans))
	w.end(append(b, ')'), st)
}

// details prints uid, inode, cookie, and for inet sockets mark and
// cgroup (ss's sock_details_print).
func (w *Writer) details(s *stack.Socket, inet bool) {
	b, st := w.begin()
	if s.UID != 0 {
		b = kv(b, " uid:", uint64(s.UID))
	}
	b = kv(b, " ino:", uint64(s.Inode))
	b = appendHex(append(b, " sk:"...), s.Cookie)
	if inet && !s.FromProc {
		if s.Mark != 0 {
			b = appendHex(append(b, " fwmark:0x"...), uint64(s.Mark))
		}
		if s.CgroupID != 0 {
			b = w.appendCgroup(append(b, " cgroup:"...), s.CgroupID)
		}
	}
	w.end(b, st)
}

func appendShutdown(b []byte, mask uint8) []byte {
	b = append(b, ' ')
	if mask&1 != 0 {
		b = append(b, '-')
	} else {
		b = append(b, '<')
	}
	b = append(b, '-')
	if mask&2 != 0 {
		return append(b, '-')
	}
	return append(b, '>')
}

var sockoptNames = [...]string{
	" recverr", " is_icsk", " freebind", " hdrincl", " mc_loop", " transparent",
	" mc_all", " nodefrag", " bind_addr_no_port", " recverr_rfc4884", " defer_connect",
}

func (w *Writer) appendSockopt(b []byte, opt uint16) []byte {
	if w.o.OneLine {
		b = append(b, " inet-sockopt: ("...)
	} else {
		b = append(b, "\n\tinet-sockopt: ("...)
	}
	for i, name := range sockoptNames {
		if opt&(1<<i) != 0 {
			b = append(b, name...)
		}
	}
	return append(b, ')')
}

// appendSkMem appends ss's print_skmeminfo; inet sockets without
// SK_MEMINFO fall back to inet_diag_meminfo.
func appendSkMem(b []byte, s *stack.Socket, inet bool) []byte {
	m := s.SkMem
	if m == nil {
		if inet && s.Mem != nil {
			b = kv(b, " mem:(r", uint64(s.Mem.RMem))
			b = kv(b, ",w", uint64(s.Mem.WMem))
			b = kv(b, ",f", uint64(s.Mem.FMem))
			b = kv(b, ",t", uint64(s.Mem.TMem))
			b = append(b, ')')
		}
		return b
	}
	b = kv(b, " skmem:(r", uint64(m.RMemAlloc))
	b = kv(b, ",rb", uint64(m.RcvBuf))
	b = kv(b, ",t", uint64(m.WMemAlloc))
	b = kv(b, ",tb", uint64(m.SndBuf))
	b = kv(b, ",f", uint64(m.FwdAlloc))
	b = kv(b, ",w", uint64(m.WMemQueued))
	b = kv(b, ",o", uint64(m.OptMem))
	if m.N >= 8 {
		b = kv(b, ",bl", uint64(m.Backlog))
	}
	if m.N >= 9 {
		b = kv(b, ",d", uint64(m.Drops))
	}
	return append(b, ')')
}

func appendMPTCP(b []byte, m *stack.MPTCPInfo) []byte {
	if m.Subflows != 0 {
		b = kv(b, " subflows:", uint64(m.Subflows))
	}
	if m.AddAddrSignal != 0 {
		b = kv(b, " add_addr_signal:", uint64(m.AddAddrSignal))
	}
	if m.AddAddrAccepted != 0 {
		b = kv(b, " add_addr_accepted:", uint64(m.AddAddrAccepted))
	}
	if m.SubflowsMax != 0 {
		b = kv(b, " subflows_max:", uint64(m.SubflowsMax))
	}
	if m.AddAddrSignalMax != 0 {
		b = kv(b, " add_addr_signal_max:", uint64(m.AddAddrSignalMax))
	}
	if m.AddAddrAcceptedMax != 0 {
		b = kv(b, " add_addr_accepted_max:", uint64(m.AddAddrAcceptedMax))
	}
	if m.Flags&1 != 0 {
		b = append(b, " fallback"...)
	}
	if m.Flags&2 != 0 {
		b = append(b, " remote_key"...)
	}
	if m.Token != 0 {
		b = appendHex(append(b, " token:"...), uint64(m.Token))
	}
	if m.WriteSeq != 0 {
		b = appendHex(append(b, " write_seq:"...), m.WriteSeq)
	}
	if m.SndUna != 0 {
		b = appendHex(append(b, " snd_una:"...), m.SndUna)
	}
	if m.RcvNxt != 0 {
		b = appendHex(append(b, " rcv_nxt:"...), m.RcvNxt)
	}
	return b
}

// tcpSendBps is ss's "send" rate: cwnd * mss * 8 / rtt, with the Vegas
// RTT when Vegas reports one.
func tcpSendBps(s *stack.Socket) float64 {
	ti := s.TCP
	rtt := float64(ti.RTT)
	if v := s.Vegas; v != nil && v.Enabled != 0 && v.RTT != 0 && v.RTT != 0x7fffffff {
		rtt = float64(v.RTT)
	}
	if rtt > 0 && ti.SndMSS != 0 && ti.SndCwnd != 0 {
		return float64(ti.SndCwnd) * float64(ti.SndMSS) * 8000000. / rtt
	}
	return 0
}

// appendTCPStats appends ss's tcp_stats_print for s.TCP.
func (w *Writer) appendTCPStats(b []byte, s *stack.Socket) []byte {
	ti := s.TCP
	num := w.o.Numeric
	if w.o.timers() {
		if ti.Options&stack.TCPOptTimestamps != 0 {
			b = append(b, " ts"...)
		}
		if ti.Options&stack.TCPOptSACK != 0 {
			b = append(b, " sack"...)
		}
		if ti.Options&stack.TCPOptECN != 0 {
			b = append(b, " ecn"...)
		}
		if ti.Options&stack.TCPOptECNSeen != 0 {
			b = append(b, " ecnseen"...)
		}
		if ti.Options&stack.TCPOptSynData != 0 {
			b = append(b, " fastopen"...)
		}
	}
	if cong := congName(s.Cong); cong != "" {
		b = append(append(b, ' '), cong...)
	}
	if ti.Options&stack.TCPOptWscale != 0 {
		b = kv(b, " wscale:", uint64(ti.SndWscale))
		b = kv(b, ",", uint64(ti.RcvWscale))
	}
	if ti.RTO != 0 && ti.RTO != 3000000 {
		b = kvg(b, " rto:", float64(ti.RTO)/1000)
	}
	if ti.Backoff != 0 {
		b = kv(b, " backoff:", uint64(ti.Backoff))
	}
	if rtt := float64(ti.RTT) / 1000; rtt != 0 {
		b = kvg(b, " rtt:", rtt)
		b = kvg(b, "/", float64(ti.RTTVar)/1000)
	}
	if ato := float64(ti.ATO) / 1000; ato != 0 {
		b = kvg(b, " ato:", ato)
	}
	if ti.SndMSS != 0 {
		b = kvi(b, " mss:", int64(int32(ti.SndMSS)))
	}
	if ti.PMTU != 0 {
		b = kv(b, " pmtu:", uint64(ti.PMTU))
	}
	if ti.RcvMSS != 0 {
		b = kvi(b, " rcvmss:", int64(int32(ti.RcvMSS)))
	}
	if ti.AdvMSS != 0 {
		b = kvi(b, " advmss:", int64(int32(ti.AdvMSS)))
	}
	if ti.SndCwnd != 0 {
		b = kv(b, " cwnd:", uint64(ti.SndCwnd))
	}
	if ti.SndSsthresh < 0xFFFF && ti.SndSsthresh != 0 {
		b = kvi(b, " ssthresh:", int64(ti.SndSsthresh))
	}
	if ti.BytesSent != 0 {
		b = kv(b, " bytes_sent:", ti.BytesSent)
	}
	if ti.BytesRetrans != 0 {
		b = kv(b, " bytes_retrans:", ti.BytesRetrans)
	}
	if ti.BytesAcked != 0 {
		b = kv(b, " bytes_acked:", ti.BytesAcked)
	}
	if ti.BytesReceived != 0 {
		b = kv(b, " bytes_received:", ti.BytesReceived)
	}
	if ti.SegsOut != 0 {
		b = kv(b, " segs_out:", uint64(ti.SegsOut))
	}
	if ti.SegsIn != 0 {
		b = kv(b, " segs_in:", uint64(ti.SegsIn))
	}
	if ti.DataSegsOut != 0 {
		b = kv(b, " data_segs_out:", uint64(ti.DataSegsOut))
	}
	if ti.DataSegsIn != 0 {
		b = kv(b, " data_segs_in:", uint64(ti.DataSegsIn))
	}
	if d := s.DCTCP; d != nil {
		if d.Enabled != 0 {
			b = kv(b, " dctcp:(ce_state:", uint64(d.CEState))
			b = kv(b, ",alpha:", uint64(d.Alpha))
			b = kv(b, ",ab_ecn:", uint64(d.ABEcn))
			b = kv(b, ",ab_tot:", uint64(d.ABTot))
			b = append(b, ')')
		} else {
			b = append(b, " dctcp:fallback_mode"...)
		}
	}
	if bbr := s.BBR; bbr != nil {
		b = appendBW(append(b, " bbr:(bw:"...), float64(bbr.BW)*8.0, num)
		b = kvg(b, "bps,mrtt:", float64(bbr.MinRTT)/1000.0)
		if bbr.PacingGain != 0 {
			b = kvg(b, ",pacing_gain:", float64(bbr.PacingGain)/256.0)
		}
		if bbr.CwndGain != 0 {
			b = kvg(b, ",cwnd_gain:", float64(bbr.CwndGain)/256.0)
		}
		b = append(b, ')')
	}
	if send := tcpSendBps(s); send != 0 {
		b = append(appendBW(append(b, " send "...), send, num), "bps"...)
	}
	if ti.LastDataSent != 0 {
		b = kv(b, " lastsnd:", uint64(ti.LastDataSent))
	}
	if ti.LastDataRecv != 0 {
		b = kv(b, " lastrcv:", uint64(ti.LastDataRecv))
	}
	if ti.LastAckRecv != 0 {
		b = kv(b, " lastack:", uint64(ti.LastAckRecv))
	}
	if ti.PacingRate != 0 && ti.PacingRate != math.MaxUint64 {
		b = append(appendBW(append(b, " pacing_rate "...), float64(ti.PacingRate)*8., num), "bps"...)
		if ti.MaxPacingRate != 0 && ti.MaxPacingRate != math.MaxUint64 {
			b = append(appendBW(append(b, '/'), float64(ti.MaxPacingRate)*8., num), "bps"...)
		}
	}
	if d := float64(ti.DeliveryRate) * 8.; d != 0 {
		b = append(appendBW(append(b, " delivery_rate "...), d, num), "bps"...)
	}
	if ti.Delivered != 0 {
		b = kv(b, " delivered:", uint64(ti.Delivered))
	}
	if ti.DeliveredCE != 0 {
		b = kv(b, " delivered_ce:", uint64(ti.DeliveredCE))
	}
	if ti.DeliveryRateAppLimited {
		b = append(b, " app_limited"...)
	}
	if ti.BusyTime != 0 {
		b = append(kv(b, " busy:", ti.BusyTime/1000), "ms"...)
		if ti.RwndLimited != 0 {
			b = append(kv(b, " rwnd_limited:", ti.RwndLimited/1000), "ms("...)
			b = append(appendFixed1(b, 100.0*float64(ti.RwndLimited)/float64(ti.BusyTime)), "%)"...)
		}
		if ti.SndbufLimited != 0 {
			b = append(kv(b, " sndbuf_limited:", ti.SndbufLimited/1000), "ms("...)
			b = append(appendFixed1(b, 100.0*float64(ti.SndbufLimited)/float64(ti.BusyTime)), "%)"...)
		}
	}
	if ti.Unacked != 0 {
		b = kv(b, " unacked:", uint64(ti.Unacked))
	}
	if ti.Retrans != 0 || ti.TotalRetrans != 0 {
		b = kv(b, " retrans:", uint64(ti.Retrans))
		b = kv(b, "/", uint64(ti.TotalRetrans))
	}
	if ti.Lost != 0 {
		b = kv(b, " lost:", uint64(ti.Lost))
	}
	if ti.Sacked != 0 && s.State != stack.StateListen {
		b = kv(b, " sacked:", uint64(ti.Sacked))
	}
	if ti.DSACKDups != 0 {
		b = kv(b, " dsack_dups:", uint64(ti.DSACKDups))
	}
	if ti.Fackets != 0 {
		b = kv(b, " fackets:", uint64(ti.Fackets))
	}
	if ti.Reordering != 3 {
		b = kvi(b, " reordering:", int64(int32(ti.Reordering)))
	}
	if ti.ReordSeen != 0 {
		b = kvi(b, " reord_seen:", int64(int32(ti.ReordSeen)))
	}
	if r := float64(ti.RcvRTT) / 1000; r != 0 {
		b = kvg(b, " rcv_rtt:", r)
	}
	if ti.RcvSpace != 0 {
		b = kvi(b, " rcv_space:", int64(int32(ti.RcvSpace)))
	}
	if ti.RcvSsthresh != 0 {
		b = kv(b, " rcv_ssthresh:", uint64(ti.RcvSsthresh))
	}
	if ti.NotsentBytes != 0 {
		b = kv(b, " notsent:", uint64(ti.NotsentBytes))
	}
	if ti.MinRTT != 0 && ti.MinRTT != math.MaxUint32 {
		b = kvg(b, " minrtt:", float64(ti.MinRTT)/1000)
	}
	if ti.RcvOOOPack != 0 {
		b = kv(b, " rcv_ooopack:", uint64(ti.RcvOOOPack))
	}
	if ti.SndWnd != 0 {
		b = kv(b, " snd_wnd:", uint64(ti.SndWnd))
	}
	return b
}

// congName is the congestion control name as ss keeps it: at most 15
// bytes, up to the first NUL.
func congName(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) > 15 {
		s = s[:15]
	}
	return s
}

func appendFixed1(b []byte, v float64) []byte {
	return appendFloatF(b, v, 1)
}

func (w *Writer) unix(s *stack.Socket) {
	w.stateCols(s, s.State)
	ino := s.Local.Inode
	if ino == 0 {
		ino = s.Inode
	}
	b, st := w.begin()
	b = appendUnixName(b, s.Local.Path)
	b = append(b, ' ')
	w.end(b, st)
	w.next()
	b, st = w.begin()
	w.end(appendInt(b, int64(int32(ino))), st)
	w.next()
	w.outs("* ")
	w.next()
	b, st = w.begin()
	w.end(appendInt(b, int64(int32(s.Peer.Inode))), st)
	w.next()
	w.usersField(s)
	if w.o.Memory {
		b, st := w.begin()
		w.end(appendSkMem(b, s, false), st)
	}
	if w.o.Extended {
		b, st := w.begin()
		if s.HasShutdown {
			b = appendShutdown(b, s.Shutdown)
		}
		if v := s.UnixVFS; v != nil {
			b = kv(b, " ino:", uint64(v.Inode))
			b = kv(b, " dev:", glibcMajor(uint64(v.Dev)))
			b = kv(b, "/", glibcMinor(uint64(v.Dev)))
		}
		if s.State == stack.StateListen || s.UnixPending != nil {
			b = append(b, " peers:"...)
			for _, p := range s.UnixPending {
				b = kv(b, " ", uint64(p))
			}
		}
		w.end(b, st)
	}
}

// appendUnixName appends a unix socket name: "*" when unbound, an
// abstract name with its NULs as '@', a path up to its first NUL.
func appendUnixName(b []byte, p string) []byte {
	switch {
	case p == "":
		return append(b, '*')
	case p[0] == 0 || p[0] == '@':
		for i := 0; i < len(p); i++ {
			if p[i] == 0 {
				b = append(b, '@')
			} else {
				b = append(b, p[i])
			}
		}
		return b
	}
	if i := strings.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	return append(b, p...)
}

func (w *Writer) packet(s *stack.Socket) {
	w.stateCols(s, stack.StateClose)
	proto := s.Local.Proto
	b, st := w.begin()
	switch {
	case proto == 3:
		b = append(b, '*')
	case w.o.Numeric:
		b = append(appendUint(append(b, '['), uint64(proto)), ']')
	default:
		if name := llProtoName(proto); name != "" {
			b = append(b, name...)
		} else {
			b = append(appendUint(append(b, '['), uint64(proto)), ']')
		}
	}
	b = append(b, ':')
	w.end(b, st)
	w.next()
	b, st = w.begin()
	if s.Local.Ifindex == 0 {
		b = append(b, '*')
	} else {
		b = w.appendIfName(b, s.Local.Ifindex)
	}
	w.end(b, st)
	w.next()
	w.outs("*")
	w.next()
	w.next()
	w.usersField(s)
	if w.o.Extended {
		w.details(s, false)
	}
	p := s.Packet
	if p == nil || s.FromProc {
		if w.o.Memory && !s.FromProc {
			b, st := w.begin()
			w.end(appendSkMem(b, s, false), st)
		}
		return
	}
	b, st = w.begin()
	if w.o.Extended {
		if p.HasInfo {
			b = w.nlTab(b, "ver:")
			b = appendInt(b, int64(int32(p.Version)))
			b = kvi(b, " cpy_thresh:", int64(int32(p.Copythresh)))
			b = append(b, " flags( "...)
			if p.Flags&1 != 0 {
				b = append(b, "running"...)
			}
			for i, name := range [...]string{" auxdata", " origdev", " vnethdr", " loss"} {
				if p.Flags&(2<<i) != 0 {
					b = append(b, name...)
				}
			}
			if p.Flags == 0 {
				b = append(b, '0')
			}
			b = append(b, " )"...)
		}
		if p.RxRing != nil {
			b = appendRing(w.nlTab(b, "ring_rx("), p.RxRing)
		}
		if p.TxRing != nil {
			b = appendRing(w.nlTab(b, "ring_tx("), p.TxRing)
		}
		if p.HasFanout {
			b = w.nlTab(b, "fanout(")
			b = kvi(b, "id:", int64(p.Fanout&0xffff))
			b = append(b, ",type:"...)
			switch typ := p.Fanout >> 16 & 0xffff; typ {
			case 0:
				b = append(b, "hash"...)
			case 1:
				b = append(b, "lb"...)
			case 2:
				b = append(b, "cpu"...)
			case 3:
				b = append(b, "roll"...)
			case 4:
				b = append(b, "random"...)
			case 5:
				b = append(b, "qm"...)
			default:
				b = appendHex(append(b, "0x"...), uint64(typ))
			}
			b = append(b, ')')
		}
	}
	if w.o.BPF && p.HasFilter {
		b = w.nlTab(b, "bpf filter (")
		b = append(appendInt(b, int64(len(p.Filter))), "): "...)
		for _, f := range p.Filter {
			b = appendHexPad(append(b, " 0x"...), uint64(f.Code), 2)
			b = kv(b, " ", uint64(f.JT))
			b = kv(b, " ", uint64(f.JF))
			b = append(kv(b, " ", uint64(f.K)), ',')
		}
	}
	if w.o.Memory {
		b = appendSkMem(b, s, false)
	}
	w.end(b, st)
}

// nlTab starts a detail on a new tab-indented line, or after a space with
// OneLine.
func (w *Writer) nlTab(b []byte, s string) []byte {
	if w.o.OneLine {
		b = append(b, ' ')
	} else {
		b = append(b, "\n\t"...)
	}
	return append(b, s...)
}

func appendRing(b []byte, r *stack.PacketRing) []byte {
	b = kvi(b, "blk_size:", int64(int32(r.BlockSize)))
	b = kvi(b, ",blk_nr:", int64(int32(r.BlockNr)))
	b = kvi(b, ",frm_size:", int64(int32(r.FrameSize)))
	b = kvi(b, ",frm_nr:", int64(int32(r.FrameNr)))
	b = kvi(b, ",tmo:", int64(int32(r.RetireTmo)))
	b = appendHex(append(b, ",features:0x"...), uint64(r.Features))
	return append(b, ')')
}

func (w *Writer) netlink(s *stack.Socket) {
	w.stateCols(s, stack.StateClose)
	b, st := w.begin()
	proto := s.Local.Proto
	if name := nlProtoName(proto); name != "" && !w.o.Numeric {
		b = append(b, name...)
	} else {
		b = appendUint(b, uint64(proto))
	}
	b = append(b, ':')
	w.end(b, st)
	w.next()
	b, st = w.begin()
	pid := s.Local.PortID
	switch {
	case pid == -1:
		b = append(b, '*')
	case w.o.Numeric:
		b = appendInt(b, int64(pid))
	case pid == 0:
		b = append(b, "kernel"...)
	case pid > 0:
		if name := w.names.ProcessName(pid); name != "" {
			b = append(append(b, name...), '/')
		}
		b = appendInt(b, int64(pid))
	default:
		b = appendInt(b, int64(pid))
	}
	w.end(b, st)
	w.next()
	if n := s.Netlink; n != nil && n.Connected {
		group, port := n.DstGroup, n.DstPortID
		if group == 0 && port == 0 {
			group, port = s.Peer.Groups, s.Peer.PortID
		}
		b, st = w.begin()
		w.end(append(appendInt(b, int64(int32(group))), ':'), st)
		w.next()
		b, st = w.begin()
		w.end(appendInt(b, int64(port)), st)
		w.next()
	} else {
		w.outs("*")
		w.next()
		w.next()
	}
	if w.o.Extended {
		b, st = w.begin()
		b = append(b, " sk=0 cb=0 groups=0x"...)
		w.end(appendHexPad(b, uint64(s.Local.Groups), 8), st)
	}
	if w.o.Memory {
		b, st = w.begin()
		w.end(appendSkMem(append(b, '\t'), s, false), st)
	}
}
