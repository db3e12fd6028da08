//go:build linux

package conntrackdiff

import (
	"net"
	"strings"
	"testing"
	"time"
)

// Fixed ports of the UDP exchange whose counters -z zeroes, so the flow is
// the same each time the exchange runs.
const (
	zeroSrc = "127.0.0.1:40001"
	zeroDst = "127.0.0.1:40002"
)

// TestZero checks -L -z: conntrack lists with counters and zeroes them,
// then the same traffic again gives the candidate the same counters to
// list and zero. Each -z is followed by reads with both tools, which must
// see the counters at zero.
func TestZero(t *testing.T) {
	ns := newFixture(t, fixtureOpts{traffic: true})
	ref, cand := reference(t), candidate(t)
	exchange := func() {
		t.Helper()
		if err := ns.Do(fixedUDPExchange); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"-L", "-z"}, {"-L", "-z", "-o", "extended"}, {"-L", "-z", "-o", "xml"}} {
		t.Run(caseName(args), func(t *testing.T) {
			// Both tools start from a table whose only counters are the
			// fixed exchange's (an unzeroed real flow would differ).
			if _, err := ref.run(in(ns), []string{"-L", "-z"}); err != nil {
				t.Fatal(err)
			}
			exchange()
			r, err := ref.run(in(ns), args)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Stdout, "packets=3 ") && !strings.Contains(r.Stdout, "<packets>3</packets>") {
				t.Fatalf("the exchange's counters are not in conntrack's -z listing:\n%s", r.Stdout)
			}
			afterRef, err := ref.run(in(ns), []string{"-L"})
			if err != nil {
				t.Fatal(err)
			}
			exchange()
			cr, err := cand.run(in(ns), args)
			if err != nil {
				t.Fatal(err)
			}
			if !(norm{}).equal(r, cr) {
				t.Errorf("-z listings differ\n%s", report(ref.label, cand.label, norm{}, r, cr))
			}
			for _, tl := range []*tool{ref, cand} {
				after, err := tl.run(in(ns), []string{"-L"})
				if err != nil {
					t.Fatal(err)
				}
				if !(norm{}).equal(afterRef, after) {
					t.Errorf("after %s's -z, %s reads the counters differently from after conntrack's -z\n%s",
						cand.label, tl.label, report(ref.label+" (after its -z)", tl.label, norm{}, afterRef, after))
				}
			}
		})
	}
}

// fixedUDPExchange sends three datagrams each way between two fixed
// ports: the flow's counters are packets=3 in each direction.
func fixedUDPExchange() error {
	a, err := net.ListenPacket("udp4", zeroSrc)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := net.ListenPacket("udp4", zeroDst)
	if err != nil {
		return err
	}
	defer b.Close()
	_ = a.SetDeadline(time.Now().Add(2 * time.Second))
	_ = b.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 64)
	for i := 0; i < 3; i++ {
		if _, err := a.WriteTo([]byte("zero-me"), b.LocalAddr()); err != nil {
			return err
		}
		if _, _, err := b.ReadFrom(buf); err != nil {
			return err
		}
		if _, err := b.WriteTo([]byte("zeroed"), a.LocalAddr()); err != nil {
			return err
		}
		if _, _, err := a.ReadFrom(buf); err != nil {
			return err
		}
	}
	return nil
}
