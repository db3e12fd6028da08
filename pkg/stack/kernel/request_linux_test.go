package kernel

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/netlink"
	"github.com/mdlayher/netlink/nltest"
	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// readHexFixture reads a testdata/requests file: a comment line, then one
// message a line in hex.
func readHexFixture(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var msgs [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		msgs = append(msgs, b)
	}
	return msgs
}

// fixedBytecode is a filter whose kernel form is given per family and
// which accepts every socket.
type fixedBytecode map[uint8][]byte

func (f fixedBytecode) Match(*stack.Socket) bool { return true }

func (f fixedBytecode) InetDiagBytecode(family uint8) ([]byte, bool) {
	b, ok := f[family]
	return b, ok
}

// bytecodeOf extracts the INET_DIAG_REQ_BYTECODE of an inet request.
func bytecodeOf(t *testing.T, req []byte) []byte {
	t.Helper()
	ad := newAttrDecoder(req[nlmsgHdrLen+inetDiagReqV2Len:])
	for ad.Next() {
		if ad.Type() == inetDiagReqBytecode {
			return ad.Bytes()
		}
	}
	t.Fatal("no bytecode in the request")
	return nil
}

// fakeDiag is an nltest sock_diag connection that records the requests
// it gets and answers each with the reply of answer (nil: an empty dump).
func fakeDiag(answer func(req []byte) ([]netlink.Message, error)) (*diagConn, *[][]byte) {
	var reqs [][]byte
	c := nltest.Dial(func(in []netlink.Message) ([]netlink.Message, error) {
		if len(in) == 0 {
			return nil, errors.New("unexpected receive")
		}
		b, err := in[0].MarshalBinary()
		if err != nil {
			return nil, err
		}
		ne.PutUint32(b[12:], 0) // nlmsg_pid: nltest puts its own
		reqs = append(reqs, b)
		if answer != nil {
			if msgs, err := answer(b); msgs != nil || err != nil {
				return msgs, err
			}
		}
		return []netlink.Message{{Header: netlink.Header{Type: netlink.Done, Flags: netlink.Multi}, Data: make([]byte, 4)}}, nil
	})
	return newDiagConn(c), &reqs
}

// errorReply is the kernel's NLMSG_ERROR answer to req. (nltest.Error
// copies the request's flags, whose NLM_F_MATCH reads as
// NLM_F_ACK_TLVS in an error message.)
func errorReply(errno unix.Errno, req []byte) ([]netlink.Message, error) {
	var m netlink.Message
	if err := m.UnmarshalBinary(req); err != nil {
		return nil, err
	}
	data := ne.AppendUint32(nil, uint32(-int32(errno)))
	return []netlink.Message{{
		Header: netlink.Header{Type: netlink.Error, Sequence: m.Header.Sequence, PID: m.Header.PID},
		Data:   append(data, req...),
	}}, nil
}

func TestRequestsMatchSS(t *testing.T) {
	const conn = 0xb37 // ss's default states
	tcp := stack.TableSet(0).With(stack.TableTCP)
	unixTables := stack.TableSet(0).With(stack.TableUnixStream).With(stack.TableUnixDgram).With(stack.TableUnixSeqpacket)
	tests := []struct {
		file string
		q    stack.SocketQuery
	}{
		{"tan", stack.SocketQuery{Tables: tcp, States: stack.StatesAll}},
		{"tn", stack.SocketQuery{Tables: tcp, States: conn}},
		{"tln4", stack.SocketQuery{Tables: tcp, States: 1<<stack.StateListen | 1<<stack.StateClose, Families: 1 << afInet}},
		{"6tn", stack.SocketQuery{Tables: tcp, States: conn, Families: 1 << afInet6}},
		{"tmie", stack.SocketQuery{Tables: tcp, States: conn, Want: stack.Want{Mem: true, TCPInfo: true, Details: true}}},
		{"tos", stack.SocketQuery{Tables: tcp, States: conn, Want: stack.Want{TOS: true}}},
		{"filter", stack.SocketQuery{Tables: tcp, States: stack.StatesAll}},
		{"uan", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableUDP), States: stack.StatesAll}},
		{"wan", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableRaw), States: stack.StatesAll}},
		{"mptcp", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableMPTCP), States: conn}},
		{"mptcp_filter", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableMPTCP), States: stack.StatesAll}},
		{"xn", stack.SocketQuery{Tables: unixTables, States: conn}},
		{"xame", stack.SocketQuery{Tables: unixTables, States: stack.StatesAll, Want: stack.Want{Mem: true, Details: true}}},
		{"packet", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TablePacketRaw).With(stack.TablePacketDgram), States: 1 << stack.StateClose}},
		{"netlink", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableNetlink), States: stack.StatesAll}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			want := readHexFixture(t, "testdata/requests/"+tt.file+".hex")
			if len(want) == 0 {
				t.Fatal("empty fixture")
			}
			if strings.Contains(tt.file, "filter") {
				bc := fixedBytecode{}
				for _, w := range want {
					bc[w[nlmsgHdrLen]] = bytecodeOf(t, w)
				}
				tt.q.Filter = bc
			}
			dc, reqs := fakeDiag(func(req []byte) ([]netlink.Message, error) {
				if req[nlmsgHdrLen+1] == ipprotoRaw {
					// This kernel has no raw_diag: ss reads /proc
					// and sends nothing more.
					return errorReply(unix.ENOENT, req)
				}
				return nil, nil
			})
			dd := &dumper{k: New(""), c: dc, q: tt.q, fn: func(*stack.Socket) error { return nil }}
			if err := dd.run(context.Background()); err != nil {
				t.Fatal(err)
			}
			var got, wantHex []string
			for _, r := range *reqs {
				got = append(got, hex.EncodeToString(r))
			}
			for _, w := range want {
				wantHex = append(wantHex, hex.EncodeToString(w))
			}
			if diff := cmp.Diff(wantHex, got); diff != "" {
				t.Errorf("requests differ from ss's (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDestroyRequest(t *testing.T) {
	// What ss -K sent for a tcp socket 127.0.0.1:45588 -> 127.0.0.1:5555
	// with cookie 84181 (seen with strace), but for the sequence number.
	s := &stack.Socket{
		Table: stack.TableTCP, Family: afInet, Protocol: ipprotoTCP,
		Cookie: 84181,
	}
	s.Local.Addr, s.Local.Port = mustAddr("127.0.0.1"), 45588
	s.Peer.Addr, s.Peer.Port = mustAddr("127.0.0.1"), 5555
	want := "02060000" + "00000000" + "b214" + "15b3" +
		"7f000001000000000000000000000000" + "7f000001000000000000000000000000" +
		"00000000" + "d5480100" + "00000000"
	var got netlink.Message
	c := nltest.Dial(func(in []netlink.Message) ([]netlink.Message, error) {
		got = in[0]
		return nltest.Error(0, in)
	})
	if err := newDiagConn(c).destroy(mustPayload(t, s)); err != nil {
		t.Fatal(err)
	}
	if got.Header.Type != sockDestroy || got.Header.Flags != netlink.Request|netlink.Acknowledge {
		t.Errorf("header %+v, want SOCK_DESTROY with REQUEST|ACK", got.Header)
	}
	if diff := cmp.Diff(want, hex.EncodeToString(got.Data)); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}

	// A raw socket names its protocol in the pad byte.
	r := &stack.Socket{Table: stack.TableRaw, Family: afInet6, Protocol: 58}
	if p := mustPayload(t, r); p[1] != ipprotoRaw || p[3] != 58 {
		t.Errorf("raw destroy request starts % x, want protocol 255 and raw protocol 58", p[:4])
	}

	// The kernel's refusal reads like ss's.
	c = nltest.Dial(func(in []netlink.Message) ([]netlink.Message, error) {
		return nltest.Error(int(unix.EPERM), in)
	})
	err := newDiagConn(c).destroy(mustPayload(t, s))
	if !errors.Is(err, unix.EPERM) || err.Error() != "SOCK_DESTROY answers: Operation not permitted" {
		t.Errorf("got %v, want EPERM as ss words it", err)
	}
}

func mustPayload(t *testing.T, s *stack.Socket) []byte {
	t.Helper()
	p, ok := destroyPayload(s)
	if !ok {
		t.Fatalf("no destroy request for %+v", s)
	}
	return p
}

func TestDumpErrors(t *testing.T) {
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableUnixStream).With(stack.TableTCP), States: stack.StatesAll}
	// No unix_diag (ENOENT): no unix sockets, silently, as ss; the
	// tcp dumps still go.
	dc, reqs := fakeDiag(func(req []byte) ([]netlink.Message, error) {
		if req[nlmsgHdrLen] == afUnix {
			return errorReply(unix.ENOENT, req)
		}
		return nil, nil
	})
	dd := &dumper{k: New(""), c: dc, q: q, fn: func(*stack.Socket) error { return nil }}
	if err := dd.run(context.Background()); err != nil {
		t.Fatalf("ENOENT for unix: %v", err)
	}
	if len(*reqs) != 3 {
		t.Errorf("sent %d requests, want unix, then tcp for both families", len(*reqs))
	}
	// Another error is reported as ss does.
	dc, _ = fakeDiag(func(req []byte) ([]netlink.Message, error) {
		return errorReply(unix.EINVAL, req)
	})
	dd = &dumper{k: New(""), c: dc, q: q, fn: func(*stack.Socket) error { return nil }}
	err := dd.run(context.Background())
	if !errors.Is(err, unix.EINVAL) || err.Error() != "RTNETLINK answers: Invalid argument" {
		t.Errorf("EINVAL for unix: got %v", err)
	}
}
