package ss

import (
	"net/netip"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// appendMD5Keys prints " md5keys:ADDR/PREFIX=KEY,..." as ss 6.1 does,
// quirk included: ss writes each key's bytes with printf straight to
// standard output, not into its column buffer, so the key text comes out
// before the batch of lines it belongs to, and the field holds only
// "ADDR/PREFIX=". The keys go to the output stream here too, at once.
func (w *Writer) appendMD5Keys(b []byte, keys []stack.MD5Key) []byte {
	b = append(b, " md5keys:"...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = w.appendHostAddr(b, k.Addr)
		b = append(b, '/')
		b = strconv.AppendUint(b, uint64(k.PrefixLen), 10)
		b = append(b, '=')
		w.bw.Write(escapeKey(nil, k.Key))
	}
	return b
}

// appendHostAddr is iproute2's format_host: the host name with -r, else
// the address, IPv6 without brackets.
func (w *Writer) appendHostAddr(b []byte, a netip.Addr) []byte {
	if w.o.Resolve {
		if name := w.names.HostName(a); name != "" {
			return append(b, name...)
		}
	}
	switch {
	case a.Is4():
		return appendIPv4(b, a.As4())
	case a.Is6():
		return appendIPv6(b, a.As16())
	}
	return b
}

// escapeKey is iproute2's print_escape_buf with the escapes " ,": bytes
// that are not printable, a backslash, a space or a comma as \ooo.
func escapeKey(b, key []byte) []byte {
	for _, c := range key {
		if c >= 0x20 && c < 0x7f && c != '\\' && c != ' ' && c != ',' {
			b = append(b, c)
			continue
		}
		b = append(b, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
	}
	return b
}

// TLS_* values of the kernel's uapi tls.h that ss names.
const (
	tls12Version       = 0x0303
	tls13Version       = 0x0304
	tlsCipherAESGCM128 = 51
	tlsCipherAESGCM256 = 52
)

var tlsConfNames = [...]string{"none", "sw", "hw", "hw-record"}

// appendTLS prints the kernel TLS details after tcp-ulp-tls, as ss 6.1:
// version, cipher, rxconf, txconf, then zc_ro_tx when it is on.
func appendTLS(b []byte, t *stack.TLSInfo) []byte {
	if t.Present(stack.TLSVersion) {
		switch t.Version {
		case tls12Version:
			b = append(b, " version: 1.2"...)
		case tls13Version:
			b = append(b, " version: 1.3"...)
		default:
			b = append(strconv.AppendUint(append(b, " version: unknown("...), uint64(t.Version), 10), ')')
		}
	}
	if t.Present(stack.TLSCipher) {
		switch t.Cipher {
		case tlsCipherAESGCM128:
			b = append(b, " cipher: aes-gcm-128"...)
		case tlsCipherAESGCM256:
			b = append(b, " cipher: aes-gcm-256"...)
		}
	}
	conf := func(b []byte, name string, v uint16) []byte {
		b = append(append(append(b, ' '), name...), ": "...)
		if int(v) < len(tlsConfNames) {
			return append(b, tlsConfNames[v]...)
		}
		return append(strconv.AppendUint(append(b, "unknown("...), uint64(v), 10), ')')
	}
	if t.Present(stack.TLSRxConf) {
		b = conf(b, "rxconf", t.RxConf)
	}
	if t.Present(stack.TLSTxConf) {
		b = conf(b, "txconf", t.TxConf)
	}
	if t.Present(stack.TLSZcRoTx) {
		b = append(b, " zc_ro_tx"...)
	}
	return b
}
