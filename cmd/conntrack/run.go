package conntrack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	report "github.com/stackbox/stackbox/pkg/report/conntrack"
	"github.com/stackbox/stackbox/pkg/stack"
)

// runner runs parsed commands against one stack.
type runner struct {
	opts   *Options
	out    *bufio.Writer
	errOut io.Writer
	x      extras
	st     stack.FlowStack
	labels []string // connlabel.conf, once loaded
	loaded bool
	count  int
}

func (r *runner) main(args []string) error {
	if r.x.netnsMissing {
		return otherErrorf("option `--netns' requires an argument")
	}
	if r.x.simErr != nil {
		return otherErrorf("%s", r.x.simErr)
	}
	if len(args) > 1 && (args[0] == "-R" || args[0] == "--load-file") {
		return r.loadFile(args[1])
	}
	c, err := parseArgsLabels(args, r.knownLabel)
	r.printWarnings(c)
	if err != nil {
		return err
	}
	if err := r.run(c); err != nil {
		return err
	}
	if c.hasCmd && exitMsg[c.cmd] != "" && c.cmd != cmdEvent {
		r.syncOut()
		fmt.Fprintf(r.errOut, "%s v%s (conntrack-tools): "+exitMsg[c.cmd]+"\n", progName, version, r.count)
		if r.count == 0 && c.cmd != cmdList && c.cmd != cmdExpList {
			return exitStatus(otherProblem)
		}
	}
	return nil
}

func (r *runner) printWarnings(c *command) {
	if c == nil {
		return
	}
	for _, w := range c.warnings {
		fmt.Fprintln(r.errOut, w)
	}
}

// stack opens the target once.
func (r *runner) stack() (stack.FlowStack, error) {
	if r.st != nil {
		return r.st, nil
	}
	st, err := openTarget(r.opts, &r.x)
	if err != nil {
		return nil, err
	}
	r.st = st
	return st, nil
}

// labelNames loads connlabel.conf as conntrack's labelmap_init does.
func (r *runner) labelNames() []string {
	if r.loaded {
		return r.labels
	}
	r.loaded = true
	open := r.opts.LabelFile
	if open == nil {
		open = func() (io.ReadCloser, error) { return os.Open("/etc/xtables/connlabel.conf") }
	}
	f, err := open()
	if err != nil {
		fmt.Fprintf(r.errOut, "nfct_labelmap_new: %s\n", strerror(err))
		return nil
	}
	defer f.Close()
	names, err := report.LoadLabelNames(f)
	if err != nil {
		fmt.Fprintf(r.errOut, "nfct_labelmap_new: %s\n", strerror(err))
		return nil
	}
	r.labels = names
	return names
}

// knownLabel reports whether name is in connlabel.conf.
func (r *runner) knownLabel(name string) bool {
	for _, l := range r.labelNames() {
		if l == name && name != "" {
			return true
		}
	}
	return false
}

// labelBits resolves label names to bits.
func (r *runner) labelBits(names []string) ([]int, error) {
	var bits []int
	table := r.labelNames()
	for _, n := range names {
		bit := -1
		for i, l := range table {
			if l == n && n != "" {
				bit = i
				break
			}
		}
		if bit < 0 {
			return nil, paramErrorf("unknown label '%s'", n)
		}
		bits = append(bits, bit)
	}
	return bits, nil
}

// usesLabels reports whether c loads the label map.
func usesLabels(c *command) bool {
	return c.options&(1<<optLabel|1<<optAddLabel|1<<optDelLabel) != 0 ||
		c.options.has(optOutput) && c.output&outLabels != 0
}

// printer builds the renderer for c's output options.
func (r *runner) printer(c *command, events bool) *report.Printer {
	p := &report.Printer{W: r.out}
	if c.output&outExt != 0 {
		p.Output |= report.Extended
	}
	if c.output&outID != 0 {
		p.Output |= report.ShowID
	}
	if c.output&outTimestamp != 0 && events {
		p.Output |= report.Timestamp
	}
	if c.output&outKTimestamp != 0 {
		p.Output |= report.KTimestamp
	}
	if c.output&outXML != 0 {
		p.Output |= report.XML
	}
	if usesLabels(c) {
		p.Output |= report.Labels
		p.LabelNames = r.labelNames()
	}
	if r.x.json {
		p.Output |= report.JSON
	}
	return p
}

// Messages of conntrack's err2str, by errno, with the commands they are
// for.
func err2str(err error, cmd int) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	bit := 1 << cmd
	has := func(cmds ...int) bool {
		for _, c := range cmds {
			if c == cmd {
				return true
			}
		}
		return false
	}
	switch {
	case errno == 524 && cmd == cmdList:
		return "function not implemented"
	case errno == syscall.EINVAL && bit&0xffff != 0:
		return "invalid parameters"
	case errno == syscall.EEXIST && cmd == cmdCreate:
		return "Such conntrack exists, try -U to update"
	case errno == syscall.ENOENT && has(cmdCreate, cmdGet, cmdDelete, cmdAdd):
		return "such conntrack doesn't exist"
	case errno == syscall.ENOMEM && has(cmdCreate, cmdGet, cmdAdd):
		return "not enough memory"
	case errno == syscall.EAFNOSUPPORT && cmd == cmdGet:
		return "protocol not supported"
	case errno == syscall.ETIME && has(cmdCreate, cmdAdd):
		return "conntrack has expired"
	case errno == syscall.ENOENT && cmd == cmdExpCreate:
		return "master conntrack not found"
	case errno == syscall.EINVAL && cmd == cmdExpCreate:
		return "invalid parameters"
	case errno == syscall.EPERM:
		return "sorry, you must be root or get CAP_NET_ADMIN capability to do this"
	}
	return strerror(errno)
}

// strerror is the C library's message for err's errno.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.Is(err, os.ErrNotExist) && !errors.As(err, &errno) {
		errno = syscall.ENOENT
	} else if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func opFailed(err error, cmd int) error {
	var ce *ctError
	if errors.As(err, &ce) {
		return err
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err // not the kernel's: a namespace or a stack failure
	}
	return otherErrorf("Operation failed: %s", err2str(err, cmd))
}

// run executes one parsed command.
func (r *runner) run(c *command) error {
	ctx := context.Background()
	switch c.cmd {
	case cmdVersion:
		fmt.Fprintf(r.out, "%s v%s (conntrack-tools)\n", progName, version)
		return nil
	case cmdHelp:
		r.usage()
		if c.options.has(optProto) {
			name := c.proto.name
			if c.proto == unknownProto {
				if n, ok := protoName(c.protoNum); ok {
					name = n
				}
			}
			fmt.Fprintf(r.out, "Proto `%s' help:\n%s", name, c.proto.help)
		}
		return nil
	case numCmds:
		r.usage()
		return nil
	}
	var labelBits []int
	if usesLabels(c) {
		var err error
		if labelBits, err = r.labelBits(c.tmpl.label); err != nil {
			return err
		}
		if _, err := r.labelBits(c.tmpl.labelModify); err != nil {
			return err
		}
	}
	// What conntrack checks before talking to the kernel.
	if c.cmd == cmdList && c.table == tableConntrack && c.options&setComparison != 0 && c.options.has(optZero) {
		return paramErrorf("Can't use -z with filtering parameters")
	}
	switch c.cmd {
	case cmdList, cmdDelete, cmdUpdate, cmdEvent:
		if _, err := newMatcher(c, labelBits); err != nil {
			return err
		}
	}
	st, err := r.stack()
	if err != nil {
		return err
	}
	switch c.cmd {
	case cmdList:
		return r.list(ctx, st, c, labelBits)
	case cmdDelete:
		return r.delete(ctx, st, c, labelBits)
	case cmdUpdate:
		return r.update(ctx, st, c, labelBits)
	case cmdCreate, cmdAdd:
		return r.create(ctx, st, c)
	case cmdGet:
		return r.get(ctx, st, c)
	case cmdFlush:
		err := st.FlushFlows(ctx, c.family)
		r.syncOut()
		fmt.Fprintf(r.errOut, "%s v%s (conntrack-tools): connection tracking table has been emptied.\n", progName, version)
		return r.failed(err, c.cmd)
	case cmdExpFlush:
		err := st.FlushExpectations(ctx, c.family)
		r.syncOut()
		fmt.Fprintf(r.errOut, "%s v%s (conntrack-tools): expectation table has been emptied.\n", progName, version)
		return r.failed(err, c.cmd)
	case cmdCount:
		n, err := st.FlowCount(ctx)
		if err != nil {
			return r.failed(err, c.cmd)
		}
		fmt.Fprintf(r.out, "%d\n", int32(n.Entries))
		return nil
	case cmdExpCount:
		n := 0
		err := st.Expectations(ctx, c.family, func(*stack.Expectation) error { n++; return nil })
		fmt.Fprintf(r.out, "%d\n", n)
		return r.failed(err, c.cmd)
	case cmdStats:
		s, err := st.FlowStats(ctx)
		if err != nil {
			return r.failed(err, c.cmd)
		}
		return report.WriteStats(r.out, s)
	case cmdExpStats:
		s, err := st.ExpectationStats(ctx)
		if err != nil {
			return r.failed(err, c.cmd)
		}
		return report.WriteExpectStats(r.out, s)
	case cmdEvent, cmdExpEvent:
		return r.events(st, c, labelBits)
	case cmdExpList:
		p := r.printer(c, false)
		p.Begin()
		err := st.Expectations(ctx, c.family, func(e *stack.Expectation) error {
			r.count++
			return p.Expectation(e)
		})
		p.End()
		return r.failed(err, c.cmd)
	case cmdExpGet:
		e := &stack.Expectation{Family: c.family, Tuple: origTuple(c), Master: origTuple(c)}
		got, err := st.GetExpectation(ctx, e)
		if err != nil {
			return r.failed(err, c.cmd)
		}
		p := r.printer(c, false)
		p.Begin()
		return p.Expectation(got)
	case cmdExpDelete:
		e := &stack.Expectation{Family: c.family, Tuple: origTuple(c)}
		return r.failed(st.DeleteExpectation(ctx, e), c.cmd)
	case cmdExpCreate:
		return r.failed(st.CreateExpectation(ctx, expectation(c)), c.cmd)
	}
	return nil
}

func (r *runner) failed(err error, cmd int) error {
	if err == nil {
		return nil
	}
	return opFailed(err, cmd)
}

// query is the kernel-side part of a dump's filter.
func query(c *command, kernelStatus bool) stack.FlowQuery {
	q := stack.FlowQuery{Family: c.family}
	if c.options.has(optMark) {
		q.Mark, q.MarkMask, q.HasMark = c.tmpl.mark, c.tmpl.markMask, true
		if q.Mark&q.MarkMask != q.Mark {
			// conntrack compares the unmasked value: nothing matches,
			// and the user-space filter says so.
			q.HasMark = false
		}
	}
	if kernelStatus && c.options.has(optStatus) && c.tmpl.statusMask == c.tmpl.status {
		q.Status = c.tmpl.status
	}
	return q
}

func (r *runner) list(ctx context.Context, st stack.FlowStack, c *command, labelBits []int) error {
	if c.table == tableDying || c.table == tableUnconfirmed {
		return nil // the stack has no such lists: nothing to show
	}
	if c.options&setComparison != 0 && c.options.has(optZero) {
		return paramErrorf("Can't use -z with filtering parameters")
	}
	m, err := newMatcher(c, labelBits)
	if err != nil {
		return err
	}
	if c.options.has(optStatus) && c.tmpl.statusMask == 0 {
		// conntrack asks the kernel for a status filter with an empty
		// mask (-u UNSET), which it refuses.
		return opFailed(syscall.EINVAL, c.cmd)
	}
	q := query(c, true)
	m.kernelTuples(&q)
	q.ZeroCounters = c.options.has(optZero)
	if c.options.has(optZone) {
		q.Zone, q.HasZone = c.tmpl.zone, true
	}
	var sum *report.Summary
	p := r.printer(c, false)
	if r.x.summary {
		sum = report.NewSummary()
	}
	p.Begin()
	err = st.Flows(ctx, q, func(f *stack.Flow) error {
		if !m.Match(f) {
			return nil
		}
		r.count++
		if sum != nil {
			sum.Add(f)
			return nil
		}
		if c.output&outSave != 0 {
			return writeSave(r.out, f, "-A")
		}
		return p.Flow(f)
	})
	if err != nil {
		return r.failed(err, c.cmd)
	}
	if sum != nil {
		return sum.Write(r.out, r.x.json)
	}
	return p.End()
}

// collect dumps the flows q selects that keep says to keep, as copies.
func collect(ctx context.Context, st stack.FlowStack, q stack.FlowQuery, keep func(*stack.Flow) bool) ([]stack.Flow, error) {
	var out []stack.Flow
	err := st.Flows(ctx, q, func(f *stack.Flow) error {
		if keep(f) {
			g := *f
			g.Labels = append([]byte(nil), f.Labels...)
			g.LabelsMask = nil
			out = append(out, g)
		}
		return nil
	})
	return out, err
}

func (r *runner) delete(ctx context.Context, st stack.FlowStack, c *command, labelBits []int) error {
	m, err := newMatcher(c, labelBits)
	if err != nil {
		return err
	}
	q := query(c, false)
	m.kernelTuples(&q)
	flows, err := collect(ctx, st, q, m.Match)
	if err != nil {
		return r.failed(err, c.cmd)
	}
	// conntrack prints deleted flows without labels and, in XML, as bare
	// <flow> elements.
	p := r.printer(c, false)
	p.Output &^= report.Labels
	p.NoHeader = true
	for i := range flows {
		f := &flows[i]
		if err := st.DeleteFlow(ctx, f); err != nil {
			if errors.Is(err, syscall.ENOENT) {
				continue
			}
			return opFailed(err, cmdDelete)
		}
		if c.output&outSave != 0 {
			writeSave(r.out, f, "-D")
		} else if err := p.Flow(f); err != nil {
			return err
		}
		r.count++
	}
	return nil
}

func (r *runner) update(ctx context.Context, st stack.FlowStack, c *command, labelBits []int) error {
	m, err := newMatcher(c, labelBits)
	if err != nil {
		return err
	}
	flows, err := collect(ctx, st, stack.FlowQuery{Family: c.family}, func(f *stack.Flow) bool { return m.updateMatch(f, c) })
	if err != nil {
		return r.failed(err, c.cmd)
	}
	var modBits []int
	if len(c.tmpl.labelModify) > 0 {
		modBits, _ = r.labelBits(c.tmpl.labelModify)
	}
	p := r.printer(c, false)
	p.NoHeader = true
	for i := range flows {
		f := &flows[i]
		u, changed := updateOf(c, f, modBits)
		if !changed {
			continue
		}
		if err := st.UpdateFlow(ctx, u); err != nil {
			if errors.Is(err, syscall.ENOENT) {
				continue
			}
			if c.options&(1<<optAddLabel|1<<optDelLabel) != 0 && f.Has&stack.FlowHasLabels == 0 && errors.Is(err, syscall.ENOSPC) {
				continue
			}
			ferr := opFailed(err, cmdUpdate)
			var ce *ctError
			if errors.As(ferr, &ce) {
				r.syncOut()
				fmt.Fprintln(r.errOut, ce.msg)
			}
			return ferr
		}
		got, err := st.GetFlow(ctx, u)
		if err != nil {
			if errors.Is(err, syscall.ENOENT) {
				continue
			}
			return opFailed(err, cmdUpdate)
		}
		if c.output&outSave != 0 {
			writeSave(r.out, got, "-A")
		} else if err := p.Flow(got); err != nil {
			return err
		}
		r.count++
	}
	return nil
}

// updateOf builds the change -U makes to f, and whether it changes it.
func updateOf(c *command, f *stack.Flow, modBits []int) (*stack.Flow, bool) {
	t := &c.tmpl
	u := &stack.Flow{Family: f.Family, Orig: f.Orig, Reply: f.Reply, Zone: f.Zone,
		Has: stack.FlowHasOrig | stack.FlowHasReply}
	if f.Has&stack.FlowHasZone != 0 {
		u.Has |= stack.FlowHasZone
	}
	changed := false
	if t.set&aTimeout != 0 {
		u.Timeout, u.Has = t.timeout, u.Has|stack.FlowHasTimeout
		changed = changed || f.Timeout != t.timeout
	}
	if c.options.has(optMark) {
		u.Mark = (f.Mark &^ t.markMask) ^ t.mark
		u.Has |= stack.FlowHasMark
		changed = changed || u.Mark != f.Mark
	}
	if t.set&aStatus != 0 {
		u.Status = f.Status | t.status
		u.Has |= stack.FlowHasStatus
		changed = changed || u.Status != f.Status
	}
	if t.set&aState != 0 {
		u.ProtoState = t.state
		u.Has |= stack.FlowHasProtoState
		changed = changed || f.ProtoState != t.state
	}
	if c.options.has(optAddLabel) || c.options.has(optDelLabel) {
		labels, mask := modifyLabels(f.Labels, modBits, c.options.has(optAddLabel), t.labelDelAll)
		if labels != nil {
			u.Labels, u.LabelsMask = labels, mask
			u.Has |= stack.FlowHasLabels
			if string(labels) != string(f.Labels) {
				changed = true
			}
		}
	}
	return u, changed
}

// modifyLabels computes the labels of --label-add (add) or --label-del.
func modifyLabels(cur []byte, bits []int, add, delAll bool) (labels, mask []byte) {
	maxBit := -1
	for _, b := range bits {
		maxBit = max(maxBit, b)
	}
	n := max(len(cur), (maxBit+8)/8)
	if n == 0 && !add {
		return nil, nil
	}
	if !add && len(cur) == 0 {
		return nil, nil
	}
	labels = make([]byte, n)
	copy(labels, cur)
	mask = make([]byte, n)
	if !add && delAll {
		for i := range labels {
			labels[i] = 0
			mask[i] = 0xff
		}
		return labels, mask
	}
	for _, b := range bits {
		if b/8 >= n {
			continue
		}
		mask[b/8] |= 1 << (b % 8)
		if add {
			labels[b/8] |= 1 << (b % 8)
		} else {
			labels[b/8] &^= 1 << (b % 8)
		}
	}
	return labels, mask
}

// origTuple is the original tuple a command line gives.
func origTuple(c *command) stack.FlowTuple {
	t := c.tmpl.orig
	t.Proto = c.tmpl.proto
	if c.tmpl.set&aOrigZone != 0 {
		t.Zone, t.HasZone = c.tmpl.origZone, true
	}
	return t
}

func replyTuple(c *command) stack.FlowTuple {
	t := c.tmpl.repl
	t.Proto = c.tmpl.proto
	if t.ICMPType == 0 && t.ICMPCode == 0 && t.ICMPID == 0 {
		t.ICMPType, t.ICMPCode, t.ICMPID = c.tmpl.orig.ICMPType, c.tmpl.orig.ICMPCode, c.tmpl.orig.ICMPID
	}
	if c.tmpl.set&aReplZone != 0 {
		t.Zone, t.HasZone = c.tmpl.replZone, true
	}
	return t
}

// icmpReply is the reply type of an ICMP (or ICMPv6) query type.
var icmpReply = map[uint8]map[uint8]uint8{
	1:  {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17},
	58: {128: 129, 129: 128, 130: 131, 131: 130},
}

// invert is the other direction of t.
func invert(t stack.FlowTuple) stack.FlowTuple {
	u := t
	u.Src, u.Dst = t.Dst, t.Src
	u.SrcPort, u.DstPort = t.DstPort, t.SrcPort
	if m, ok := icmpReply[t.Proto]; ok {
		if r, ok := m[t.ICMPType]; ok {
			u.ICMPType = r
		}
	}
	return u
}

// flowOf is the flow -I, -A and -G describe.
func flowOf(c *command) *stack.Flow {
	t := &c.tmpl
	f := &stack.Flow{Family: c.family}
	orig := c.options&setOrig != 0
	repl := c.options&setRepl != 0
	switch {
	case orig && !repl:
		f.Orig = origTuple(c)
		f.Reply = invert(f.Orig)
		f.Reply.Zone, f.Reply.HasZone = 0, false
		if t.set&aReplZone != 0 {
			f.Reply.Zone, f.Reply.HasZone = t.replZone, true
		}
		f.Has |= stack.FlowHasOrig | stack.FlowHasReply
	case repl && !orig:
		f.Reply = replyTuple(c)
		f.Orig = invert(f.Reply)
		f.Orig.Zone, f.Orig.HasZone = 0, false
		if t.set&aOrigZone != 0 {
			f.Orig.Zone, f.Orig.HasZone = t.origZone, true
		}
		f.Has |= stack.FlowHasOrig | stack.FlowHasReply
	default:
		f.Orig, f.Reply = origTuple(c), replyTuple(c)
		f.Has |= stack.FlowHasOrig | stack.FlowHasReply
	}
	if t.set&aZone != 0 {
		f.Zone, f.Has = t.zone, f.Has|stack.FlowHasZone
	}
	if t.set&aID != 0 {
		f.ID, f.Has = t.id, f.Has|stack.FlowHasID
	}
	return f
}

// tcpFlags are what conntrack sets on a TCP flow it creates: window
// tracking off, SACK permitted, and after TIME_WAIT, close-init.
const (
	tcpFlagSACKPerm  = 0x02
	tcpFlagCloseInit = 0x04
	tcpFlagBeLiberal = 0x08
)

func (r *runner) create(ctx context.Context, st stack.FlowStack, c *command) error {
	f := flowOf(c)
	t := &c.tmpl
	f.Has &^= stack.FlowHasID
	f.Timeout, f.Has = t.timeout, f.Has|stack.FlowHasTimeout
	f.Status, f.Has = t.status|stack.IPSConfirmed, f.Has|stack.FlowHasStatus
	if c.options.has(optMark) {
		f.Mark, f.Has = t.mark, f.Has|stack.FlowHasMark
	}
	if t.set&aState != 0 {
		f.ProtoState, f.Has = t.state, f.Has|stack.FlowHasProtoState
	}
	if c.protoNum == syscall.IPPROTO_TCP {
		fl := uint16(tcpFlagBeLiberal | tcpFlagSACKPerm)
		if t.set&aState != 0 && t.state >= 7 {
			fl |= tcpFlagCloseInit
		}
		f.TCPFlags = [2]uint16{fl<<8 | fl, fl<<8 | fl}
	}
	if c.options.has(optAddLabel) {
		bits, err := r.labelBits(t.labelModify)
		if err != nil {
			return err
		}
		f.Labels, _ = modifyLabels(nil, bits, true, false)
		f.Has |= stack.FlowHasLabels
	}
	err := st.CreateFlow(ctx, f)
	if c.cmd == cmdAdd && errors.Is(err, syscall.EEXIST) {
		err = st.UpdateFlow(ctx, f)
	}
	if err != nil {
		return opFailed(err, c.cmd)
	}
	r.count++
	return nil
}

func (r *runner) get(ctx context.Context, st stack.FlowStack, c *command) error {
	// libnetfilter_conntrack builds no request without the original
	// tuple's family, which only -s and -d set: with the reply tuple
	// alone conntrack fails before asking the kernel.
	if c.tmpl.set&(aOrigSrc|aOrigDst) == 0 {
		return opFailed(syscall.EINVAL, cmdGet)
	}
	f := flowOf(c)
	if c.options&setOrig == 0 {
		f.Has &^= stack.FlowHasOrig
	}
	got, err := st.GetFlow(ctx, f)
	if err != nil {
		return opFailed(err, cmdGet)
	}
	p := r.printer(c, false)
	p.Begin()
	r.count++
	if c.output&outSave != 0 {
		return writeSave(r.out, got, "-A")
	}
	return p.Flow(got)
}

// expectation is the expectation -I expect describes.
func expectation(c *command) *stack.Expectation {
	t := &c.tmpl
	e := &stack.Expectation{Family: c.family, Master: origTuple(c)}
	e.Tuple = t.exp
	e.Tuple.Proto = t.proto
	e.Mask = t.mask
	e.Mask.Proto = t.proto
	if t.set&aTimeout != 0 {
		e.Timeout, e.Has = t.timeout, e.Has|stack.ExpectHasTimeout
	}
	return e
}

// events listens as conntrack -E does until a signal.
func (r *runner) events(st stack.FlowStack, c *command, labelBits []int) error {
	m, err := newMatcher(c, labelBits)
	if err != nil {
		return err
	}
	if c.options.has(optBufferSize) {
		n := c.bufSize * 2
		if n < 2304 {
			n = 2304
		}
		fmt.Fprintf(r.errOut, "NOTICE: Netlink socket buffer size has been set to %d bytes.\n", uint64(n))
	}
	exp := c.cmd == cmdExpEvent
	q := stack.FlowEventQuery{Expectations: exp, Flows: stack.FlowQuery{Family: c.family}, BufferSize: int(c.bufSize)}
	if c.options.has(optEventMask) {
		if c.eventMask&evNew != 0 {
			q.Types |= stack.FlowEventNew
		}
		if c.eventMask&evUpdate != 0 {
			q.Types |= stack.FlowEventUpdate
		}
		if c.eventMask&evDestroy != 0 {
			q.Types |= stack.FlowEventDestroy
		}
	}
	q.OnOverrun = func(error) error {
		r.syncOut()
		fmt.Fprint(r.errOut, "WARNING: We have hit ENOBUFS! We are losing events.\n"+
			"This message means that the current netlink socket buffer size is too small.\n"+
			"Please, check --buffer-size in conntrack(8) manpage.\n")
		return nil
	}
	p := r.printer(c, true)
	p.Begin()
	ctx, stop := r.signalContext()
	defer stop()
	err = st.FlowEvents(ctx, q, func(ev *stack.FlowEvent) error {
		if exp {
			if ev.Expectation == nil {
				return nil
			}
			if err := p.ExpectationEvent(ev); err != nil {
				return err
			}
		} else {
			if ev.Flow == nil || !m.Match(ev.Flow) {
				return nil
			}
			var err error
			if c.output&outSave != 0 {
				err = writeSave(r.out, ev.Flow, saveVerb(ev.Type))
			} else {
				err = p.Event(ev)
			}
			if err != nil {
				return err
			}
		}
		r.count++
		return r.out.Flush()
	})
	if ctx.Err() == nil && err != nil {
		return otherErrorf("failed to received netlink event: %s", strerror(err))
	}
	p.End()
	r.out.Flush()
	what := "flow events"
	if exp {
		what = "expectation events"
	}
	fmt.Fprintf(r.errOut, "%s v%s (conntrack-tools): %d %s have been shown.\n", progName, version, r.count, what)
	return nil
}

func saveVerb(t stack.FlowEventType) string {
	switch t {
	case stack.FlowEventUpdate:
		return "-U"
	case stack.FlowEventDestroy:
		return "-D"
	}
	return "-A"
}

// syncOut flushes stdout before a stderr line when stdout is a terminal;
// to a pipe or file, conntrack's stdout is flushed only when full or at
// exit, so stderr lines come first, as they do here.
func (r *runner) syncOut() {
	if r.opts.IO.OutIsTerminal {
		r.out.Flush()
	}
}
