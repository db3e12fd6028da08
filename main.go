// Command stackbox is a multi-call binary holding network tools (ss, and
// later nstat, ethtool, conntrack and tune). The applet is chosen by the
// base name of argv[0] (a link named ss runs ss), else by argv[1].
package main

import (
	"fmt"
	"os"

	"github.com/stackbox/stackbox/cmd/conntrack"
	"github.com/stackbox/stackbox/cmd/diff"
	"github.com/stackbox/stackbox/cmd/ethtool"
	"github.com/stackbox/stackbox/cmd/nstat"
	"github.com/stackbox/stackbox/cmd/sim"
	"github.com/stackbox/stackbox/cmd/ss"
	"github.com/stackbox/stackbox/cmd/tune"
	"github.com/stackbox/stackbox/pkg/cli"
)

// applets lists the applets in the order `stackbox` prints them.
var applets = []cli.Applet{
	{Name: "ss", Short: "investigate sockets", New: ss.NewCmd},
	{Name: "nstat", Short: "network statistics counters", New: nstat.NewCmd},
	{Name: "ethtool", Short: "query or control network driver and hardware settings", New: ethtool.NewCmd},
	{Name: "conntrack", Short: "command line interface for netfilter connection tracking", New: conntrack.NewCmd},
	{Name: "sim", Short: "run scenarios on the reference stack", New: sim.NewCmd},
	{Name: "diff", Short: "one view of two stacks side by side", New: diff.NewCmd},
	{Name: "tune", Short: "show, apply, verify and roll back network tuning profiles", New: tune.NewCmd}, // issue 8
}

func main() {
	io := cli.System()
	err := run(io, os.Args)
	code, print := cli.ExitCode(err)
	if print {
		fmt.Fprintln(io.ErrOut, err)
	}
	os.Exit(code)
}
