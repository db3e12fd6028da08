package session

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds the session file loader arbitrary bytes: it must not
// panic, and what it accepts must encode and decode to the same file.
func FuzzDecode(f *testing.F) {
	s, err := New("s1", "burst")
	if err != nil {
		f.Fatal(err)
	}
	s.Append(Change{Kind: KindRings, Host: "sink", Target: "eth0", Params: []Param{{"rx", "4096"}}})
	s.Now = 5e9
	s.Append(SysctlChange("sink", "net.core.netdev_budget", "600"))
	data, _ := s.Encode()
	f.Add(data)
	f.Add([]byte(`{"stackbox_session":1,"name":"a","scenario":"x","scenario_file":"x","scenario_yaml":"y","now":"1s","changes":[]}`))
	f.Add([]byte(`{"stackbox_session":1,"changes":[{"at":"1s","kind":"sysctl","params":[{"name":"value","value":""}]}]}`))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data)
		if err != nil {
			return
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatalf("Encode of a decoded session: %v", err)
		}
		again, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode of an encoded session: %v\n%s", err, enc)
		}
		enc2, _ := again.Encode()
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encode/decode not stable:\n%s\n----\n%s", enc, enc2)
		}
		// Replaying is for sessions whose scenario parses; ParseScenario
		// must not panic on what Decode accepted.
		s.ParseScenario()
	})
}
