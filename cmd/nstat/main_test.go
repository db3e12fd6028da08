package nstat

import (
	"os"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
)

// appletEnv makes the test binary run the nstat applet on its arguments
// instead of the tests: the daemon tests start it as `stackbox nstat`
// would be started, and its -d starts it again as the daemon.
const appletEnv = "STACKBOX_NSTAT_TEST_APPLET"

func TestMain(m *testing.M) {
	if os.Getenv(appletEnv) == "1" {
		cmd := NewCmd(cli.System())
		cmd.SetArgs(os.Args[1:])
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		code, _ := cli.ExitCode(cmd.Execute())
		os.Exit(code)
	}
	os.Exit(m.Run())
}
