package ethtool

import (
	"fmt"

	"github.com/stackbox/stackbox/internal/simtarget"
)

// mode is the operation an invocation asks for.
type mode int

const (
	modeLinkSettings mode = iota // ethtool DEVNAME
	modeDriver                   // -i
	modeRings                    // -g
	modeChannels                 // -l
	modeCoalesce                 // -c
	modeFeatures                 // -k
	modeStats                    // -S
	modePause                    // -a
	modeTimestamping             // -T
	modeVersion                  // --version
	modeHelp                     // -h, --help
	modeSetFeatures              // -K
	modeSetChannels              // -L
	modeSetRings                 // -G
	modeSetCoalesce              // -C
	modeSetPause                 // -A
)

// modes maps ethtool's option spellings (exact, as ethtool matches them)
// to read modes.
var modes = map[string]mode{
	"-i": modeDriver, "--driver": modeDriver,
	"-g": modeRings, "--show-ring": modeRings,
	"-l": modeChannels, "--show-channels": modeChannels,
	"-c": modeCoalesce, "--show-coalesce": modeCoalesce,
	"-k": modeFeatures, "--show-features": modeFeatures, "--show-offload": modeFeatures,
	"-S": modeStats, "--statistics": modeStats,
	"-a": modePause, "--show-pause": modePause,
	"-T": modeTimestamping, "--show-time-stamping": modeTimestamping,
	"-K": modeSetFeatures, "--features": modeSetFeatures, "--offload": modeSetFeatures,
	"-L": modeSetChannels, "--set-channels": modeSetChannels,
	"-G": modeSetRings, "--set-ring": modeSetRings,
	"-C": modeSetCoalesce, "--coalesce": modeSetCoalesce,
	"-A": modeSetPause, "--pause": modeSetPause,
	"--version": modeVersion,
	"-h":        modeHelp, "--help": modeHelp,
}

// invocation is a parsed command line.
type invocation struct {
	mode  mode
	dev   string
	json  bool
	netns string
	sim   simtarget.Spec // --sim, --at, --host
	// extra holds the arguments after the device.
	extra []string
}

// badArgs is ethtool's "bad command line argument(s)".
type badArgs struct{}

func (badArgs) Error() string { return "ethtool: bad command line argument(s)" }

// unexpectedParam is the netlink parser's complaint about a word after
// the device of a query.
type unexpectedParam struct{ word string }

func (e unexpectedParam) Error() string {
	return fmt.Sprintf("ethtool: unexpected parameter '%s'", e.word)
}

// parseArgs parses the arguments after the program name as ethtool 6.1
// does: leading flags (--json, --debug N, and stackbox's --netns NAME,
// --sim SCENARIO, --at T and --host NAME),
// then one mode option and its device, or a device alone.
func parseArgs(args []string) (invocation, error) {
	var inv invocation
	for len(args) > 0 {
		if n, err := inv.sim.Take("", args); n > 0 {
			if err != nil {
				return inv, badArgs{}
			}
			args = args[n:]
			continue
		}
		switch args[0] {
		case "--json":
			inv.json = true
			args = args[1:]
			continue
		case "--debug", "--netns":
			if len(args) < 2 {
				return inv, badArgs{}
			}
			if args[0] == "--netns" {
				inv.netns = args[1]
			}
			args = args[2:]
			continue
		}
		break
	}
	if len(args) == 0 {
		return inv, badArgs{}
	}
	m, ok := modes[args[0]]
	if ok {
		args = args[1:]
	} else if len(args[0]) > 0 && args[0][0] == '-' {
		return inv, badArgs{}
	}
	inv.mode = m
	if m == modeVersion || m == modeHelp {
		return inv, nil
	}
	if len(args) == 0 {
		return inv, badArgs{}
	}
	inv.dev = args[0]
	// stackbox's --sim, --at and --host may also follow the device
	// (`ethtool -S eth0 --sim burst`): no ethtool parameter starts so.
	for rest := args[1:]; len(rest) > 0; {
		n, err := inv.sim.Take("", rest)
		if err != nil {
			return inv, badArgs{}
		}
		if n == 0 {
			inv.extra = append(inv.extra, rest[0])
			n = 1
		}
		rest = rest[n:]
	}
	return inv, nil
}
