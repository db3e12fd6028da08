package filter

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func BenchmarkParse(b *testing.B) {
	opts := Options{TCP: true, UDP: true, Resolver: newFakeResolver()}
	args := []string{"state", "established", "( sport = :22 or sport = :443 ) and not dst 10.0.0.0/8"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(args, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	f, err := Parse([]string{"( sport = :22 or sport = :443 ) and not dst 10.0.0.0/8"}, Options{TCP: true, Resolver: newFakeResolver()})
	if err != nil {
		b.Fatal(err)
	}
	s := tcpSock("192.0.2.1:443", "198.51.100.7:50000")
	var sf stack.Filter = f
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !sf.Match(s) {
			b.Fatal("no match")
		}
	}
}
