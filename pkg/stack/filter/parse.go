package filter

import (
	"bufio"
	"fmt"
	"strings"
)

// nodeOp is the kind of an expression node (ss's SSF_* types).
type nodeOp uint8

const (
	opAnd    nodeOp = iota // a && b
	opOr                   // a || b
	opNot                  // !a
	opSCond                // source address/port (SSF_SCOND)
	opDCond                // destination address/port (SSF_DCOND)
	opSGE                  // local port >= (SSF_S_GE)
	opSLE                  // local port <= (SSF_S_LE)
	opDGE                  // remote port >= (SSF_D_GE)
	opDLE                  // remote port <= (SSF_D_LE)
	opAuto                 // autobound (SSF_S_AUTO)
	opDev                  // bound device (SSF_DEVCOND)
	opMark                 // fwmark/mask (SSF_MARKMASK)
	opCgroup               // cgroup id (SSF_CGROUPCOND)
)

// node is one node of the expression tree.
type node struct {
	op     nodeOp
	a, b   *node // operands of and, or (a, b) and not (a)
	host   *hostCond
	dev    uint32
	mark   uint32
	mask   uint32
	cgroup uint64
}

// maxDepth is bison's YYMAXDEPTH: ss's parser stack holds at most
// maxDepth-1 states, deeper nesting fails with "memory exhausted".
const maxDepth = 10000

// parser is a recursive-descent parser that accepts exactly ssfilter.y's
// grammar, reports a syntax error at the same token bison does, and
// mirrors the depth of bison's state stack to fail where ss runs out of
// stack.
type parser struct {
	lex   lexer
	opts  Options
	res   Resolver
	f     *Filter
	fam   uint8 // ss's preferred_family, updated by addresses
	peekd bool
	tok   token
	depth int // bison stack entries in use
}

func newParser(args []string, opts Options, f *Filter) *parser {
	p := &parser{opts: opts, f: f, fam: opts.Family, depth: 1}
	p.lex.args = args
	if opts.File != nil {
		p.lex.file = bufio.NewReader(opts.File)
	}
	p.res = opts.Resolver
	if p.res == nil {
		p.res = &SystemResolver{}
	}
	return p
}

// The messages of bison's two failures, which ss follows with its usage.
const (
	msgSyntax    = "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.\n"
	msgExhausted = "ss: bison bellows (while parsing filter): \"memory exhausted!\" Sorry.\n"
)

func errSyntax() error    { return &Error{Msg: msgSyntax, Code: 255, Usage: true} }
func errExhausted() error { return &Error{Msg: msgExhausted, Code: 255, Usage: true} }

// peek returns the lookahead token, lexing it if needed.
func (p *parser) peek() (token, error) {
	if p.peekd {
		return p.tok, nil
	}
	t, err := p.next()
	if err != nil {
		return token{}, err
	}
	p.tok, p.peekd = t, true
	return t, nil
}

// push accounts for one state pushed on bison's stack.
func (p *parser) push() error {
	if p.depth >= maxDepth-1 {
		return errExhausted()
	}
	p.depth++
	return nil
}

// shift consumes the lookahead token, pushing its state.
func (p *parser) shift() error {
	p.peekd = false
	return p.push()
}

// reduce pops n states and pushes the goto state.
func (p *parser) reduce(n int) { p.depth -= n - 1 }

// next lexes one token.
func (p *parser) next() (token, error) {
	w, ok, err := p.lex.word()
	if err != nil {
		return token{}, err
	}
	if !ok {
		return token{kind: tEOF}, nil
	}
	if k := keywordKind(w); k != tNone {
		switch k {
		case tDst, tSrc, tDport, tSport, tDev, tFwmark, tCgroup, tAuto:
			p.lex.keyword = k
		}
		return token{kind: k}, nil
	}
	switch p.lex.keyword {
	case tDev:
		idx, ok := p.parseDev(w)
		if !ok {
			return token{}, &Error{Msg: "Cannot parse device.\n", Code: 1}
		}
		return token{kind: tDevCond, dev: idx}, nil
	case tFwmark:
		mark, mask, ok := parseMarkMask(w)
		if !ok {
			return token{}, &Error{Msg: "Cannot parse mark " + w + ".\n", Code: 1}
		}
		return token{kind: tMarkMask, mark: mark, mask: mask}, nil
	case tCgroup:
		id, err := p.res.CgroupID(w)
		if err != nil || id == 0 {
			msg := ""
			if err != nil {
				if msg = strings.TrimRight(err.Error(), "\n"); msg != "" {
					msg += "\n"
				}
			}
			return token{}, &Error{Msg: msg + "Cannot parse cgroup " + w + ".\n", Code: 1}
		}
		return token{kind: tCgroupCond, cgroup: id}, nil
	}
	h, err := p.parseHostCond(w, p.lex.keyword == tSport || p.lex.keyword == tDport)
	if err != nil {
		return token{}, err
	}
	return token{kind: tHost, host: h}, nil
}

// parseDev is ss's parse_devcond: an interface name, else a number.
func (p *parser) parseDev(w string) (uint32, bool) {
	if idx := p.res.InterfaceIndex(w); idx != 0 {
		return idx, true
	}
	v, n, ovf := strtoul(w, 0)
	if n == 0 || n != len(w) || ovf || v > 0xffffffff {
		return 0, false
	}
	return uint32(v), true
}

// parseMarkMask is ss's parse_markmask: sscanf "%i/%i" when the word has
// a slash, else "%i" with an all-ones mask.
func parseMarkMask(w string) (mark, mask uint32, ok bool) {
	if strings.IndexByte(w, '/') < 0 {
		v, n := scanInt(w)
		return v, 0xffffffff, n > 0
	}
	v, n := scanInt(w)
	if n == 0 || n >= len(w) || w[n] != '/' {
		return 0, 0, false
	}
	m, n2 := scanInt(w[n+1:])
	if n2 == 0 {
		return 0, 0, false
	}
	return v, m, true
}

// parse parses the whole expression ("applet" in ssfilter.y).
func (p *parser) parse() (*node, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.kind == tEOF {
		return nil, nil
	}
	if !startsExpr(t.kind) {
		return nil, errSyntax()
	}
	return p.exprList(false)
}

func startsExpr(k tokKind) bool {
	switch k {
	case tLParen, tNot, tDst, tSrc, tDport, tSport, tDev, tFwmark, tCgroup, tAuto:
		return true
	}
	return false
}

// exprList parses "exprlist": expressions joined by '|', '&' or nothing
// (an implicit '&'), all of one precedence and left-associative. It stops
// before ')' when inParen, at the end of input otherwise.
func (p *parser) exprList(inParen bool) (*node, error) {
	left, err := p.expr()
	if err != nil {
		return nil, err
	}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tOr || t.kind == tAnd:
			if err := p.shift(); err != nil {
				return nil, err
			}
			t2, err := p.peek()
			if err != nil {
				return nil, err
			}
			if !startsExpr(t2.kind) {
				return nil, errSyntax()
			}
			right, err := p.expr()
			if err != nil {
				return nil, err
			}
			p.reduce(3)
			op := opAnd
			if t.kind == tOr {
				op = opOr
			}
			left = &node{op: op, a: left, b: right}
		case startsExpr(t.kind):
			right, err := p.expr()
			if err != nil {
				return nil, err
			}
			p.reduce(2)
			left = &node{op: opAnd, a: left, b: right}
		case t.kind == tRParen && inParen, t.kind == tEOF && !inParen:
			return left, nil
		default:
			return nil, errSyntax()
		}
	}
}

// expr parses one "expr"; the lookahead is known to start one.
func (p *parser) expr() (*node, error) {
	t, _ := p.peek()
	if err := p.shift(); err != nil {
		return nil, err
	}
	switch t.kind {
	case tLParen:
		t2, err := p.peek()
		if err != nil {
			return nil, err
		}
		if !startsExpr(t2.kind) {
			return nil, errSyntax()
		}
		n, err := p.exprList(true)
		if err != nil {
			return nil, err
		}
		if err := p.shift(); err != nil { // ')'
			return nil, err
		}
		p.reduce(3)
		return n, nil
	case tNot:
		t2, err := p.peek()
		if err != nil {
			return nil, err
		}
		if !startsExpr(t2.kind) {
			return nil, errSyntax()
		}
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.reduce(2)
		return &node{op: opNot, a: n}, nil
	case tAuto:
		p.reduce(1)
		return &node{op: opAuto}, nil
	}

	// A keyword, an optional operator, then a value.
	op, err := p.operator(t.kind)
	if err != nil {
		return nil, err
	}
	v, err := p.peek()
	if err != nil {
		return nil, err
	}
	want := tHost
	switch t.kind {
	case tDev:
		want = tDevCond
	case tFwmark:
		want = tMarkMask
	case tCgroup:
		want = tCgroupCond
	}
	if v.kind != want {
		return nil, errSyntax()
	}
	if err := p.shift(); err != nil {
		return nil, err
	}
	p.reduce(3)
	return buildCond(t.kind, op, v), nil
}

// operator reads what may follow a keyword: '=' (or nothing) for all of
// them, '!=' for all but src and dst, and '>=', '<=', '>', '<' for ports.
// With any other lookahead bison first reduces the empty '=' (which takes
// a stack slot) and then fails on the value.
func (p *parser) operator(kw tokKind) (tokKind, error) {
	t, err := p.peek()
	if err != nil {
		return 0, err
	}
	accept := false
	switch t.kind {
	case tEq:
		accept = true
	case tNE:
		accept = kw != tSrc && kw != tDst
	case tGE, tLE, tGT, tLT:
		accept = kw == tSport || kw == tDport
	}
	if !accept {
		// The empty "eq".
		if err := p.push(); err != nil {
			return 0, err
		}
		return tEq, nil
	}
	if err := p.shift(); err != nil {
		return 0, err
	}
	return t.kind, nil
}

// buildCond makes the node of "KEYWORD OP VALUE" as ssfilter.y's actions
// do: ports compare with >= and <= nodes, negated for > and <.
func buildCond(kw, op tokKind, v token) *node {
	var n *node
	switch kw {
	case tDst, tDport, tSrc, tSport:
		src := kw == tSrc || kw == tSport
		cond, ge, le := opDCond, opDGE, opDLE
		if src {
			cond, ge, le = opSCond, opSGE, opSLE
		}
		switch op {
		case tGE:
			return &node{op: ge, host: v.host}
		case tLE:
			return &node{op: le, host: v.host}
		case tGT:
			return &node{op: opNot, a: &node{op: le, host: v.host}}
		case tLT:
			return &node{op: opNot, a: &node{op: ge, host: v.host}}
		}
		n = &node{op: cond, host: v.host}
	case tDev:
		n = &node{op: opDev, dev: v.dev}
	case tFwmark:
		n = &node{op: opMark, mark: v.mark, mask: v.mask}
	case tCgroup:
		n = &node{op: opCgroup, cgroup: v.cgroup}
	}
	if op == tNE {
		return &node{op: opNot, a: n}
	}
	return n
}

// hasAuto reports whether the expression uses autobound.
func hasAuto(n *node) bool {
	if n == nil {
		return false
	}
	if n.op == opAuto {
		return true
	}
	return hasAuto(n.a) || hasAuto(n.b)
}

func (n *node) format(b *strings.Builder) {
	switch n.op {
	case opAnd, opOr:
		b.WriteByte('(')
		n.a.format(b)
		if n.op == opAnd {
			b.WriteString(" & ")
		} else {
			b.WriteString(" | ")
		}
		n.b.format(b)
		b.WriteByte(')')
	case opNot:
		b.WriteByte('!')
		n.a.format(b)
	case opSCond:
		b.WriteString("src " + n.host.String())
	case opDCond:
		b.WriteString("dst " + n.host.String())
	case opSGE:
		fmt.Fprintf(b, "sport >= %d", n.host.port)
	case opSLE:
		fmt.Fprintf(b, "sport <= %d", n.host.port)
	case opDGE:
		fmt.Fprintf(b, "dport >= %d", n.host.port)
	case opDLE:
		fmt.Fprintf(b, "dport <= %d", n.host.port)
	case opAuto:
		b.WriteString("autobound")
	case opDev:
		fmt.Fprintf(b, "dev %d", n.dev)
	case opMark:
		fmt.Fprintf(b, "fwmark 0x%x/0x%x", n.mark, n.mask)
	case opCgroup:
		fmt.Fprintf(b, "cgroup %d", n.cgroup)
	}
}
