package ss

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/stackbox/stackbox/pkg/stack"
)

// jw appends one JSON object; it tracks whether a comma is due.
type jw struct {
	b     []byte
	comma bool
}

func (j *jw) key(k string) {
	if j.comma {
		j.b = append(j.b, ',')
	}
	j.comma = true
	j.b = append(j.b, '"')
	j.b = append(j.b, k...)
	j.b = append(j.b, '"', ':')
}

func (j *jw) open(k string) {
	if k != "" {
		j.key(k)
	} else if j.comma {
		j.b = append(j.b, ',')
	}
	j.b = append(j.b, '{')
	j.comma = false
}

func (j *jw) openArray(k string) {
	j.key(k)
	j.b = append(j.b, '[')
	j.comma = false
}

func (j *jw) close()      { j.b = append(j.b, '}'); j.comma = true }
func (j *jw) closeArray() { j.b = append(j.b, ']'); j.comma = true }

func (j *jw) str(k, v string) { j.key(k); j.b = appendJSONString(j.b, v) }
func (j *jw) u(k string, v uint64) {
	j.key(k)
	j.b = strconv.AppendUint(j.b, v, 10)
}
func (j *jw) i(k string, v int64) {
	j.key(k)
	j.b = strconv.AppendInt(j.b, v, 10)
}
func (j *jw) f(k string, v float64) {
	j.key(k)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		j.b = append(j.b, "null"...)
		return
	}
	j.b = strconv.AppendFloat(j.b, v, 'f', -1, 64)
}
func (j *jw) bool(k string, v bool) {
	j.key(k)
	j.b = strconv.AppendBool(j.b, v)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// text renders a piece of text output into a string (service, interface
// and process names the JSON carries next to the numbers).
func (w *Writer) service(port uint16, proto string) string {
	w.scratch = w.appendService(w.scratch[:0], port, proto)
	return string(w.scratch)
}

func (w *Writer) writeJSON(s *stack.Socket) {
	j := &jw{b: w.scratch[:0]}
	w.scratch = nil
	j.open("")
	j.str("netid", s.Table.Netid())
	state := s.State
	if s.Table.IsPacket() || s.Table == stack.TableNetlink {
		state = stack.StateClose
	}
	j.str("state", stateName(state))
	j.u("recv_q", uint64(s.RecvQ))
	j.u("send_q", uint64(s.SendQ))
	switch {
	case s.Table.IsInet():
		w.jsonInet(j, s)
	case s.Table.IsUnix():
		j.open("local")
		if s.Local.Path != "" {
			j.str("path", string(appendUnixName(nil, s.Local.Path)))
		}
		ino := s.Local.Inode
		if ino == 0 {
			ino = s.Inode
		}
		j.u("inode", uint64(ino))
		j.close()
		j.open("peer")
		j.u("inode", uint64(s.Peer.Inode))
		j.close()
	case s.Table.IsPacket():
		j.open("local")
		j.u("protocol", uint64(s.Local.Proto))
		if name := llProtoName(s.Local.Proto); name != "" {
			j.str("protocol_name", name)
		}
		if s.Local.Ifindex != 0 {
			j.u("ifindex", uint64(s.Local.Ifindex))
			j.str("interface", string(w.appendIfName(nil, s.Local.Ifindex)))
		}
		j.close()
	case s.Table == stack.TableNetlink:
		j.open("local")
		j.u("protocol", uint64(s.Local.Proto))
		if name := nlProtoName(s.Local.Proto); name != "" {
			j.str("protocol_name", name)
		}
		j.i("portid", int64(s.Local.PortID))
		if s.Local.PortID > 0 {
			if name := w.names.ProcessName(s.Local.PortID); name != "" {
				j.str("process", name)
			}
		}
		j.close()
		if n := s.Netlink; n != nil && n.Connected {
			j.open("peer")
			j.u("group", uint64(n.DstGroup))
			j.i("portid", int64(n.DstPortID))
			j.close()
		}
	}
	if w.o.users() && len(s.Users) > 0 {
		j.openArray("users")
		for _, u := range s.Users {
			j.open("")
			j.str("name", u.Name)
			j.i("pid", int64(u.PID))
			if w.o.Threads {
				j.i("tid", int64(u.TID))
			}
			j.i("fd", int64(u.FD))
			j.close()
		}
		j.closeArray()
	}
	details := !s.FromProc || s.Table == stack.TableTCP
	if w.o.timers() && s.Timer.Kind != 0 && s.Table.IsInet() && details {
		j.open("timer")
		j.str("name", timerName(s.Timer.Kind))
		j.u("expires_ms", uint64(s.Timer.Expires))
		j.u("retrans", uint64(s.Timer.Retrans))
		j.close()
	}
	if w.o.Extended && details {
		w.jsonDetails(j, s)
	}
	if !s.FromProc {
		if w.o.TOS && s.Table.IsInet() {
			if s.HasTOS {
				j.u("tos", uint64(s.TOS))
			}
			if s.HasTClass {
				j.u("tclass", uint64(s.TClass))
			}
			if s.HasClass {
				j.u("class_id", uint64(s.ClassID))
			}
		}
		if (w.o.Cgroup || w.o.Extended) && s.CgroupID != 0 && s.Table.IsInet() {
			j.u("cgroup_id", s.CgroupID)
			j.str("cgroup", string(w.appendCgroup(nil, s.CgroupID)))
		}
		if w.o.InetSockopt && s.HasSockOpt {
			j.openArray("inet_sockopt")
			for i, name := range sockoptNames {
				if s.SockOpt&(1<<i) != 0 {
					if j.comma {
						j.b = append(j.b, ',')
					}
					j.b = appendJSONString(j.b, name[1:])
					j.comma = true
				}
			}
			j.closeArray()
		}
		if w.o.Memory {
			jsonMem(j, s)
		}
		if w.o.Info && s.Table.IsInet() {
			w.jsonInfo(j, s)
		}
		if w.o.BPF && s.Packet != nil && s.Packet.HasFilter {
			j.openArray("bpf_filter")
			for _, f := range s.Packet.Filter {
				j.open("")
				j.u("code", uint64(f.Code))
				j.u("jt", uint64(f.JT))
				j.u("jf", uint64(f.JF))
				j.u("k", uint64(f.K))
				j.close()
			}
			j.closeArray()
		}
	}
	j.close()
	j.b = append(j.b, '\n')
	w.bw.Write(j.b)
	w.scratch = j.b[:0]
}

func (w *Writer) jsonInet(j *jw, s *stack.Socket) {
	proto := serviceProto(s.Table)
	end := func(k string, e *stack.Endpoint, ifindex uint32) {
		j.open(k)
		a := e.Addr
		if !a.IsValid() {
			a = zeroAddr(s.Family)
		}
		if s.Family == afInet {
			j.str("address", string(appendIPv4(nil, addr4(a))))
		} else {
			j.str("address", string(appendIPv6(nil, addr16(a))))
		}
		if w.o.Resolve {
			if name := w.names.HostName(a); name != "" {
				j.str("host", name)
			}
		}
		j.u("port", uint64(e.Port))
		if svc := w.service(e.Port, proto); svc != strconv.Itoa(int(e.Port)) && e.Port != 0 {
			j.str("service", svc)
		}
		if ifindex != 0 {
			j.u("ifindex", uint64(ifindex))
			j.str("interface", string(w.appendIfName(nil, ifindex)))
		}
		j.close()
	}
	end("local", &s.Local, s.Local.Ifindex)
	end("peer", &s.Peer, 0)
}

func (w *Writer) jsonDetails(j *jw, s *stack.Socket) {
	switch {
	case s.Table.IsUnix():
		if s.HasShutdown {
			jsonShutdown(j, s.Shutdown)
		}
		if v := s.UnixVFS; v != nil {
			j.open("vfs")
			j.u("inode", uint64(v.Inode))
			j.u("dev_major", glibcMajor(uint64(v.Dev)))
			j.u("dev_minor", glibcMinor(uint64(v.Dev)))
			j.close()
		}
		if s.State == stack.StateListen || s.UnixPending != nil {
			j.openArray("pending")
			for _, p := range s.UnixPending {
				if j.comma {
					j.b = append(j.b, ',')
				}
				j.b = strconv.AppendUint(j.b, uint64(p), 10)
				j.comma = true
			}
			j.closeArray()
		}
		return
	case s.Table == stack.TableNetlink:
		j.u("groups", uint64(s.Local.Groups))
		return
	}
	j.u("uid", uint64(s.UID))
	j.u("inode", uint64(s.Inode))
	j.u("cookie", s.Cookie)
	if s.Table.IsInet() && !s.FromProc {
		if s.HasMark || s.Mark != 0 {
			j.u("mark", uint64(s.Mark))
		}
		if s.Family == afInet6 && s.HasV6Only {
			j.bool("v6only", s.V6Only)
		}
		if s.HasShutdown {
			jsonShutdown(j, s.Shutdown)
		}
	}
	if p := s.Packet; p != nil && s.Table.IsPacket() {
		j.open("packet")
		if p.HasInfo {
			j.u("version", uint64(p.Version))
			j.u("copy_thresh", uint64(p.Copythresh))
			j.openArray("flags")
			for i, name := range [...]string{"running", "auxdata", "origdev", "vnethdr", "loss"} {
				if p.Flags&(1<<i) != 0 {
					if j.comma {
						j.b = append(j.b, ',')
					}
					j.b = appendJSONString(j.b, name)
					j.comma = true
				}
			}
			j.closeArray()
		}
		for _, r := range []struct {
			k string
			r *stack.PacketRing
		}{{"ring_rx", p.RxRing}, {"ring_tx", p.TxRing}} {
			if r.r == nil {
				continue
			}
			j.open(r.k)
			j.u("block_size", uint64(r.r.BlockSize))
			j.u("block_nr", uint64(r.r.BlockNr))
			j.u("frame_size", uint64(r.r.FrameSize))
			j.u("frame_nr", uint64(r.r.FrameNr))
			j.u("retire_tmo_ms", uint64(r.r.RetireTmo))
			j.u("features", uint64(r.r.Features))
			j.close()
		}
		if p.HasFanout {
			j.open("fanout")
			j.u("id", uint64(p.Fanout&0xffff))
			j.u("type", uint64(p.Fanout>>16&0xffff))
			j.close()
		}
		j.close()
	}
}

func jsonShutdown(j *jw, mask uint8) {
	j.open("shutdown")
	j.bool("recv", mask&1 != 0)
	j.bool("send", mask&2 != 0)
	j.close()
}

func jsonMem(j *jw, s *stack.Socket) {
	if m := s.SkMem; m != nil {
		j.open("skmem")
		j.u("rmem_alloc", uint64(m.RMemAlloc))
		j.u("rcvbuf", uint64(m.RcvBuf))
		j.u("wmem_alloc", uint64(m.WMemAlloc))
		j.u("sndbuf", uint64(m.SndBuf))
		j.u("fwd_alloc", uint64(m.FwdAlloc))
		j.u("wmem_queued", uint64(m.WMemQueued))
		j.u("optmem", uint64(m.OptMem))
		if m.N >= 8 {
			j.u("backlog", uint64(m.Backlog))
		}
		if m.N >= 9 {
			j.u("drops", uint64(m.Drops))
		}
		j.close()
	} else if m := s.Mem; m != nil && s.Table.IsInet() {
		j.open("mem")
		j.u("rmem", uint64(m.RMem))
		j.u("wmem", uint64(m.WMem))
		j.u("fmem", uint64(m.FMem))
		j.u("tmem", uint64(m.TMem))
		j.close()
	}
}

func ms(us uint32) float64 { return float64(us) / 1000 }

func (w *Writer) jsonInfo(j *jw, s *stack.Socket) {
	if c := congName(s.Cong); c != "" {
		j.str("cong", c)
	}
	if s.ULP != "" {
		j.str("ulp", s.ULP)
	}
	if len(s.MD5Keys) > 0 {
		j.openArray("md5keys")
		for _, k := range s.MD5Keys {
			j.open("")
			j.str("address", k.Addr.String())
			j.u("prefix_len", uint64(k.PrefixLen))
			j.str("key", string(k.Key))
			j.close()
		}
		j.closeArray()
	}
	if t := s.TLS; t != nil {
		j.open("tls")
		if t.Present(stack.TLSVersion) {
			j.u("version", uint64(t.Version))
		}
		if t.Present(stack.TLSCipher) {
			j.u("cipher", uint64(t.Cipher))
		}
		if t.Present(stack.TLSRxConf) {
			j.u("rxconf", uint64(t.RxConf))
		}
		if t.Present(stack.TLSTxConf) {
			j.u("txconf", uint64(t.TxConf))
		}
		j.bool("zc_ro_tx", t.Present(stack.TLSZcRoTx))
		j.bool("rx_no_pad", t.Present(stack.TLSRxNoPad))
		j.close()
	}
	if f := s.Subflow; f != nil {
		j.open("subflow")
		if f.Present(stack.SubflowFlags) {
			j.str("flags", string(subflowFlags(nil, f.Flags)))
		}
		if f.Present(stack.SubflowTokenRem) && f.Present(stack.SubflowTokenLoc) &&
			f.Present(stack.SubflowIDRem) && f.Present(stack.SubflowIDLoc) {
			j.u("token_rem", uint64(f.TokenRem))
			j.u("id_rem", uint64(f.IDRem))
			j.u("token_loc", uint64(f.TokenLoc))
			j.u("id_loc", uint64(f.IDLoc))
		}
		if f.Present(stack.SubflowMapSeq) {
			j.u("map_seq", f.MapSeq)
		}
		if f.Present(stack.SubflowMapSfSeq) {
			j.u("map_sfseq", uint64(f.MapSfSeq))
		}
		if f.Present(stack.SubflowSSNOffset) {
			j.u("ssn_offset", uint64(f.SSNOffset))
		}
		if f.Present(stack.SubflowMapDataLen) {
			j.u("map_datalen", uint64(f.MapDataLen))
		}
		j.close()
	}
	if m := s.MPTCP; m != nil && s.Table == stack.TableMPTCP {
		j.open("mptcp")
		j.u("subflows", uint64(m.Subflows))
		j.u("add_addr_signal", uint64(m.AddAddrSignal))
		j.u("add_addr_accepted", uint64(m.AddAddrAccepted))
		j.u("subflows_max", uint64(m.SubflowsMax))
		j.u("add_addr_signal_max", uint64(m.AddAddrSignalMax))
		j.u("add_addr_accepted_max", uint64(m.AddAddrAcceptedMax))
		j.bool("fallback", m.Flags&1 != 0)
		j.bool("remote_key", m.Flags&2 != 0)
		j.u("token", uint64(m.Token))
		j.u("write_seq", m.WriteSeq)
		j.u("snd_una", m.SndUna)
		j.u("rcv_nxt", m.RcvNxt)
		j.close()
	}
	if v := s.Vegas; v != nil {
		j.open("vegas")
		j.bool("enabled", v.Enabled != 0)
		j.u("rtt_count", uint64(v.RTTCount))
		j.f("rtt_ms", ms(v.RTT))
		j.f("min_rtt_ms", ms(v.MinRTT))
		j.close()
	}
	if d := s.DCTCP; d != nil {
		j.open("dctcp")
		j.bool("enabled", d.Enabled != 0)
		j.u("ce_state", uint64(d.CEState))
		j.u("alpha", uint64(d.Alpha))
		j.u("ab_ecn", uint64(d.ABEcn))
		j.u("ab_tot", uint64(d.ABTot))
		j.close()
	}
	if b := s.BBR; b != nil {
		j.open("bbr")
		j.f("bw_bps", float64(b.BW)*8)
		j.f("min_rtt_ms", ms(b.MinRTT))
		j.f("pacing_gain", float64(b.PacingGain)/256)
		j.f("cwnd_gain", float64(b.CwndGain)/256)
		j.close()
	}
	ti := s.TCP
	if ti == nil {
		return
	}
	j.open("tcp_info")
	j.u("state", uint64(ti.State))
	j.u("ca_state", uint64(ti.CAState))
	j.u("retransmits", uint64(ti.Retransmits))
	j.u("probes", uint64(ti.Probes))
	j.u("backoff", uint64(ti.Backoff))
	j.open("options")
	j.bool("ts", ti.Options&stack.TCPOptTimestamps != 0)
	j.bool("sack", ti.Options&stack.TCPOptSACK != 0)
	j.bool("wscale", ti.Options&stack.TCPOptWscale != 0)
	j.bool("ecn", ti.Options&stack.TCPOptECN != 0)
	j.bool("ecn_seen", ti.Options&stack.TCPOptECNSeen != 0)
	j.bool("syn_data", ti.Options&stack.TCPOptSynData != 0)
	j.bool("usec_ts", ti.Options&stack.TCPOptUSecTS != 0)
	j.close()
	j.u("snd_wscale", uint64(ti.SndWscale))
	j.u("rcv_wscale", uint64(ti.RcvWscale))
	j.bool("delivery_rate_app_limited", ti.DeliveryRateAppLimited)
	j.u("fastopen_client_fail", uint64(ti.FastopenClientFail))
	j.f("rto_ms", ms(ti.RTO))
	j.f("ato_ms", ms(ti.ATO))
	j.u("snd_mss", uint64(ti.SndMSS))
	j.u("rcv_mss", uint64(ti.RcvMSS))
	j.u("unacked", uint64(ti.Unacked))
	j.u("sacked", uint64(ti.Sacked))
	j.u("lost", uint64(ti.Lost))
	j.u("retrans", uint64(ti.Retrans))
	j.u("fackets", uint64(ti.Fackets))
	j.u("last_data_sent_ms", uint64(ti.LastDataSent))
	j.u("last_ack_sent_ms", uint64(ti.LastAckSent))
	j.u("last_data_recv_ms", uint64(ti.LastDataRecv))
	j.u("last_ack_recv_ms", uint64(ti.LastAckRecv))
	j.u("pmtu", uint64(ti.PMTU))
	j.u("rcv_ssthresh", uint64(ti.RcvSsthresh))
	j.f("rtt_ms", ms(ti.RTT))
	j.f("rttvar_ms", ms(ti.RTTVar))
	j.u("snd_ssthresh", uint64(ti.SndSsthresh))
	j.u("snd_cwnd", uint64(ti.SndCwnd))
	j.u("advmss", uint64(ti.AdvMSS))
	j.u("reordering", uint64(ti.Reordering))
	j.f("rcv_rtt_ms", ms(ti.RcvRTT))
	j.u("rcv_space", uint64(ti.RcvSpace))
	j.u("total_retrans", uint64(ti.TotalRetrans))
	if send := tcpSendBps(s); send != 0 {
		j.f("send_bps", send)
	}
	has := func(off int) bool { return ti.Len > off }
	if has(stack.TCPInfoOffPacingRate) {
		if ti.PacingRate != math.MaxUint64 {
			j.f("pacing_rate_bps", float64(ti.PacingRate)*8)
		}
		if ti.MaxPacingRate != math.MaxUint64 {
			j.f("max_pacing_rate_bps", float64(ti.MaxPacingRate)*8)
		}
	}
	if has(stack.TCPInfoOffBytesAcked) {
		j.u("bytes_acked", ti.BytesAcked)
		j.u("bytes_received", ti.BytesReceived)
		j.u("segs_out", uint64(ti.SegsOut))
		j.u("segs_in", uint64(ti.SegsIn))
	}
	if has(stack.TCPInfoOffNotsentBytes) {
		j.u("notsent_bytes", uint64(ti.NotsentBytes))
	}
	if has(stack.TCPInfoOffMinRTT) {
		if ti.MinRTT != math.MaxUint32 {
			j.f("min_rtt_ms", ms(ti.MinRTT))
		}
		j.u("data_segs_in", uint64(ti.DataSegsIn))
		j.u("data_segs_out", uint64(ti.DataSegsOut))
	}
	if has(stack.TCPInfoOffDeliveryRate) {
		j.f("delivery_rate_bps", float64(ti.DeliveryRate)*8)
	}
	if has(stack.TCPInfoOffBusyTime) {
		j.u("busy_time_us", ti.BusyTime)
		j.u("rwnd_limited_us", ti.RwndLimited)
		j.u("sndbuf_limited_us", ti.SndbufLimited)
	}
	if has(stack.TCPInfoOffDelivered) {
		j.u("delivered", uint64(ti.Delivered))
		j.u("delivered_ce", uint64(ti.DeliveredCE))
	}
	if has(stack.TCPInfoOffBytesSent) {
		j.u("bytes_sent", ti.BytesSent)
		j.u("bytes_retrans", ti.BytesRetrans)
	}
	if has(stack.TCPInfoOffDSACKDups) {
		j.u("dsack_dups", uint64(ti.DSACKDups))
		j.u("reord_seen", uint64(ti.ReordSeen))
	}
	if has(stack.TCPInfoOffRcvOOOPack) {
		j.u("rcv_ooopack", uint64(ti.RcvOOOPack))
	}
	if has(stack.TCPInfoOffSndWnd) {
		j.u("snd_wnd", uint64(ti.SndWnd))
	}
	if has(stack.TCPInfoOffRcvWnd) {
		j.u("rcv_wnd", uint64(ti.RcvWnd))
	}
	if has(stack.TCPInfoOffRehash) {
		j.u("rehash", uint64(ti.Rehash))
	}
	if has(stack.TCPInfoOffTotalRTO) {
		j.u("total_rto", uint64(ti.TotalRTO))
		j.u("total_rto_recoveries", uint64(ti.TotalRTORecoveries))
		j.u("total_rto_time_ms", uint64(ti.TotalRTOTime))
	}
	j.close()
}
