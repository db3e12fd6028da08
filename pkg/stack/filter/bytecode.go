package filter

import (
	"encoding/binary"
)

// The inet_diag bytecode operations (linux/inet_diag.h).
const (
	bcNop        = 0
	bcJmp        = 1
	bcSGE        = 2
	bcSLE        = 3
	bcDGE        = 4
	bcDLE        = 5
	bcAuto       = 6
	bcSCond      = 7
	bcDCond      = 8
	bcDevCond    = 9
	bcMarkCond   = 10
	bcCgroupCond = 13
)

// maxProg keeps the program within what a netlink attribute (and the
// 16-bit jump offsets) can hold.
const maxProg = 0xffff - 4 - 4

// InetDiagBytecode returns the INET_DIAG_REQ_BYTECODE program of the
// expression, compiled as ss 6.1's ssfilter_bytecompile does (the same
// program for AF_INET and AF_INET6). ok is false when there is no
// expression or it cannot be expressed: ss 6.1 has no kernel form for
// "dev", and conditions on unix, link, netlink or vsock addresses have
// none either. One deliberate difference: a host name with several
// addresses compiles to a test of each of them, where ss repeats the
// first one.
func (f *Filter) InetDiagBytecode(family uint8) (prog []byte, ok bool) {
	if f == nil || !f.progOK {
		return nil, false
	}
	return append([]byte(nil), f.prog...), true
}

func putOp(b []byte, code, yes byte, no int) {
	b[0] = code
	b[1] = yes
	binary.LittleEndian.PutUint16(b[2:], uint16(no))
}

// compile is ssfilter_bytecompile. A program accepts a socket when it
// runs to its exact end and rejects it when it jumps 4 bytes past it.
func compile(n *node) ([]byte, bool) {
	var b []byte
	if !compileInto(&b, n) || len(b) == 0 {
		return nil, false
	}
	return b, true
}

// compileInto appends the program of n to *b; false means n has no
// kernel form or the program grew too long.
func compileInto(b *[]byte, n *node) bool {
	switch n.op {
	case opAuto:
		*b = append(*b, bcAuto, 4, 8, 0)
	case opSCond, opDCond:
		h := n.host
		if !h.isInet() {
			return false
		}
		code := byte(bcDCond)
		if n.op == opSCond {
			code = bcSCond
		}
		total := 0
		for i := range h.addrs {
			total += 4 + 8 + h.addrs[i].alen()
			if i < len(h.addrs)-1 {
				total += 4
			}
		}
		if len(*b)+total > maxProg {
			return false
		}
		start := len(*b)
		for i := range h.addrs {
			e := &h.addrs[i]
			oplen := 4 + 8 + e.alen()
			op := make([]byte, oplen)
			putOp(op, code, byte(oplen), oplen+4)
			op[4] = e.family
			op[5] = byte(e.bits)
			binary.LittleEndian.PutUint32(op[8:], uint32(h.port))
			copy(op[12:], e.data[:e.alen()])
			*b = append(*b, op...)
			if i < len(h.addrs)-1 {
				// On a match, jump to the end: accept.
				off := len(*b) - start
				*b = append(*b, bcJmp, 4, byte(total-off), byte((total-off)>>8))
			}
		}
	case opSGE, opSLE, opDGE, opDLE:
		var code byte
		switch n.op {
		case opSGE:
			code = bcSGE
		case opSLE:
			code = bcSLE
		case opDGE:
			code = bcDGE
		default:
			code = bcDLE
		}
		port := uint16(n.host.port)
		*b = append(*b, code, 8, 12, 0, 0, 0, byte(port), byte(port>>8))
	case opAnd:
		start := len(*b)
		if !compileInto(b, n.a) {
			return false
		}
		mid := len(*b)
		if !compileInto(b, n.b) {
			return false
		}
		patch((*b)[start:mid], len(*b)-mid)
	case opOr:
		if !compileInto(b, n.a) {
			return false
		}
		jmp := len(*b)
		*b = append(*b, bcJmp, 4, 0, 0)
		if !compileInto(b, n.b) {
			return false
		}
		binary.LittleEndian.PutUint16((*b)[jmp+2:], uint16(len(*b)-jmp))
	case opNot:
		if !compileInto(b, n.a) {
			return false
		}
		*b = append(*b, bcJmp, 4, 8, 0)
	case opMark:
		*b = append(*b, bcMarkCond, 12, 16, 0)
		*b = binary.LittleEndian.AppendUint32(*b, n.mark)
		*b = binary.LittleEndian.AppendUint32(*b, n.mask)
	case opCgroup:
		*b = append(*b, bcCgroupCond, 12, 16, 0)
		*b = binary.LittleEndian.AppendUint64(*b, n.cgroup)
	default:
		// opDev: ss 6.1 has no kernel form for it.
		return false
	}
	return len(*b) <= maxProg
}

// patch is ssfilter_patch: in the first operand of an "and", the jumps
// that reject (4 bytes past its end) are moved past the second operand.
func patch(b []byte, reloc int) {
	rest := len(b)
	off := 0
	for rest > 0 {
		yes := int(b[off+1])
		no := int(binary.LittleEndian.Uint16(b[off+2:]))
		if no == rest+4 {
			binary.LittleEndian.PutUint16(b[off+2:], uint16(no+reloc))
		}
		if yes == 0 {
			return
		}
		rest -= yes
		off += yes
	}
}

// bcEntry is what the kernel compares a socket with (struct
// inet_diag_entry).
type bcEntry struct {
	family       uint8
	saddr, daddr [16]byte
	sport, dport int
	ifindex      uint32
	mark         uint32
	cgroupID     uint64
	autoBound    bool // userlocks has no SOCK_BINDPORT_LOCK
}

// runBytecode runs a program as the kernel's inet_diag_bc_run does. The
// program must be well formed (compile's output).
func runBytecode(prog []byte, e *bcEntry) bool {
	off := 0
	rest := len(prog)
	for rest > 0 {
		if off+4 > len(prog) {
			return false
		}
		code := prog[off]
		yesOff := int(prog[off+1])
		noOff := int(binary.LittleEndian.Uint16(prog[off+2:]))
		yes := true
		switch code {
		case bcNop:
		case bcJmp:
			yes = false
		case bcSGE, bcSLE, bcDGE, bcDLE:
			v := int(binary.LittleEndian.Uint16(prog[off+6:]))
			switch code {
			case bcSGE:
				yes = e.sport >= v
			case bcSLE:
				yes = e.sport <= v
			case bcDGE:
				yes = e.dport >= v
			case bcDLE:
				yes = e.dport <= v
			}
		case bcAuto:
			yes = e.autoBound
		case bcSCond, bcDCond:
			yes = runHostCond(prog[off+4:off+yesOff], code == bcSCond, e)
		case bcDevCond:
			yes = binary.LittleEndian.Uint32(prog[off+4:]) == e.ifindex
		case bcMarkCond:
			mark := binary.LittleEndian.Uint32(prog[off+4:])
			mask := binary.LittleEndian.Uint32(prog[off+8:])
			yes = e.mark&mask == mark
		case bcCgroupCond:
			yes = binary.LittleEndian.Uint64(prog[off+4:]) == e.cgroupID
		}
		step := noOff
		if yes {
			step = yesOff
		}
		if step <= 0 {
			return false
		}
		off += step
		rest -= step
	}
	return rest == 0
}

// runHostCond is the kernel's S_COND/D_COND test of a struct
// inet_diag_hostcond (family, prefix_len, port, addr).
func runHostCond(c []byte, src bool, e *bcEntry) bool {
	family := c[0]
	plen := int(c[1])
	port := int32(binary.LittleEndian.Uint32(c[4:]))
	addr := c[8:]
	ePort, eAddr := e.dport, e.daddr[:]
	if src {
		ePort, eAddr = e.sport, e.saddr[:]
	}
	if port != -1 && int(port) != ePort {
		return false
	}
	if family != afUnspec && family != e.family {
		if e.family == afInet6 && family == afInet && isV4Mapped(eAddr) {
			return prefixMatch(eAddr[12:], addr, plen)
		}
		return false
	}
	if plen == 0 {
		return true
	}
	return prefixMatch(eAddr, addr, plen)
}

func isV4Mapped(a []byte) bool {
	for _, c := range a[:10] {
		if c != 0 {
			return false
		}
	}
	return a[10] == 0xff && a[11] == 0xff
}

// prefixMatch compares the first bits bits of a and b (the kernel's
// bitstring_match and iproute2's inet_addr_match). Bits beyond either
// slice compare as zero.
func prefixMatch(a, b []byte, bits int) bool {
	at := func(s []byte, i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	i := 0
	for ; bits >= 8; bits -= 8 {
		if at(a, i) != at(b, i) {
			return false
		}
		i++
	}
	if bits > 0 {
		mask := byte(0xff << (8 - bits))
		if (at(a, i)^at(b, i))&mask != 0 {
			return false
		}
	}
	return true
}
