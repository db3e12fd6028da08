//go:build linux

package ethtooldiff

// Case is one comparison: the same arguments given to both tools.
type Case struct {
	// Args follow the program name.
	Args []string
	// Want are strings the reference's stdout or stderr must hold: they
	// check that the fixture exercises what the case is meant to.
	Want []string
	// Fail says the reference must exit non-zero (an error case).
	Fail bool
}

// readOptions are ethtool's read options compared on every device, with
// the --json forms that ethtool 6.1 has (-k and -a; errorCases holds
// its rejections, jsonExtensions the forms stackbox adds).
var readOptions = [][]string{
	{},
	{"-i"},
	{"-g"},
	{"-l"},
	{"-c"},
	{"-k"},
	{"-S"},
	{"-a"},
	{"-T"},
	{"--json", "-k"},
	{"--json", "-a"},
}

// deviceCases crosses readOptions with the fixture's devices.
func deviceCases() []Case {
	var cs []Case
	for _, dev := range devices {
		for _, opt := range readOptions {
			args := append(append([]string{}, opt...), dev)
			cs = append(cs, Case{Args: args})
		}
	}
	return cs
}

// fixtureChecks pin what the fixture must look like to the reference, so
// a kernel whose drivers answer differently shows up as a failed sanity
// check rather than as silently weaker coverage.
var fixtureChecks = []Case{
	{Args: []string{vethUp}, Want: []string{"Settings for " + vethUp + ":", "Link detected: no"}},
	{Args: []string{"-i", vethUp}, Want: []string{"driver: veth"}},
	{Args: []string{"-i", tunDev}, Want: []string{"driver: tun", "bus-info: tun"}},
	{Args: []string{"-i", "lo"}, Fail: true, Want: []string{"Cannot get driver information: Operation not supported"}},
	{Args: []string{"-l", vethUp}, Want: []string{"Channel parameters for " + vethUp + ":"}},
	{Args: []string{"-c", tunDev}, Want: []string{"Coalesce parameters for " + tunDev + ":"}},
	{Args: []string{"-c", vethUp}, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-g", vethUp}, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-k", tunDev}, Want: []string{"[fixed]", "[requested on]"}},
	{Args: []string{"-S", vethUp}, Want: []string{"NIC statistics:", "peer_ifindex:"}},
	{Args: []string{"-S", tunDev}, Fail: true, Want: []string{"no stats available"}},
	{Args: []string{"-a", tunDev}, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-T", "lo"}, Want: []string{"Time stamping parameters for lo:", "software-transmit"}},
	{Args: []string{"--json", "-k", vethUp}, Want: []string{`"ifname": "` + vethUp + `"`}},
}

// longOptions are the long spellings of the read options.
var longOptions = []Case{
	{Args: []string{"--driver", vethUp}},
	{Args: []string{"--show-ring", vethUp}},
	{Args: []string{"--show-channels", vethUp}},
	{Args: []string{"--show-coalesce", tunDev}},
	{Args: []string{"--show-features", vethUp}},
	{Args: []string{"--show-offload", tunDev}},
	{Args: []string{"--statistics", vethUp}},
	{Args: []string{"--show-pause", vethUp}},
	{Args: []string{"--show-time-stamping", tunDev}},
	{Args: []string{"--json", "--show-features", "lo"}},
}

// missing is a device that does not exist in the fixture.
const missing = "sbnone0"

// errorCases are the failures ethtool reports: a missing device, an
// operation the driver lacks, bad arguments, and help and version.
var errorCases = []Case{
	{Args: []string{missing}, Fail: true, Want: []string{"No such device"}},
	{Args: []string{"-i", missing}, Fail: true, Want: []string{"Cannot get driver information: No such device"}},
	{Args: []string{"-g", missing}, Fail: true, Want: []string{"No such device"}},
	{Args: []string{"-l", missing}, Fail: true},
	{Args: []string{"-c", missing}, Fail: true},
	{Args: []string{"-k", missing}, Fail: true},
	{Args: []string{"-S", missing}, Fail: true, Want: []string{"No such device"}},
	{Args: []string{"-a", missing}, Fail: true},
	{Args: []string{"-T", missing}, Fail: true},
	{Args: []string{"--json", "-k", missing}, Fail: true},
	{Args: []string{"--json", "-a", missing}, Fail: true},
	{Args: []string{"-i", "sbdevicenamelongerthan15"}, Fail: true},
	// Unsupported by the driver.
	{Args: []string{"-g", tunDev}, Fail: true, Want: []string{"Operation not supported"}},
	{Args: []string{"-a", vethUp}, Fail: true},
	{Args: []string{"-S", "lo"}, Fail: true, Want: []string{"no stats available"}},
	// Bad command lines.
	{Args: []string{}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"-q", vethUp}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"--no-such-option", vethUp}, Fail: true},
	{Args: []string{"-i"}, Fail: true},
	{Args: []string{"-k"}, Fail: true},
	{Args: []string{"-S"}, Fail: true},
	{Args: []string{"-i", vethUp, "extra"}, Fail: true},
	{Args: []string{"-i", "lo", vethUp}, Fail: true},
	{Args: []string{"--json"}, Fail: true},
	// ethtool 6.1 has no JSON for -S and -T (nor for DEV, -i, -g, -l and
	// -c, where stackbox adds it: see jsonExtensions).
	{Args: []string{"--json", "-S", vethUp}, Fail: true, Want: []string{"bad command line argument"}},
	{Args: []string{"--json", "-T", vethUp}, Fail: true},
	// Help and version.
	{Args: []string{"-h"}, Want: []string{"Usage:"}},
	{Args: []string{"--help"}},
	{Args: []string{"--version"}, Want: []string{"ethtool version 6.1"}},
	{Args: []string{"--version", "extra"}},
}

// hostCases run in the test's own namespace on eth0: reading only.
var hostCases = []Case{
	{Args: []string{"-i", "eth0"}, Want: []string{"driver: "}},
	{Args: []string{"-k", "eth0"}, Want: []string{"Features for eth0:"}},
	{Args: []string{"--json", "-k", "eth0"}},
}

// jsonExtensions are the --json forms stackbox adds where ethtool 6.1 has
// none (it rejects them as bad arguments): they cannot be compared, so the
// candidate must print one valid JSON document and exit 0.
var jsonExtensions = []Case{
	{Args: []string{"--json", vethUp}},
	{Args: []string{"--json", "-i", vethUp}},
	{Args: []string{"--json", "-l", vethUp}},
	{Args: []string{"--json", "-c", tunDev}},
}
