package getopt

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var testOpts = []Option{
	{Short: 'n', Long: "numeric"},
	{Short: 'N', Long: "net", Arg: RequiredArgument},
	{Short: 'H', Long: "no-header"},
	{Short: 'f', Long: "family", Arg: RequiredArgument},
	{Short: 'A', Long: "query", Arg: RequiredArgument},
	{Short: 'A', Long: "socket", Arg: RequiredArgument},
	{Long: "tos", ID: 1000},
	{Short: 'o', Long: "options"},
}

func TestParse(t *testing.T) {
	tests := []struct {
		args     []string
		want     []Parsed
		operands []string
		err      string
	}{
		{args: []string{"-nH"}, want: []Parsed{{ID: 'n', Name: "-n"}, {ID: 'H', Name: "-H"}}},
		{args: []string{"-nfinet", "x"}, want: []Parsed{{ID: 'n', Name: "-n"}, {ID: 'f', Arg: "inet", HasArg: true, Name: "-f"}}, operands: []string{"x"}},
		{args: []string{"-f", "inet6"}, want: []Parsed{{ID: 'f', Arg: "inet6", HasArg: true, Name: "-f"}}},
		{args: []string{"state", "listening", "-n"}, want: []Parsed{{ID: 'n', Name: "-n"}}, operands: []string{"state", "listening"}},
		{args: []string{"--numer"}, want: []Parsed{{ID: 'n', Name: "--numeric"}}},
		{args: []string{"--family=inet"}, want: []Parsed{{ID: 'f', Arg: "inet", HasArg: true, Name: "--family"}}},
		{args: []string{"--net", "x"}, want: []Parsed{{ID: 'N', Arg: "x", HasArg: true, Name: "--net"}}},
		{args: []string{"--tos"}, want: []Parsed{{ID: 1000, Name: "--tos"}}},
		{args: []string{"--", "-n"}, operands: []string{"-n"}},
		{args: []string{"-"}, operands: []string{"-"}},
		{args: []string{"--n"}, err: "ss: option '--n' is ambiguous; possibilities: '--numeric' '--net' '--no-header'"},
		{args: []string{"--bogus"}, err: "ss: unrecognized option '--bogus'"},
		{args: []string{"-y"}, err: "ss: invalid option -- 'y'"},
		{args: []string{"-f"}, err: "ss: option requires an argument -- 'f'"},
		{args: []string{"--family"}, err: "ss: option '--family' requires an argument"},
		{args: []string{"--numeric=1"}, err: "ss: option '--numeric' doesn't allow an argument"},
	}
	for _, tt := range tests {
		got, operands, err := Parse("ss", tt.args, testOpts)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Parse(%q) error = %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) options (-want +got):\n%s", tt.args, diff)
		}
		if diff := cmp.Diff(tt.operands, operands); diff != "" {
			t.Errorf("Parse(%q) operands (-want +got):\n%s", tt.args, diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("-nfinet", "--net=x", "state")
	f.Add("--", "-", "--n")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		Parse("ss", []string{a, b, c}, testOpts)
	})
}

func TestExtract(t *testing.T) {
	opts := []Option{
		{Short: 'F', Long: "filter", Arg: RequiredArgument},
		{Short: 'n', Long: "numeric"},
	}
	take := func(a []string) int {
		if a[0] == "--sim" && len(a) > 1 {
			return 2
		}
		return 0
	}
	for _, c := range []struct{ in, want string }{
		{"-n --sim web -F f", "-n -F f"},
		{"-F --sim web", "-F --sim web"},             // --sim is -F's argument
		{"--filter --sim --sim x", "--filter --sim"}, // then --sim x is taken
		{"--num --sim x", "--num"},                   // an abbreviation
		{"-- --sim x", "-- --sim x"},                 // after "--": operands
		{"-q --sim x", "-q --sim x"},                 // getopt stops at -q
		{"--bogus --sim x", "--bogus --sim x"},       // and at --bogus
		{"a --sim x b", "a b"},                       // permutation
	} {
		if got := strings.Join(Extract(strings.Fields(c.in), opts, take), " "); got != c.want {
			t.Errorf("Extract(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
