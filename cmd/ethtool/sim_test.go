package ethtool

import (
	"bytes"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/nic"
)

func TestSimNIC(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sim", "web", "-i", "eth0"}, "ethtool: eth0 on client1: the simulated NIC is not modelled yet\n"},
		{[]string{"--sim=web", "--host", "server", "-S", "eth0"}, "ethtool: eth0 on server: the simulated NIC is not modelled yet\n"},
		{[]string{"--sim", "web", "--at", "1s", "eth7"}, "ethtool: host client1 of scenario web has no device eth7\n"},
		{[]string{"--sim", "web", "--host", "nosuch", "eth0"}, "ethtool: --host: scenario web has no host \"nosuch\"\n"},
		{[]string{"--host", "server", "eth0"}, "ethtool: option '--host' needs --sim\n"},
		{[]string{"--sim", "nosuch", "eth0"}, "ethtool: scenario \"nosuch\": no such file and no shipped scenario of that name (shipped: bulk, burst, rss, storm, synflood, web)\n"},
		{[]string{"--sim"}, "ethtool: bad command line argument(s)\nFor more information run ethtool -h\n"},
	} {
		var out, errOut bytes.Buffer
		opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, Open: func(netns, dev string) (nic.Device, error) {
			t.Fatal("a host NIC was opened")
			return nil, nil
		}}
		cmd := NewCmdWith(opts, nil)
		cmd.SetArgs(tt.args)
		code, _ := cli.ExitCode(cmd.Execute())
		if code != 1 || errOut.String() != tt.want || out.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1, %q", tt.args, code, out.String(), errOut.String(), tt.want)
		}
	}
}
