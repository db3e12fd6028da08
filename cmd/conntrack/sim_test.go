package conntrack

import (
	"bytes"
	"slices"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
)

func TestTakeSimExtras(t *testing.T) {
	rest, x := takeExtras([]string{"-L", "--sim", "web", "--at=2s", "--host", "server", "-p", "tcp"})
	if !slices.Equal(rest, []string{"-L", "-p", "tcp"}) || x.sim.Scenario != "web" || x.sim.At != "2s" || x.sim.Host != "server" || x.simErr != nil {
		t.Errorf("rest %q, extras %+v", rest, x)
	}
	// After "--" nothing is ours; --simulate is not --sim.
	rest, x = takeExtras([]string{"-L", "--simulate", "--", "--sim", "web"})
	if !slices.Equal(rest, []string{"-L", "--simulate", "--", "--sim", "web"}) || x.sim.Set() {
		t.Errorf("rest %q, extras %+v", rest, x)
	}
}

func TestSimErrorsConntrack(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-L", "--sim"}, "conntrack v1.4.7 (conntrack-tools): option '--sim' requires an argument\n"},
		{[]string{"-L", "--at", "1s"}, "conntrack v1.4.7 (conntrack-tools): option '--at' needs --sim\n"},
		{[]string{"-L", "--netns", "x", "--sim", "burst"}, "conntrack: --netns and --sim cannot go together\n"},
		{[]string{"-L", "--sim", "burst", "--host", "nosuch"}, "conntrack: --host: scenario burst has no host \"nosuch\" (hosts: gen, sink)\n"},
	} {
		var out, errOut bytes.Buffer
		opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, NewStack: func(string) (stack.FlowStack, error) {
			t.Fatal("the kernel was opened")
			return nil, nil
		}}
		code, _ := cli.ExitCode(Run(opts, tt.args))
		if code != 1 || errOut.String() != tt.want {
			t.Errorf("%q: exit %d, stderr %q, want 1, %q", tt.args, code, errOut.String(), tt.want)
		}
	}
}
