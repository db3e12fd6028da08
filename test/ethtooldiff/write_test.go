//go:build linux

package ethtooldiff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
)

// pendingWrite lists the change options stackbox does not implement yet,
// with the reason their cases skip. It applies only when the candidate is
// stackbox, never when it is the installed ethtool (the harness check).
// Keep it to exactly the options whose cases still fail.
var pendingWrite = map[string]string{}

// The twin devices of the write fixture: each change is made by the
// reference on twin A and by the candidate on twin B. Twin names have the
// same length, so substituting one for the other keeps columns aligned.
const (
	twinVethA, twinPeerA = "sbwa0", "sbwa1" // veth, up; peer down
	twinVethB, twinPeerB = "sbwb0", "sbwb1"
	twinTunA, twinTunB   = "sbta0", "sbtb0"
)

// twinKind says which pair of twins a write case changes.
type twinKind int

const (
	onVeth twinKind = iota
	onTun
)

// twins returns the A and B device of kind k.
func (k twinKind) twins() (a, b string) {
	if k == onTun {
		return twinTunA, twinTunB
	}
	return twinVethA, twinVethB
}

// WriteCase is one change comparison: Args, where "{dev}" stands for the
// twin, run by the reference on twin A and by the candidate on twin B,
// then both twins read back with each of Read.
type WriteCase struct {
	Args []string
	On   twinKind
	// Setup, when set, is a change the reference makes on both twins
	// first (with "{dev}" for the twin), so the case starts elsewhere than
	// at the driver's defaults.
	Setup []string
	// Read are the read options (without the device) comparing the twins
	// after the change.
	Read []string
	// Want are strings the reference's output of the change must hold.
	Want []string
	// Fail says the reference's change must exit non-zero.
	Fail bool
}

// longWrite maps the long spellings of the change options to the short
// ones that key pendingWrite.
var longWrite = map[string]string{
	"--features":     "-K",
	"--offload":      "-K",
	"--set-channels": "-L",
	"--set-ring":     "-G",
	"--coalesce":     "-C",
	"--pause":        "-A",
}

// option is the change option the case exercises in its short spelling,
// the key of pendingWrite.
func (w WriteCase) option() string {
	if len(w.Args) == 0 {
		return ""
	}
	if s, ok := longWrite[w.Args[0]]; ok {
		return s
	}
	return w.Args[0]
}

// argsFor substitutes dev for "{dev}" in the case's arguments.
func (w WriteCase) argsFor(dev string) []string { return withDev(w.Args, dev) }

// withDev substitutes dev for "{dev}" in args.
func withDev(args []string, dev string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "{dev}", dev)
	}
	return out
}

// writeCases are the changes, in the priority order of their options.
var writeCases = []WriteCase{
	// Features: on and off, legacy names, a change that drags others
	// along ("Actual changes:"), a fixed feature, bad arguments.
	{Args: []string{"-K", "{dev}", "gro", "off"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "gro", "off", "rx-udp-gro-forwarding", "on"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "tso", "off", "gso", "off"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "sg", "off"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "sg", "off", "tso", "on"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "rx-checksumming", "off"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "tx", "off"}, Read: []string{"-k"}, Want: []string{"Actual changes:", "[not requested]"}},
	{Args: []string{"-K", "{dev}", "tx", "on"}, Read: []string{"-k"}, Want: []string{"Actual changes:", "[requested on]"}},
	{Args: []string{"-K", "{dev}", "tx", "on"}, Setup: []string{"-K", "{dev}", "tx", "off"}, Read: []string{"-k"},
		Want: []string{"Actual changes:", "tx-checksum-ip-generic: on", "[not requested]"}},
	{Args: []string{"-K", "{dev}", "tso", "on"}, Setup: []string{"-K", "{dev}", "sg", "off"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "gro", "on"}, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "sg", "on"}, Read: []string{"-k"}}, // already on: no change
	{Args: []string{"-K", "{dev}", "tx-checksumming", "off", "rx-gro-list", "on"}, On: onTun, Read: []string{"-k"}},
	{Args: []string{"-K", "{dev}", "hw-tc-offload", "on"}, Read: []string{"-k"}, Fail: true,
		Want: []string{"Could not change any device features", "hw-tc-offload: off [requested on]"}},
	{Args: []string{"-K", "{dev}", "no-such-feature", "on"}, Read: []string{"-k"}, Fail: true, Want: []string{"bit name not found"}},
	{Args: []string{"-K", "{dev}", "gro", "maybe"}, Fail: true, Want: []string{"is not followed by 'on' or 'off'"}},
	{Args: []string{"-K", "{dev}", "gro"}, Fail: true, Want: []string{"is not followed by 'on' or 'off'"}},
	{Args: []string{"-K", "{dev}"}, Fail: true, Want: []string{"Could not change any device features"}},
	{Args: []string{"-K"}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"-K", missing, "gro", "off"}, Fail: true, Want: []string{"No such device"}},
	{Args: []string{"--features", "{dev}", "gro", "off"}, Read: []string{"-k"}},
	{Args: []string{"--offload", "{dev}", "gso", "off"}, Read: []string{"-k"}},

	// Channels on veth (rx and tx up to the fixture's 4 queues, no
	// combined).
	{Args: []string{"-L", "{dev}", "rx", "1", "tx", "1"}, Read: []string{"-l"}},
	{Args: []string{"-L", "{dev}", "rx", "2", "tx", "3"}, Read: []string{"-l"}},
	{Args: []string{"-L", "{dev}", "tx", "2"}, Read: []string{"-l"}},
	{Args: []string{"-L", "{dev}", "rx", "4"}, Setup: []string{"-L", "{dev}", "rx", "1", "tx", "1"}, Read: []string{"-l"}},
	{Args: []string{"-L", "{dev}", "rx", "4", "tx", "4"}, Read: []string{"-l"}}, // no change
	{Args: []string{"-L", "{dev}", "rx", "5"}, Read: []string{"-l"}, Fail: true, Want: []string{"exceeds maximum"}},
	{Args: []string{"-L", "{dev}", "rx", "0"}, Read: []string{"-l"}, Fail: true, Want: []string{"no RX or TX channel"}},
	{Args: []string{"-L", "{dev}", "combined", "1"}, Read: []string{"-l"}, Fail: true, Want: []string{"exceeds maximum"}},
	{Args: []string{"-L", "{dev}", "rx", "1000"}, Read: []string{"-l"}, Fail: true, Want: []string{"exceeds maximum"}},
	{Args: []string{"-L", "{dev}", "rx", "x"}, Fail: true, Want: []string{"invalid value 'x' for parameter 'rx'"}},
	{Args: []string{"-L", "{dev}", "rx", "-1"}, Fail: true, Want: []string{"invalid value"}},
	{Args: []string{"-L", "{dev}", "rx", "99999999999"}, Fail: true, Want: []string{"invalid value"}},
	{Args: []string{"-L", "{dev}", "foo", "1"}, Fail: true, Want: []string{"unknown parameter 'foo'"}},
	{Args: []string{"-L", "{dev}", "rx"}, Fail: true, Want: []string{"no value for parameter 'rx'"}},
	{Args: []string{"-L", "{dev}"}, Read: []string{"-l"}},
	{Args: []string{"-L"}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"-L", missing, "rx", "1"}, Fail: true, Want: []string{"No such device"}},
	{Args: []string{"--set-channels", "{dev}", "tx", "2"}, Read: []string{"-l"}},

	// Rings: veth has none, the driver refuses.
	{Args: []string{"-G", "{dev}", "rx", "4096"}, Read: []string{"-g"}, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-G", "{dev}", "rx", "x"}, Fail: true, Want: []string{"invalid value 'x' for parameter 'rx'"}},
	{Args: []string{"-G", "{dev}", "foo", "1"}, Fail: true, Want: []string{"unknown parameter 'foo'"}},
	{Args: []string{"-G", "{dev}"}, Fail: true},
	{Args: []string{"-G"}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"--set-ring", "{dev}", "tx", "512"}, Fail: true},

	// Coalescing on tun: rx-frames is its only parameter.
	{Args: []string{"-C", "{dev}", "rx-frames", "10"}, On: onTun, Read: []string{"-c"}},
	{Args: []string{"-C", "{dev}", "rx-frames", "0"}, On: onTun, Setup: []string{"-C", "{dev}", "rx-frames", "7"}, Read: []string{"-c"}},
	{Args: []string{"-C", "{dev}", "rx-usecs", "10"}, On: onTun, Read: []string{"-c"}, Fail: true, Want: []string{"cannot modify an unsupported parameter"}},
	{Args: []string{"-C", "{dev}", "adaptive-rx", "on"}, On: onTun, Read: []string{"-c"}, Fail: true, Want: []string{"cannot modify an unsupported parameter"}},
	{Args: []string{"-C", "{dev}", "rx-frames", "x"}, On: onTun, Fail: true, Want: []string{"invalid value 'x' for parameter 'rx-frames'"}},
	{Args: []string{"-C", "{dev}", "rx-frames", "99999999999"}, On: onTun, Fail: true, Want: []string{"invalid value"}},
	{Args: []string{"-C", "{dev}", "foo", "1"}, On: onTun, Fail: true, Want: []string{"unknown parameter 'foo'"}},
	{Args: []string{"-C", "{dev}"}, On: onTun, Read: []string{"-c"}},
	{Args: []string{"-C", "{dev}", "rx-usecs", "10"}, Fail: true, Want: []string{"Operation not supported"}}, // on veth
	{Args: []string{"-C"}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"-C", missing, "rx-frames", "1"}, Fail: true, Want: []string{"No such device"}},
	{Args: []string{"--coalesce", "{dev}", "rx-frames", "5"}, On: onTun, Read: []string{"-c"}},

	// Pause: neither veth nor tun has it.
	{Args: []string{"-A", "{dev}", "rx", "on"}, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-A", "{dev}", "rx", "on"}, On: onTun, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-A", "{dev}", "autoneg", "x"}, Fail: true, Want: []string{"invalid value 'x' for parameter 'autoneg'"}},
	{Args: []string{"-A", "{dev}", "rx"}, Fail: true, Want: []string{"no value for parameter 'rx'"}},
	{Args: []string{"-A", "{dev}"}, Fail: true},
	{Args: []string{"-A"}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"--pause", "{dev}", "tx", "off"}, Fail: true},
}

// newWriteFixture creates a namespace holding the twins: two veth pairs
// with one end up and one down, and two tun devices, set up alike.
func newWriteFixture(t *testing.T) *testns.NS {
	t.Helper()
	testns.RequireRoot(t)
	testns.RequireTool(t, "ip")
	testns.RequireTool(t, "ethtool")
	ns := testns.New(t)
	for _, p := range [][2]string{{twinVethA, twinPeerA}, {twinVethB, twinPeerB}} {
		// Explicit queue counts keep the channel maxima independent of
		// the machine's CPU count (veth's default).
		ns.IP("link", "add", "numtxqueues", "4", "numrxqueues", "4", p[0], "type", "veth",
			"peer", "name", p[1], "numtxqueues", "4", "numrxqueues", "4")
		ns.IP("link", "set", p[0], "up")
	}
	for _, d := range []string{twinTunA, twinTunB} {
		ns.IP("tuntap", "add", "mode", "tun", "name", d)
	}
	return ns
}

// twinNames turns twin B's names into twin A's in the candidate's output.
var twinNames = strings.NewReplacer(twinVethB, twinVethA, twinPeerB, twinPeerA, twinTunB, twinTunA)

// asTwinA rewrites r, the candidate's run on twin B, as if on twin A.
func asTwinA(r result) result {
	r.Stdout, r.Stderr = twinNames.Replace(r.Stdout), twinNames.Replace(r.Stderr)
	return r
}

// TestWriteOptions makes every change once with the reference on twin A
// and once with the candidate on twin B, in a fresh namespace per case,
// compares the two runs, then reads both twins back and compares them.
func TestWriteOptions(t *testing.T) {
	testns.RequireRoot(t)
	ref, cand := reference(t), candidate(t)
	for _, w := range writeCases {
		name := caseName(w.Args)
		if w.On == onTun {
			name += " (tun)"
		}
		if w.Setup != nil {
			name += " after " + caseName(w.Setup)
		}
		t.Run(name, func(t *testing.T) {
			if why, ok := pendingWrite[w.option()]; ok && !cand.self {
				t.Skipf("%s pending in stackbox: %s", w.option(), why)
			}
			ns := newWriteFixture(t)
			r, problems, err := runWriteCase(ns, ref, cand, w, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Error(p)
			}
			check(t, Case{Want: w.Want, Fail: w.Fail}, r, "", nil)
			if !w.Fail && r.Code != 0 {
				t.Errorf("the reference failed where the case expects success (exit %d)\nstdout:\n%sstderr:\n%s", r.Code, r.Stdout, r.Stderr)
			}
		})
	}
}

// runWriteCase checks that the twins of w read alike, makes the change
// with ref on twin A and with cand on twin B, then reads both twins back.
// It returns the reference's run and the differences found: between the
// twins before the change, between the two runs, between the twins after.
func runWriteCase(ns *testns.NS, ref, cand *tool, w WriteCase, logf func(string, ...any)) (result, []string, error) {
	var problems []string
	a, b := w.On.twins()
	readAll := func(when string) error {
		for _, opt := range w.Read {
			mm, err := readBack(ns, ref, opt, a, b, logf)
			if err != nil {
				return err
			}
			if mm != "" {
				problems = append(problems, fmt.Sprintf("ethtool %s reads the twins differently %s\n%s", opt, when, mm))
			}
		}
		return nil
	}
	if w.Setup != nil {
		for _, dev := range []string{a, b} {
			r, err := ref.run(ns, withDev(w.Setup, dev))
			if err != nil {
				return r, nil, err
			}
			if r.Code != 0 {
				return r, nil, fmt.Errorf("setup %s: exit %d\nstdout:\n%sstderr:\n%s", strings.Join(r.Argv, " "), r.Code, r.Stdout, r.Stderr)
			}
		}
	}
	// The twins must read alike before the change, or a difference
	// after it proves nothing.
	if err := readAll("before the change"); err != nil {
		return result{}, nil, err
	}
	r, err := ref.run(ns, w.argsFor(a))
	if err != nil {
		return r, nil, err
	}
	c, err := cand.run(ns, w.argsFor(b))
	if err != nil {
		return r, nil, err
	}
	if c = asTwinA(c); !r.equal(c) {
		problems = append(problems, "the change differs\n"+report(ref.label, cand.label, r, c))
	} else if *flagShow {
		logf("%s\nexit %d\nstdout:\n%sstderr:\n%s", strings.Join(r.Argv, " "), r.Code, r.Stdout, r.Stderr)
	}
	if err := readAll("after the change"); err != nil {
		return r, nil, err
	}
	return r, problems, nil
}

// readBack reads twins a and b with the reference's option opt and
// returns their differences but the device's name ("" when none).
func readBack(ns *testns.NS, ref *tool, opt, a, b string, logf func(string, ...any)) (string, error) {
	_, mm, err := compareRuns(ref.label+" on "+a, ref.label+" on "+b,
		func() (result, error) { return ref.run(ns, []string{opt, a}) },
		func() (result, error) {
			r, err := ref.run(ns, []string{opt, b})
			return asTwinA(r), err
		},
		logf)
	return mm, err
}

// TestWriteCasesWellFormed checks the write table itself: every case names
// a change option, and every pendingWrite key is one, so a misspelt key
// cannot leave failing cases unskipped or skip nothing.
func TestWriteCasesWellFormed(t *testing.T) {
	known := map[string]bool{"-K": true, "-L": true, "-G": true, "-C": true, "-A": true}
	for _, w := range writeCases {
		if !known[w.option()] {
			t.Errorf("write case %q: unknown change option %q", w.Args, w.option())
		}
	}
	for opt := range pendingWrite {
		if !known[opt] {
			t.Errorf("pendingWrite key %q is not a change option (want one of -K -L -G -C -A)", opt)
		}
	}
}
