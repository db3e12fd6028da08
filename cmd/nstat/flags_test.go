package nstat

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/cli"
)

// parse runs the flag layer alone: the flags run would get, or what the
// command printed and its exit status.
func parse(t *testing.T, args ...string) (f *flags, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}}
	cmd := NewCmdWith(opts, func(_ *Options, got *flags) error { f = got; return nil })
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	code, _ = cli.ExitCode(cmd.Execute())
	return f, errOut.String(), code
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want flags
	}{
		{nil, flags{}},
		{[]string{"-asz"}, flags{ignore: true, noUpdate: true, zeros: true}},
		{[]string{"-rn", "Tcp*", "-j", "Ip*"}, flags{reset: true, noOutput: true, json: true, patterns: []string{"Tcp*", "Ip*"}}},
		{[]string{"--ignore", "--noupdate", "--zeros", "--reset", "--nooutput", "--pretty"}, flags{ignore: true, noUpdate: true, zeros: true, reset: true, noOutput: true, pretty: true}},
		{[]string{"--ig", "--noo", "--nou", "--z", "--r", "--p"}, flags{ignore: true, noOutput: true, noUpdate: true, zeros: true, reset: true, pretty: true}},
		{[]string{"-j"}, flags{json: true}},
		{[]string{"--json"}, flags{json: true, jsonRates: true}},
		{[]string{"--js", "-p"}, flags{json: true, jsonRates: true, pretty: true}},
		{[]string{"-d", "5"}, flags{scanMS: 5000}},
		{[]string{"-d5x"}, flags{scanMS: 5000}},
		{[]string{"--scan=2"}, flags{scanMS: 2000}},
		{[]string{"--sc", "abc"}, flags{scanMS: 0}},
		{[]string{"-d", "-1"}, flags{scanMS: -1000}},
		{[]string{"-d", "4294968"}, flags{scanMS: 704}}, // 4294968000 overflows an int, as in nstat
		{[]string{"-t", "30"}, flags{timeConst: 30}},
		{[]string{"--interval", " 7x"}, flags{timeConst: 7}},
		{[]string{"--", "-a"}, flags{patterns: []string{"-a"}}},
		{[]string{"--netns", "blue", "-a"}, flags{netns: "blue", ignore: true}},
		{[]string{"--netns=blue"}, flags{netns: "blue"}},
		{[]string{"--prometheus", "Tcp*"}, flags{prometheus: true, patterns: []string{"Tcp*"}}},
		{[]string{"--softnet", "-j"}, flags{softnet: true, json: true}},
		{[]string{"-t", "--softnet"}, flags{}},          // --softnet is -t's argument: an error, below
		{[]string{"-d", "--softnet"}, flags{scanMS: 0}}, // -d's argument
		{[]string{"--", "--netns", "x"}, flags{patterns: []string{"--netns", "x"}}},
		{[]string{"-V", "-x"}, flags{version: true}},
		{[]string{"-v"}, flags{version: true}},
	} {
		f, stderr, code := parse(t, tc.args...)
		if len(tc.args) == 2 && tc.args[0] == "-t" && tc.args[1] == "--softnet" {
			if code != 255 || stderr != "nstat: invalid time constant divisor\n" {
				t.Errorf("%q: exit %d, stderr %q", tc.args, code, stderr)
			}
			continue
		}
		if f == nil {
			t.Errorf("%q: exit %d, stderr %q", tc.args, code, stderr)
			continue
		}
		if diff := cmp.Diff(&tc.want, f, cmp.AllowUnexported(flags{})); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.args, diff)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		msg     string // printed before the usage; "" for none
		code    int
		noUsage bool
	}{
		{[]string{"-h"}, "", 255, false},
		{[]string{"-?"}, "", 255, false},
		{[]string{"--help"}, "", 255, false},
		{[]string{"--he"}, "", 255, false},
		{[]string{"-x"}, "nstat: invalid option -- 'x'", 255, false},
		{[]string{"-ax"}, "nstat: invalid option -- 'x'", 255, false},
		{[]string{"--foo"}, "nstat: unrecognized option '--foo'", 255, false},
		{[]string{"--n"}, "nstat: option '--n' is ambiguous; possibilities: '--nooutput' '--noupdate'", 255, false},
		{[]string{"--i"}, "nstat: option '--i' is ambiguous; possibilities: '--ignore' '--interval'", 255, false},
		{[]string{"--net"}, "nstat: unrecognized option '--net'", 255, false}, // stackbox's options are not abbreviated
		{[]string{"--prom"}, "nstat: unrecognized option '--prom'", 255, false},
		{[]string{"--so"}, "nstat: unrecognized option '--so'", 255, false},
		{[]string{"--help=3"}, "nstat: option '--help' doesn't allow an argument", 255, false},
		{[]string{"-d"}, "nstat: option requires an argument -- 'd'", 255, false},
		{[]string{"--scan"}, "nstat: option '--scan' requires an argument", 255, false},
		{[]string{"-t"}, "nstat: option requires an argument -- 't'", 255, false},
		{[]string{"--netns"}, "nstat: option '--netns' requires an argument", 255, false},
		{[]string{"--softnet=1"}, "nstat: option '--softnet' doesn't allow an argument", 255, false},
		{[]string{"-t", "0"}, "nstat: invalid time constant divisor", 255, true},
		{[]string{"-t", "x"}, "nstat: invalid time constant divisor", 255, true},
		{[]string{"-t", "-3"}, "nstat: invalid time constant divisor", 255, true},
		{[]string{"-t", "0", "-x"}, "nstat: invalid time constant divisor", 255, true},
		{[]string{"-x", "-t", "0"}, "nstat: invalid option -- 'x'", 255, false},
	} {
		f, stderr, code := parse(t, tc.args...)
		if f != nil && f.help {
			// -h reaches run, which prints the usage.
			continue
		}
		want := ""
		if tc.msg != "" {
			want = tc.msg + "\n"
		}
		if !tc.noUsage {
			want += usageText
		}
		if code != tc.code || stderr != want {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", tc.args, code, stderr, tc.code, want)
		}
	}
}
