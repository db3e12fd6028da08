package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// FuzzParse parses arbitrary filter words and files: Parse must not
// panic, fail only with an *Error, and produce a filter whose program (if
// any) is well formed and whose Match runs on any socket.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(strings.Join(c.Args, "\x01"), c.File, c.Flags)
	}
	for _, c := range bytecodeCases {
		f.Add(c.expr, "", c.flags)
	}
	f.Add("state\x01listening\x01src multi.test or dst unix:*", "", "-n")
	f.Add("( ! ( autobound", "fwmark 0x1/0x1\n", "-0")
	res := newFakeResolver()
	socks := []*stack.Socket{
		tcpSock("10.1.2.3:22", "192.168.1.9:50000"),
		tcpSock("[::ffff:10.1.2.3]:8080", "[::1]:1"),
		{Family: afUnix, Table: stack.TableUnixStream, Local: stack.Endpoint{Path: "@00a1f"}},
		{Family: afPacket, Table: stack.TablePacketRaw, Local: stack.Endpoint{Proto: 3, Ifindex: 1}},
		{Family: afNetlink, Table: stack.TableNetlink, Local: stack.Endpoint{PortID: -5}},
		{},
	}
	f.Fuzz(func(t *testing.T, args, file, flags string) {
		var words []string
		if args != "" {
			words = strings.Split(args, "\x01")
		}
		opts := optsFor(flags, res)
		if file != "" {
			opts.File = strings.NewReader(file)
		}
		flt, err := Parse(words, opts)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Msg == "" || !strings.HasSuffix(fe.Msg, "\n") || (fe.Code != 1 && fe.Code != 255) {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if prog, ok := flt.InetDiagBytecode(afInet); ok {
			if err := auditBytecode(prog); err != nil {
				t.Fatalf("%q: %v: %x", flt.String(), err, prog)
			}
		}
		for _, s := range socks {
			flt.Match(s)
		}
		_ = flt.String()
	})
}

// auditBytecode checks a program as the kernel's inet_diag_bc_audit does.
func auditBytecode(b []byte) error {
	targets := map[int]bool{}
	for off := 0; off < len(b); {
		targets[off] = true
		if off+4 > len(b) {
			return errors.New("truncated op")
		}
		yes, no := int(b[off+1]), int(b[off+2])|int(b[off+3])<<8
		rest := len(b) - off
		minLen := 4
		switch b[off] {
		case bcSCond, bcDCond:
			if rest < 12 {
				return errors.New("short hostcond")
			}
			fam, plen := b[off+4], int(b[off+5])
			alen := map[uint8]int{afUnspec: 0, afInet: 4, afInet6: 16}
			l, ok := alen[fam]
			if !ok || plen > 8*l || rest < 12+l {
				return errors.New("bad hostcond")
			}
			minLen = 12 + l
		case bcSGE, bcSLE, bcDGE, bcDLE:
			minLen = 8
		case bcMarkCond, bcCgroupCond:
			minLen = 12
		case bcAuto, bcJmp:
		default:
			return errors.New("bad op code")
		}
		if no < minLen || no > rest+4 || no&3 != 0 || yes < minLen || yes > rest+4 || yes&3 != 0 {
			return errors.New("bad jump")
		}
		off += yes
	}
	// Every "no" must land on an op, the end, or 4 past the end.
	for off := 0; off < len(b); off += int(b[off+1]) {
		no := int(b[off+2]) | int(b[off+3])<<8
		if t := off + no; t != len(b) && t != len(b)+4 && !targets[t] {
			return errors.New("jump into an op")
		}
	}
	return nil
}

func TestAuditGolden(t *testing.T) {
	for _, c := range bytecodeCases {
		flt, err := Parse([]string{c.expr}, optsFor(c.flags, newFakeResolver()))
		if err != nil {
			t.Fatal(err)
		}
		if prog, ok := flt.InetDiagBytecode(afInet); ok {
			if err := auditBytecode(prog); err != nil {
				t.Errorf("%q: %v", c.expr, err)
			}
		}
	}
}
