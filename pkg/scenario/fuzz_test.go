package scenario

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the loader panic, that every failure
// is an ErrorList naming the file, and that a loaded scenario is consistent.
func FuzzParse(f *testing.F) {
	for _, name := range Shipped() {
		data, _ := ShippedFile(name)
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte(everything))
	f.Add([]byte("duration: 1s\nhosts: [{name: a, interfaces: [{name: e, addresses: [10.0.0.1/8]}]}]\n" +
		"workloads: [{reqresp: {clients: [a], server: a, response: 'uniform:1KB-2KB', think: exp:1ms}}]\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("hosts:\n  - sysctls: {a.b: [1], a.b: 2}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return // keep each run fast; the size cap has its own test
		}
		s, err := Parse("f.yaml", data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || len(list) > maxErrors {
				t.Fatalf("error %T with %d problems: %v", err, len(list), err)
			}
			for _, e := range list {
				if !strings.HasPrefix(e.Error(), "f.yaml") {
					t.Fatalf("error does not name the file: %v", e)
				}
			}
			return
		}
		if s.Duration <= 0 || len(s.Hosts) == 0 {
			t.Fatalf("loaded without duration or hosts: %+v", s)
		}
		for _, w := range s.Workloads {
			if w.Kind == "" || w.Stop <= w.Start || w.Stop > s.Duration {
				t.Fatalf("bad workload loaded: %+v", w)
			}
		}
	})
}
