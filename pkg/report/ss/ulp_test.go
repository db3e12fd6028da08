package ss

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestEscapeKey(t *testing.T) {
	// As ss 6.1 printed the key "se,cr t\\\x01".
	if got, want := string(escapeKey(nil, []byte("se,cr t\\\x01"))), `se\054cr\040t\134\001`; got != want {
		t.Errorf("escapeKey = %q, want %q", got, want)
	}
	if got := string(escapeKey(nil, []byte{0x7f, 0xff, 'A'})); got != `\177\377A` {
		t.Errorf("escapeKey(DEL, 0xff, A) = %q", got)
	}
}

// TestMD5KeysOutOfBand checks ss's quirk: the key bytes come out before the
// batch, the column holds ADDR/PREFIX= only.
func TestMD5KeysOutOfBand(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, Options{Tables: stack.TableSet(0).With(stack.TableTCP), States: 1<<stack.StateListen | 1<<stack.StateClose, Info: true, Numeric: true})
	s := &stack.Socket{Table: stack.TableTCP, Family: afInet6, State: stack.StateListen, SendQ: 128,
		Local: stack.Endpoint{Addr: netip.IPv6Unspecified(), Port: 179}, Peer: stack.Endpoint{Addr: netip.IPv6Unspecified()},
		TCP: &stack.TCPInfo{Len: 232, SndCwnd: 10, Reordering: 3}, Cong: "bbr",
		MD5Keys: []stack.MD5Key{
			{Addr: netip.MustParseAddr("::1"), PrefixLen: 128, Key: []byte("k2")},
			{Addr: netip.MustParseAddr("127.0.0.2"), PrefixLen: 32, Key: []byte("se,cr t\\\x01")},
		}}
	if err := w.Socket(s); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// As ss 6.1 printed this listener (sockmix's PortBGP).
	want := "k2se\\054cr\\040t\\134\\001State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n" +
		"LISTEN 0      128                *:179             *:*   \n" +
		"\t bbr cwnd:10 md5keys:::1/128=,127.0.0.2/32=\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}

func TestAppendTLS(t *testing.T) {
	all := uint32(1<<stack.TLSVersion | 1<<stack.TLSCipher | 1<<stack.TLSTxConf | 1<<stack.TLSRxConf)
	tests := []struct {
		t    stack.TLSInfo
		want string
	}{
		{stack.TLSInfo{Has: all, Version: 0x0303, Cipher: 51, TxConf: 1, RxConf: 0},
			" version: 1.2 cipher: aes-gcm-128 rxconf: none txconf: sw"},
		{stack.TLSInfo{Has: all | 1<<stack.TLSZcRoTx, Version: 0x0304, Cipher: 52, TxConf: 3, RxConf: 2},
			" version: 1.3 cipher: aes-gcm-256 rxconf: hw txconf: hw-record zc_ro_tx"},
		{stack.TLSInfo{Has: all, Version: 7, Cipher: 99, TxConf: 9, RxConf: 1},
			" version: unknown(7) rxconf: sw txconf: unknown(9)"},
		{stack.TLSInfo{}, ""},
	}
	for _, tt := range tests {
		if got := string(appendTLS(nil, &tt.t)); got != tt.want {
			t.Errorf("appendTLS(%+v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	if !strings.Contains(string(appendTLS([]byte("x"), &tests[0].t)), "x version") {
		t.Error("appendTLS does not append")
	}
}
