package conntrack

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
)

// matcher is conntrack's user-space filter (nfct_filter): the NAT, mark,
// label and network filters, then a comparison with every attribute the
// command line set. It is built once and applied to each flow.
type matcher struct {
	family uint8
	set    attrSet // attributes compared
	t      *tmpl

	mark           bool
	statusKernel   bool // -L: the kernel-side status filter (with '!' masks)
	natSrc, natDst bool
	anyNAT         bool
	labelBits      []int
	checkLabels    bool
	srcNet, dstNet *network
}

// network is a --mask-src or --mask-dst filter.
type network struct {
	mask, net netip.Addr
}

func (n *network) contains(a netip.Addr) bool {
	if a.BitLen() != n.mask.BitLen() {
		return false
	}
	x, m, w := a.AsSlice(), n.mask.AsSlice(), n.net.AsSlice()
	for i := range x {
		if x[i]&m[i] != w[i] {
			return false
		}
	}
	return true
}

func newNetwork(addr, mask netip.Addr) *network {
	a, m := addr.AsSlice(), mask.AsSlice()
	if len(a) != len(m) {
		m = make([]byte, len(a))
	}
	for i := range a {
		a[i] &= m[i]
	}
	n, _ := netip.AddrFromSlice(a)
	mm, _ := netip.AddrFromSlice(m)
	return &network{mask: mm, net: n}
}

// compared are the attributes nfct_cmp looks at (the template's).
const compared = aOrigSrc | aOrigDst | aReplSrc | aReplDst | aL4Proto | aOrigSport |
	aOrigDport | aReplSport | aReplDport | aICMPType | aICMPCode | aICMPID | aState |
	aTimeout | aStatus | aSecmark | aZone | aOrigZone | aReplZone | aID

// newMatcher builds the filter of c; labelBits are the -l labels' bits.
// It fails as conntrack's nfct_filter_init does when a network mask has no
// address.
func newMatcher(c *command, labelBits []int) (*matcher, error) {
	m := &matcher{family: c.family, t: &c.tmpl, labelBits: labelBits}
	m.checkLabels = len(c.tmpl.label) > 0
	if c.options&setComparison != 0 {
		m.set = c.tmpl.set & compared
	}
	if c.options.has(optMaskSrc) {
		if !c.options.has(optOrigSrc) {
			return nil, paramErrorf("Can't use --mask-src without --src")
		}
		m.srcNet = newNetwork(c.tmpl.orig.Src, c.tmpl.mask.Src)
		m.set &^= aOrigSrc
	}
	if c.options.has(optMaskDst) {
		if !c.options.has(optOrigDst) {
			return nil, paramErrorf("Can't use --mask-dst without --dst")
		}
		m.dstNet = newNetwork(c.tmpl.orig.Dst, c.tmpl.mask.Dst)
		m.set &^= aOrigDst
	}
	m.mark = c.options.has(optMark)
	m.anyNAT = c.options.has(optAnyNAT)
	m.natSrc = c.options.has(optSrcNAT) || m.anyNAT
	m.natDst = c.options.has(optDstNAT) || m.anyNAT
	m.statusKernel = c.cmd == cmdList && c.options.has(optStatus)
	return m, nil
}

// Match reports whether conntrack would act on f.
func (m *matcher) Match(f *stack.Flow) bool {
	if m.family != 0 && f.Family != m.family {
		return false
	}
	if (m.natSrc || m.natDst) && !m.matchNAT(f) {
		return false
	}
	t := m.t
	if m.mark && (f.Has&stack.FlowHasMark == 0 || f.Mark&t.markMask != t.mark) {
		return false
	}
	if m.statusKernel && f.Status&t.statusMask != t.status {
		return false
	}
	if m.checkLabels && !m.matchLabels(f) {
		return false
	}
	if m.srcNet != nil && !m.srcNet.contains(f.Orig.Src) {
		return false
	}
	if m.dstNet != nil && !m.dstNet.contains(f.Orig.Dst) {
		return false
	}
	if m.set != 0 {
		return m.compare(f, m.set)
	}
	return true
}

// compare is nfct_cmp over the attributes in set.
func (m *matcher) compare(f *stack.Flow, set attrSet) bool {
	t := m.t
	if set&(aOrigSrc|aOrigDst|aReplSrc|aReplDst) != 0 && f.Family != m.family && m.family != 0 {
		return false
	}
	switch {
	case set&aOrigSrc != 0 && f.Orig.Src != t.orig.Src,
		set&aOrigDst != 0 && f.Orig.Dst != t.orig.Dst,
		set&aReplSrc != 0 && f.Reply.Src != t.repl.Src,
		set&aReplDst != 0 && f.Reply.Dst != t.repl.Dst,
		set&aL4Proto != 0 && f.Orig.Proto != t.proto,
		set&aOrigSport != 0 && f.Orig.SrcPort != t.orig.SrcPort,
		set&aOrigDport != 0 && f.Orig.DstPort != t.orig.DstPort,
		set&aReplSport != 0 && f.Reply.SrcPort != t.repl.SrcPort,
		set&aReplDport != 0 && f.Reply.DstPort != t.repl.DstPort,
		set&aICMPType != 0 && f.Orig.ICMPType != t.orig.ICMPType,
		set&aICMPCode != 0 && f.Orig.ICMPCode != t.orig.ICMPCode,
		set&aICMPID != 0 && f.Orig.ICMPID != t.orig.ICMPID:
		return false
	}
	if set&(aState|aTimeout|aStatus|aSecmark|aZone|aOrigZone|aReplZone|aID) == 0 {
		return true
	}
	switch {
	// A flow without a protocol state (DCCP on a kernel without its
	// tracker) matches no --state.
	case set&aState != 0 && (f.Has&stack.FlowHasProtoState == 0 || f.ProtoState != t.state),
		set&aTimeout != 0 && f.Has&stack.FlowHasTimeout != 0 && f.Timeout != t.timeout,
		set&aStatus != 0 && f.Has&stack.FlowHasStatus != 0 && f.Status&t.status != t.status,
		set&aSecmark != 0 && f.Has&stack.FlowHasSecmark != 0 && f.Secmark != t.secmark,
		// A zone the kernel did not send is zone 0 (conntrack 1.4.7).
		set&aZone != 0 && f.Zone != t.zone,
		set&aOrigZone != 0 && f.Orig.Zone != t.origZone,
		set&aReplZone != 0 && f.Reply.Zone != t.replZone,
		set&aID != 0 && f.Has&stack.FlowHasID != 0 && f.ID != t.id:
		return false
	}
	return true
}

func (m *matcher) matchLabels(f *stack.Flow) bool {
	if f.Has&stack.FlowHasLabels == 0 || len(f.Labels) == 0 {
		return false
	}
	for _, b := range m.labelBits {
		if b < 0 || b/8 >= len(f.Labels) || f.Labels[b/8]&(1<<(b%8)) == 0 {
			return false
		}
	}
	return true
}

func isSNAT(f *stack.Flow) bool {
	return f.Status&stack.IPSSrcNATDone != 0 && f.Reply.Dst != f.Orig.Src
}

func isDNAT(f *stack.Flow) bool {
	return f.Status&stack.IPSDstNATDone != 0 && f.Reply.Src != f.Orig.Dst
}

func isSPAT(f *stack.Flow) bool {
	return f.Status&stack.IPSSrcNATDone != 0 && f.Reply.DstPort != f.Orig.SrcPort
}

func isDPAT(f *stack.Flow) bool {
	return f.Status&stack.IPSDstNATDone != 0 && f.Reply.SrcPort != f.Orig.DstPort
}

// matchNAT is conntrack's filter_nat.
func (m *matcher) matchNAT(f *stack.Flow) bool {
	t := m.t
	hasSrc, hasDst := false, false
	if m.natSrc {
		checkAddr := t.set&aSNATAddr != 0 && t.snat.Is4()
		if checkAddr && isSNAT(f) && t.snat == f.Reply.Dst {
			hasSrc = true
		}
		checkPort := t.set&aSNATPort != 0
		if checkPort {
			ok := isSPAT(f) && t.snatPort == f.Reply.DstPort
			if checkAddr && hasSrc && !ok {
				hasSrc = false
			}
			if !checkAddr && ok {
				hasSrc = true
			}
		}
		if !checkAddr && !checkPort && (isSNAT(f) || isSPAT(f)) {
			hasSrc = true
		}
	}
	if m.natDst {
		checkAddr := t.set&aDNATAddr != 0 && t.dnat.Is4()
		if checkAddr && isDNAT(f) && t.dnat == f.Reply.Src {
			hasDst = true
		}
		checkPort := t.set&aDNATPort != 0
		if checkPort {
			ok := isDPAT(f) && t.dnatPort == f.Reply.SrcPort
			if checkAddr && hasDst && !ok {
				hasDst = false
			}
			if !checkAddr && ok {
				hasDst = true
			}
		}
		if !checkAddr && !checkPort && (isDNAT(f) || isDPAT(f)) {
			hasDst = true
		}
	}
	switch {
	case m.anyNAT:
		return hasSrc || hasDst
	case m.natSrc && m.natDst:
		return hasSrc && hasDst
	case m.natSrc:
		return hasSrc
	}
	return hasDst
}

// updateMatch is the filter of -U (mnl_nfct_update_cb): NAT, labels,
// networks, the id, and the original and reply tuples.
func (m *matcher) updateMatch(f *stack.Flow, c *command) bool {
	if m.family != 0 && f.Family != m.family {
		return false
	}
	if (m.natSrc || m.natDst) && !m.matchNAT(f) {
		return false
	}
	if m.checkLabels && !m.matchLabels(f) {
		return false
	}
	if m.srcNet != nil && !m.srcNet.contains(f.Orig.Src) {
		return false
	}
	if m.dstNet != nil && !m.dstNet.contains(f.Orig.Dst) {
		return false
	}
	t := m.t
	if t.set&aID != 0 && f.Has&stack.FlowHasID != 0 && f.ID != t.id {
		return false
	}
	const origAttrs = aOrigSrc | aOrigDst | aL4Proto | aOrigSport | aOrigDport | aICMPType | aICMPCode | aICMPID
	const replAttrs = aReplSrc | aReplDst | aL4Proto | aReplSport | aReplDport
	sel := t.set
	if m.srcNet != nil {
		sel &^= aOrigSrc
	}
	if m.dstNet != nil {
		sel &^= aOrigDst
	}
	if c.options&setTupleOrig != 0 && !m.compare(f, sel&origAttrs) {
		return false
	}
	if c.options&setTupleRepl != 0 && !m.compare(f, sel&replAttrs) {
		return false
	}
	return true
}

// kernelTuples adds to q the exact tuple comparisons of the filter, for
// the kernel to apply too (it does where it can: see stack.FlowQuery).
// The matcher still checks every flow.
func (m *matcher) kernelTuples(q *stack.FlowQuery) {
	t, set := m.t, m.set
	fields := func(src, dst, sport, dport attrSet) stack.TupleFields {
		var f stack.TupleFields
		if set&src != 0 {
			f |= stack.TupleSrc
		}
		if set&dst != 0 {
			f |= stack.TupleDst
		}
		if set&aL4Proto == 0 {
			return f
		}
		f |= stack.TupleProto
		if set&sport != 0 {
			f |= stack.TupleSrcPort
		}
		if set&dport != 0 {
			f |= stack.TupleDstPort
		}
		return f
	}
	q.Orig, q.OrigFields = t.orig, fields(aOrigSrc, aOrigDst, aOrigSport, aOrigDport)
	if q.OrigFields&stack.TupleProto != 0 {
		q.Orig.Proto = t.proto
		if set&aICMPType != 0 {
			q.OrigFields |= stack.TupleICMPType
		}
		if set&aICMPCode != 0 {
			q.OrigFields |= stack.TupleICMPCode
		}
		if set&aICMPID != 0 {
			q.OrigFields |= stack.TupleICMPID
		}
	}
	q.Reply, q.ReplyFields = t.repl, fields(aReplSrc, aReplDst, aReplSport, aReplDport)
	q.Reply.Proto = t.proto
	if q.ReplyFields == stack.TupleProto {
		q.ReplyFields = 0 // the original tuple compares the protocol
	}
}
