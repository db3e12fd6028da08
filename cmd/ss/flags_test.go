package ss

import (
	"errors"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/filter"
)

func sel(t *testing.T, args ...string) (selection, *flags) {
	t.Helper()
	f, err := parseFlags(args)
	if err != nil {
		t.Fatalf("parseFlags(%q): %v", args, err)
	}
	ws, _, err := scanStates(f.operands)
	if err != nil {
		t.Fatalf("scanStates(%q): %v", f.operands, err)
	}
	return f.finalSelection(ws), f
}

func dbsOf(ds ...db) dbSet {
	var s dbSet
	for _, d := range ds {
		s |= 1 << d
	}
	return s
}

func TestSelection(t *testing.T) {
	defaultDBs := dbsOf(dbUDP, dbDCCP, dbTCP, dbMPTCP, dbRaw, dbUnixStream, dbUnixDgram, dbUnixSeq,
		dbPacketRaw, dbPacketDgram, dbNetlink, dbSCTP, dbVsockStream, dbVsockDgram)
	listen := stack.StateSet(1<<stack.StateListen | 1<<stack.StateClose)
	tests := []struct {
		args     []string
		dbs      dbSet
		states   stack.StateSet
		families famMask
	}{
		{nil, defaultDBs, ssConn, inetFams | fam(afUnix) | fam(afPack) | fam(afNL) | fam(afVsock)},
		{[]string{"-t"}, dbsOf(dbTCP), ssConn, inetFams},
		{[]string{"-ta"}, dbsOf(dbTCP), ssAll, inetFams},
		{[]string{"-tl"}, dbsOf(dbTCP), listen, inetFams},
		{[]string{"-u"}, dbsOf(dbUDP), ssEst, inetFams},
		{[]string{"-ua"}, dbsOf(dbUDP), ssAll, inetFams},
		{[]string{"-tu"}, dbsOf(dbTCP, dbUDP), ssConn, inetFams},
		{[]string{"-x"}, unixDBs, ssConn, fam(afUnix)},
		{[]string{"-4"}, inetDBs, ssConn, fam(afInet)},
		{[]string{"-t6"}, dbsOf(dbTCP), ssConn, fam(afInet6)},
		{[]string{"-0"}, packetDBs, ssCl, fam(afPack)},
		{[]string{"-f", "netlink"}, dbsOf(dbNetlink), ssCl, fam(afNL)},
		{[]string{"-A", "all,!tcp"}, defaultDBs&^dbsOf(dbTCP) | dbsOf(dbXDP), ssConn,
			inetFams | fam(afUnix) | fam(afPack) | fam(afNL) | fam(afVsock) | fam(afXDP)},
		{[]string{"-A", "unix_stream,tcp"}, dbsOf(dbUnixStream, dbTCP), ssConn, inetFams | fam(afUnix)},
		{[]string{"-t", "state", "listening"}, dbsOf(dbTCP), 1 << stack.StateListen, inetFams},
		{[]string{"-t", "state", "listening", "state", "established"}, dbsOf(dbTCP),
			1<<stack.StateListen | 1<<stack.StateEstablished, inetFams},
		{[]string{"-t", "exclude", "established"}, dbsOf(dbTCP), ssAll &^ (1 << stack.StateEstablished), inetFams},
		{[]string{"-ta", "state", "bucket"}, dbsOf(dbTCP), stack.StatesBucket, inetFams},
		{[]string{"state", "connected"}, defaultDBs, stack.StatesConnected,
			inetFams | fam(afUnix) | fam(afPack) | fam(afNL) | fam(afVsock)},
	}
	for _, tt := range tests {
		got, _ := sel(t, tt.args...)
		if got.dbs != tt.dbs {
			t.Errorf("%q: dbs = %#x, want %#x", tt.args, got.dbs, tt.dbs)
		}
		if got.states != tt.states {
			t.Errorf("%q: states = %#x, want %#x", tt.args, got.states, tt.states)
		}
		if got.families != tt.families {
			t.Errorf("%q: families = %#x, want %#x", tt.args, got.families, tt.families)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	tests := []struct {
		args  []string
		usage bool
		msg   string
		code  int
	}{
		{[]string{"--bogus"}, true, "ss: unrecognized option '--bogus'", 255},
		{[]string{"-y"}, true, "ss: invalid option -- 'y'", 255},
		{[]string{"-f"}, true, "ss: option requires an argument -- 'f'", 255},
		{[]string{"-f", "bogus"}, true, `ss: "bogus" is invalid family`, 255},
		{[]string{"-A", "tcp,bogus"}, true, `ss: "bogus" is illegal socket table id`, 255},
		{[]string{"--n"}, true, "ss: option '--n' is ambiguous; possibilities: '--numeric' '--net' '--no-header'", 255},
		{[]string{"-Z"}, false, "ss: SELinux is not enabled.", 1},
		{[]string{"-F", "a", "-F", "b"}, false, "More than one filter file", 255},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args)
		var ue *usageError
		var pe *plainError
		switch {
		case errors.As(err, &ue):
			if !tt.usage || ue.msg != tt.msg {
				t.Errorf("%q: usage error %q, want %q (usage %v)", tt.args, ue.msg, tt.msg, tt.usage)
			}
		case errors.As(err, &pe):
			if tt.usage || pe.msg != tt.msg || pe.code != tt.code {
				t.Errorf("%q: error %q code %d, want %q code %d", tt.args, pe.msg, pe.code, tt.msg, tt.code)
			}
		default:
			t.Errorf("%q: err = %v, want %q", tt.args, err, tt.msg)
		}
	}
}

func TestStateWordErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"state", "estab"}, "ss: wrong state name: estab"},
		{[]string{"state", "listen"}, "ss: wrong state name: listen"},
		{[]string{"state"}, `Command line is not complete. Try option "help"`},
		{[]string{"exclude"}, `Command line is not complete. Try option "help"`},
	} {
		_, _, err := scanStates(tt.args)
		var pe *plainError
		if !errors.As(err, &pe) || pe.msg != tt.msg || pe.code != 255 {
			t.Errorf("scanStates(%q) = %v, want %q", tt.args, err, tt.msg)
		}
	}
	for _, name := range []string{"LISTENING", "Established", "syn-rcv", "closed", "unconnected", "unknown", "big"} {
		if _, ok := filter.ScanState(name); !ok {
			t.Errorf("scanState(%q) not accepted", name)
		}
	}
	if strings.Contains(usageText, "\t") {
		t.Errorf("usage text holds a tab")
	}
}

func TestTerminalWidth(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "COLUMNS" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		tty     bool
		size    int
		columns string
		want    int
	}{
		{false, 0, "100", 0}, // a pipe: no width, whatever $COLUMNS says
		{true, 120, "60", 120},
		{true, 0, "60", 60},
		{true, 0, "x", 0},
		{true, 0, "", 0},
	}
	for _, tt := range tests {
		o := &Options{IO: &cli.IO{OutIsTerminal: tt.tty, TerminalWidth: tt.size, Getenv: env(tt.columns)}}
		if got := terminalWidth(o); got != tt.want {
			t.Errorf("tty %v size %d COLUMNS %q: %d, want %d", tt.tty, tt.size, tt.columns, got, tt.want)
		}
	}
}
