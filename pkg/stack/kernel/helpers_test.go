package kernel

import (
	"encoding/binary"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/stack"
)

// cloneSocket copies s deeply: the Socket Sockets hands out is reused.
func cloneSocket(s *stack.Socket) stack.Socket {
	c := *s
	if s.Mem != nil {
		v := *s.Mem
		c.Mem = &v
	}
	if s.SkMem != nil {
		v := *s.SkMem
		c.SkMem = &v
	}
	if s.TCP != nil {
		v := *s.TCP
		c.TCP = &v
	}
	if s.Vegas != nil {
		v := *s.Vegas
		c.Vegas = &v
	}
	if s.DCTCP != nil {
		v := *s.DCTCP
		c.DCTCP = &v
	}
	if s.BBR != nil {
		v := *s.BBR
		c.BBR = &v
	}
	if s.MPTCP != nil {
		v := *s.MPTCP
		c.MPTCP = &v
	}
	if s.UnixRQlen != nil {
		v := *s.UnixRQlen
		c.UnixRQlen = &v
	}
	if s.UnixVFS != nil {
		v := *s.UnixVFS
		c.UnixVFS = &v
	}
	c.UnixPending = append([]uint32(nil), s.UnixPending...)
	if s.Packet != nil {
		v := *s.Packet
		v.Filter = append([]stack.BPFInstruction(nil), s.Packet.Filter...)
		if v.RxRing != nil {
			r := *v.RxRing
			v.RxRing = &r
		}
		if v.TxRing != nil {
			r := *v.TxRing
			v.TxRing = &r
		}
		c.Packet = &v
	}
	if s.Netlink != nil {
		v := *s.Netlink
		c.Netlink = &v
	}
	return c
}

// allTables is every table.
// allTables is every table but dccp and sctp, which current kernels
// rarely have (see TestDCCPLegacyRetry) and the recordings do not hold.
func allTables() stack.TableSet {
	var ts stack.TableSet
	for _, t := range stack.Tables {
		if t != stack.TableDCCP && t != stack.TableSCTP {
			ts = ts.With(t)
		}
	}
	return ts
}

var (
	update  = flag.Bool("update", false, "rewrite the golden files in testdata")
	capture = flag.Bool("capture", false, "rewrite the captured fixtures in testdata from this kernel (root)")
)

// record is one datagram of a recorded conversation with the kernel: a
// request sent or a reply read.
type record struct {
	sent bool
	b    []byte
}

// writeRecording stores recs: for each, 'Q' (sent) or 'R' (read), a
// little-endian u32 length, and the bytes.
func writeRecording(path string, recs []record) error {
	var out []byte
	for _, r := range recs {
		kind := byte('R')
		if r.sent {
			kind = 'Q'
		}
		out = append(out, kind)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(r.b)))
		out = append(out, r.b...)
	}
	return os.WriteFile(path, out, 0o644)
}

// readRecording loads a file writeRecording wrote.
func readRecording(t testing.TB, path string) []record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	for len(b) > 0 {
		if len(b) < 5 || (b[0] != 'Q' && b[0] != 'R') {
			t.Fatalf("%s: bad record", path)
		}
		n := int(binary.LittleEndian.Uint32(b[1:]))
		if len(b) < 5+n {
			t.Fatalf("%s: truncated record", path)
		}
		recs = append(recs, record{sent: b[0] == 'Q', b: b[5 : 5+n]})
		b = b[5+n:]
	}
	return recs
}

// golden compares got with the golden file path, or rewrites it with
// -update.
func golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// socketsText renders sockets for golden files, one a line, as the
// non-zero fields only (path=value), so that fields added to stack.Socket
// later leave the files alone.
func socketsText(t testing.TB, socks []stack.Socket) []byte {
	t.Helper()
	var out []byte
	for i := range socks {
		var f []string
		nonZeroFields(reflect.ValueOf(socks[i]), "", &f)
		out = append(out, strings.Join(f, " ")...)
		out = append(out, '\n')
	}
	return out
}

func nonZeroFields(v reflect.Value, path string, out *[]string) {
	if v.IsZero() {
		return
	}
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.Struct && v.Kind() != reflect.Pointer {
		*out = append(*out, path+"="+s.String())
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		nonZeroFields(v.Elem(), path, out)
	case reflect.Struct:
		if a, ok := v.Interface().(netip.Addr); ok {
			*out = append(*out, path+"="+a.String())
			return
		}
		for i := 0; i < v.NumField(); i++ {
			name := v.Type().Field(i).Name
			if path != "" {
				name = path + "." + name
			}
			nonZeroFields(v.Field(i), name, out)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			nonZeroFields(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		*out = append(*out, fmt.Sprintf("%s=%v", path, v.Interface()))
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
