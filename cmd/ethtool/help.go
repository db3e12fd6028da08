package ethtool

import _ "embed"

// helpText is what ethtool 6.1 prints for -h and --help (captured from
// it: stackbox accepts the same command lines, though some options it
// lists are not implemented yet).
//
//go:embed help.txt
var helpText string
