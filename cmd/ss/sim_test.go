package ss

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack/ref"
)

func TestTakeSim(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		rest     []string
		scenario string
		at, host string
		err      string
	}{
		{args: []string{"-tan", "--sim", "web", "--at", "2s", "--host", "server"}, rest: []string{"-tan"},
			scenario: "web", at: "2s", host: "server"},
		{args: []string{"--sim=bulk", "-i", "state", "established"}, rest: []string{"-i", "state", "established"}, scenario: "bulk"},
		// Option arguments and what follows "--" or an unknown option stay.
		{args: []string{"-F", "--sim", "-t"}, rest: []string{"-F", "--sim", "-t"}},
		{args: []string{"-tF", "--sim"}, rest: []string{"-tF", "--sim"}},
		{args: []string{"--filter", "--sim"}, rest: []string{"--filter", "--sim"}},
		{args: []string{"--", "--sim", "web"}, rest: []string{"--", "--sim", "web"}},
		{args: []string{"--bogus", "--sim", "web"}, rest: []string{"--bogus", "--sim", "web"}},
		// Abbreviations keep their ss meaning: --a is --all, --h --help.
		{args: []string{"--a", "--h"}, rest: []string{"--a", "--h"}},
		{args: []string{"--at", "1s"}, rest: nil, at: "1s", err: "ss: option '--at' needs --sim"},
		{args: []string{"-t", "--sim"}, rest: []string{"-t"}, err: "ss: option '--sim' requires an argument"},
	} {
		rest, spec, err := takeSim(tt.args)
		if !slices.Equal(rest, tt.rest) || spec.Scenario != tt.scenario || spec.At != tt.at || spec.Host != tt.host {
			t.Errorf("takeSim(%q) = %q, %+v", tt.args, rest, spec)
		}
		if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("takeSim(%q): error %v, want %q", tt.args, err, tt.err)
		}
	}
	// The abbreviations parse as before.
	f, err := parseFlags([]string{"--a", "--tc"})
	if err != nil {
		t.Fatal(err)
	}
	if f.stateFilter != ssAll {
		t.Errorf("--a is not --all")
	}
	if f, err := parseFlags([]string{"--h"}); err != nil || !f.help {
		t.Errorf("--h: %v", err)
	}
}

func TestSimTarget(t *testing.T) {
	var out, errOut bytes.Buffer
	io := &cli.IO{Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	f, err := parseFlags([]string{"-uan", "--sim", "burst", "--at", "1ms", "--host", "sink"})
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := openTarget(&Options{IO: io}, f)
	if err != nil {
		t.Fatal(err)
	}
	st := tgt.(*simTarget)
	h := st.Host
	if h.Name != "sink" {
		t.Fatalf("host %s", h.Name)
	}
	names, res := tgt.Names(), tgt.Resolver()
	a := h.Ifaces[0].Addrs[0].Addr()
	if got := names.HostName(a); got != "sink" {
		t.Errorf("HostName(%s) = %q", a, got)
	}
	if got := names.InterfaceName(uint32(h.Ifaces[0].Index)); got != h.Ifaces[0].Name {
		t.Errorf("InterfaceName = %q", got)
	}
	if got := res.InterfaceIndex(h.Ifaces[0].Name); got != uint32(h.Ifaces[0].Index) {
		t.Errorf("InterfaceIndex = %d", got)
	}
	if addrs, err := res.LookupHost("sink", 2); err != nil || !slices.Contains(addrs, a) {
		t.Errorf("LookupHost(sink) = %v, %v", addrs, err)
	}
	if addrs, err := res.LookupHost("192.0.2.1", 2); err != nil || len(addrs) != 1 || addrs[0] != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("LookupHost(192.0.2.1) = %v, %v", addrs, err)
	}
	if _, err := res.LookupHost("example.com", 2); err == nil {
		t.Errorf("a name outside the simulation resolved")
	}
	if lo, hi := res.EphemeralPorts(); lo != 32768 || hi != 60999 {
		t.Errorf("EphemeralPorts = %d-%d", lo, hi)
	}
	if _, err := tgt.Threads(context.Background()); err != nil {
		t.Error(err)
	}
	var _ *ref.HostView = st.HostView

	// -N and --sim do not go together.
	f, _ = parseFlags([]string{"-N", "blue", "--sim", "burst"})
	if _, err := openTarget(&Options{IO: io}, f); err == nil || !strings.Contains(err.Error(), "cannot go together") {
		t.Errorf("-N --sim: %v", err)
	}
}

// FuzzTakeSim checks that takeSim never panics and only ever takes
// arguments out: what it leaves is args in order.
func FuzzTakeSim(f *testing.F) {
	for _, s := range []string{"-tan\x00--sim\x00web", "-F\x00--sim", "--sim=x\x00--at\x00--host", "--\x00--sim\x00x", "--a\x00--h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		args := strings.Split(in, "\x00")
		rest, _, _ := takeSim(args)
		i := 0
		for _, a := range args {
			if i < len(rest) && rest[i] == a {
				i++
			}
		}
		if i != len(rest) {
			t.Errorf("takeSim(%q) = %q: not a subsequence", args, rest)
		}
	})
}
