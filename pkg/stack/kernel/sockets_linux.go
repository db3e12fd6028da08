package kernel

import (
	"context"
	"errors"
	"os"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Sockets calls fn for every socket q selects, table by table in the
// order ss 6.1 dumps them (netlink, packet, unix, raw, udp, tcp, mptcp;
// the inet tables AF_INET first, then AF_INET6), sending the sock_diag
// requests ss sends. Sockets are decoded and handed to fn as the replies
// arrive; the whole table is never held.
//
// The *stack.Socket, and everything it points to, is reused for the next
// socket: fn must copy what it keeps.
//
// q.Want asks for what ss's options ask for: Mem the inet MEMINFO and
// SKMEMINFO and the unix MEMINFO (-m), TCPInfo INFO, VEGASINFO and CONG
// (-i; DCTCP and BBR info come with VEGASINFO), TOS TOS and TCLASS
// (--tos), Details the unix VFS and ICONS (-e), UnixPeer ICONS. The
// packet dump always asks for everything, as ss's does; the kernel sends
// the rest (shutdown, cgroup, mark, v6only, protocol, ...) unasked.
//
// q.Filter, when set, is asked about every socket, even when its kernel
// form (stack.BytecodeFilter) already went with the request. A table
// whose sock_diag module the kernel lacks is passed over silently, as ss
// does, except that raw, udp and tcp fall back to /proc/net, as ss's do
// (those sockets have FromProc set).
func (k *Kernel) Sockets(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := k.dialDiag(0)
	if err != nil {
		return err
	}
	defer c.Close()
	dd := &dumper{k: k, c: c, q: q, fn: fn}
	return dd.run(ctx)
}

// dumper is one Sockets call.
type dumper struct {
	k  *Kernel
	c  *diagConn
	q  stack.SocketQuery
	fn func(*stack.Socket) error
	d  decoder
}

func (dd *dumper) run(ctx context.Context) error {
	q := dd.q
	closed := q.States.Has(stack.StateClose)
	if q.Tables.Has(stack.TableNetlink) && closed {
		if err := dd.dumpOther(ctx, netlinkRequest(), dd.netlinkMsg); err != nil {
			return err
		}
	}
	if (q.Tables.Has(stack.TablePacketRaw) || q.Tables.Has(stack.TablePacketDgram)) && closed {
		if err := dd.dumpOther(ctx, packetRequest(), dd.packetMsg); err != nil {
			return err
		}
	}
	if q.Tables.Has(stack.TableUnixStream) || q.Tables.Has(stack.TableUnixDgram) || q.Tables.Has(stack.TableUnixSeqpacket) {
		if err := dd.dumpOther(ctx, unixRequest(q.States, unixShow(q.Want)), dd.unixMsg); err != nil {
			return err
		}
	}
	for _, t := range [...]stack.Table{stack.TableRaw, stack.TableUDP, stack.TableTCP,
		stack.TableDCCP, stack.TableSCTP, stack.TableMPTCP} {
		if !q.Tables.Has(t) {
			continue
		}
		err := dd.dumpInet(ctx, t)
		if err != nil && q.OnError != nil && isDiagError(err) {
			err = q.OnError(t, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// emit hands s to fn unless the filter rejects it.
func (dd *dumper) emit(s *stack.Socket) error {
	if s == nil {
		return nil
	}
	if dd.q.Filter != nil && !dd.q.Filter.Match(s) {
		return nil
	}
	return dd.fn(s)
}

// dumpOther runs a unix, packet or netlink dump; a kernel without the
// family's diag module shows no sockets.
func (dd *dumper) dumpOther(ctx context.Context, req []byte, msg func(typ uint16, b []byte) error) error {
	err := dd.c.dump(ctx, req, msg)
	if err != nil && isDiagError(err) && ignorable(err) {
		return nil
	}
	return err
}

func (dd *dumper) netlinkMsg(typ uint16, b []byte) error {
	s, err := dd.d.decodeNetlink(b)
	if err != nil {
		return err
	}
	return dd.emit(s)
}

func (dd *dumper) packetMsg(typ uint16, b []byte) error {
	s, err := dd.d.decodePacket(dd.q.Tables, b)
	if err != nil {
		return err
	}
	return dd.emit(s)
}

func (dd *dumper) unixMsg(typ uint16, b []byte) error {
	s, err := dd.d.decodeUnix(dd.q.Tables, b)
	if err != nil {
		return err
	}
	return dd.emit(s)
}

// families lists the inet families q asks for, AF_INET first.
func families(q stack.SocketQuery) []uint8 {
	f := q.Families
	if f == 0 {
		f = 1<<afInet | 1<<afInet6
	}
	var out []uint8
	for _, fam := range [...]uint8{afInet, afInet6} {
		if f&(1<<fam) != 0 {
			out = append(out, fam)
		}
	}
	return out
}

// dumpFamilies lists the families ss asks sock_diag for: its preferred
// family alone when that is AF_INET or AF_INET6, else AF_INET then
// AF_INET6; those outside q.Families are dropped (ss drops their replies).
func dumpFamilies(q stack.SocketQuery) []uint8 {
	var out []uint8
	for _, fam := range families(q) {
		if (q.Preferred == afInet || q.Preferred == afInet6) && fam != q.Preferred {
			continue
		}
		out = append(out, fam)
	}
	return out
}

// inetProtocol is the protocol a table is dumped with.
func inetProtocol(t stack.Table) int {
	switch t {
	case stack.TableTCP:
		return ipprotoTCP
	case stack.TableUDP:
		return ipprotoUDP
	case stack.TableRaw:
		return ipprotoRaw
	case stack.TableMPTCP:
		return ipprotoMPTCP
	case stack.TableDCCP:
		return ipprotoDCCP
	case stack.TableSCTP:
		return ipprotoSCTP
	}
	return 0
}

// dumpInet dumps one inet table for each family.
func (dd *dumper) dumpInet(ctx context.Context, t stack.Table) error {
	q := dd.q
	ext := inetExt(q.Want)
	var bcf stack.BytecodeFilter
	if q.Filter != nil {
		bcf, _ = q.Filter.(stack.BytecodeFilter)
	}
	fams := dumpFamilies(q)
	for i, fam := range fams {
		var bc []byte
		if bcf != nil {
			if prog, ok := bcf.InetDiagBytecode(fam); ok {
				bc = prog
			}
		}
		req := inetRequest(fam, inetProtocol(t), ext, q.States, bc)
		n := 0
		err := dd.c.dump(ctx, req, func(typ uint16, b []byte) error {
			n++
			s, err := dd.d.decodeInet(t, b)
			if err != nil {
				return err
			}
			if s.Family != fam {
				return nil
			}
			return dd.emit(s)
		})
		if err == nil {
			continue
		}
		if !isDiagError(err) || n > 0 {
			return err
		}
		// The kernel refused the dump. ss reads /proc/net instead for
		// raw, udp and tcp (for this family and the ones after it),
		// and says nothing unless the kernel's reason was unusual.
		if t == stack.TableDCCP && ignorable(err) {
			// As ss: ask again with the old DCCPDIAG_GETSOCK request
			// (AF_INET only), whose answer is final.
			return dd.dumpLegacy(ctx, t, dccpDiagGetSock)
		}
		if t == stack.TableMPTCP || t == stack.TableDCCP || t == stack.TableSCTP {
			if ignorable(err) {
				return nil
			}
			return err
		}
		if i == 0 {
			fams = families(q)
		} else {
			fams = fams[i:]
		}
		return dd.procFallback(t, fams, err)
	}
	return nil
}

// dumpLegacy dumps table t with the pre-sock_diag request msgType.
func (dd *dumper) dumpLegacy(ctx context.Context, t stack.Table, msgType uint16) error {
	return dd.c.dump(ctx, legacyInetRequest(msgType, dd.q.States), func(typ uint16, b []byte) error {
		s, err := dd.d.decodeInet(t, b)
		if err != nil {
			return err
		}
		return dd.emit(s)
	})
}

func isDiagError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// procFallback lists table t of the families from /proc/net, in the
// kernel's namespace. diagErr is the sock_diag refusal, returned if the
// files cannot be read either.
func (dd *dumper) procFallback(t stack.Table, fams []uint8, diagErr error) error {
	base := map[stack.Table]string{stack.TableRaw: "raw", stack.TableUDP: "udp", stack.TableTCP: "tcp"}[t]
	files := make([]*os.File, len(fams))
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	// A /proc/net file shows the namespace of the thread that opened it.
	err := dd.k.Do(func() error {
		for i, fam := range fams {
			name := base
			if fam == afInet6 {
				name += "6"
			}
			f, err := os.Open(procNetPath(name))
			if err != nil {
				if fam == afInet6 && errors.Is(err, os.ErrNotExist) {
					continue // no IPv6
				}
				return err
			}
			files[i] = f
		}
		return nil
	})
	if err != nil {
		if ignorable(diagErr) {
			return err
		}
		return diagErr
	}
	for i, f := range files {
		if f == nil {
			continue
		}
		err := dd.d.parseProcNet(f.Name(), f, t, fams[i], func(s *stack.Socket) error {
			if !dd.q.States.Has(s.State) {
				return nil
			}
			return dd.emit(s)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// procNetPath is the /proc/net file of the calling thread's network
// namespace (/proc/net follows the process's main thread instead).
func procNetPath(name string) string { return "/proc/thread-self/net/" + name }
