//go:build linux

package ssdiff

import (
	"testing"
)

// FuzzDecodeDiagDump: the decoder of -D files reads whatever a tool wrote;
// it must not panic on any input.
func FuzzDecodeDiagDump(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{20, 0, 0, 0, 3, 0, 2, 0, 0x40, 0xe2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	msg := make([]byte, 16+72+8)
	msg[0] = byte(len(msg))
	msg[4] = 20
	msg[16] = 2
	msg[16+72] = 8
	msg[16+72+2] = 5
	f.Add(msg)
	f.Add(append(msg[:len(msg):len(msg)], 0xff, 0xff))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := decodeDiagDump(b)
		if len(b) > 0 && out == "" {
			t.Errorf("no output for %d bytes", len(b))
		}
	})
}

// FuzzNormalize: normalisation reads tool output; it must not panic, must
// be idempotent and must leave stderr and the status alone.
func FuzzNormalize(f *testing.F) {
	f.Add("nl UNCONN 4352 0 tcpdiag:ss/100 *\n\t skmem:(r1)\n", 100)
	f.Add("ESTAB 0 0 a:1 b:2 timer:(on,1sec,0) users:((\"ss\",pid=100,fd=3))\n", 100)
	f.Add("Total: 3\nTCP:   1 (estab 0, closed 1, orphaned 0, timewait 0)\n", 0)
	f.Add("\t lastsnd:1 busy:2ms rwnd_limited:1ms(50.0%)", 7)
	f.Fuzz(func(t *testing.T, out string, pid int) {
		n := normalize(out, "e", 3, pid)
		if n.Stderr != "e" || n.Code != 3 {
			t.Fatalf("stderr or status changed: %+v", n)
		}
		if again := normalize(n.Stdout, "e", 3, pid); again.Stdout != n.Stdout {
			t.Errorf("not idempotent:\n%q\n%q", n.Stdout, again.Stdout)
		}
	})
}
