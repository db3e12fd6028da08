package conntrack

// Commands, as conntrack 1.4.7 numbers them (bit positions).
const (
	cmdList = iota
	cmdCreate
	cmdUpdate
	cmdDelete
	cmdGet
	cmdFlush
	cmdEvent
	cmdVersion
	cmdHelp
	cmdExpList
	cmdExpCreate
	cmdExpDelete
	cmdExpGet
	cmdExpFlush
	cmdExpEvent
	cmdCount
	cmdExpCount
	cmdStats
	cmdExpStats
	cmdAdd
	numCmds
)

// Options, as conntrack 1.4.7 numbers them (bit positions in optSet).
const (
	optOrigSrc = iota
	optOrigDst
	optReplSrc
	optReplDst
	optProto
	optTimeout
	optStatus
	optZero
	optEventMask
	optExpSrc
	optExpDst
	optMaskSrc
	optMaskDst
	optNATRange
	optMark
	optID
	optFamily
	optSrcNAT
	optDstNAT
	optOutput
	optSecmark
	optBufferSize
	optAnyNAT
	optZone
	optLabel
	optAddLabel
	optDelLabel
	optOrigZone
	optReplZone
	numOpts
)

// optSet is a set of options (1<<opt).
type optSet uint32

func (s optSet) has(o int) bool { return s&(1<<o) != 0 }

const (
	setOrig      = optSet(1<<optOrigSrc | 1<<optOrigDst)
	setRepl      = optSet(1<<optReplSrc | 1<<optReplDst)
	setTupleOrig = setOrig | 1<<optProto
	setTupleRepl = setRepl | 1<<optProto
	// setComparison are the options the user-space filter compares.
	setComparison = optSet(1<<optProto) | setOrig | setRepl | 1<<optMark |
		1<<optSecmark | 1<<optStatus | 1<<optID | 1<<optZone | 1<<optLabel |
		1<<optOrigZone | 1<<optReplZone
)

// optNames are the option names conntrack's messages use.
var optNames = [numOpts]string{
	"src", "dst", "reply-src", "reply-dst", "protonum", "timeout", "status",
	"zero", "event-mask", "tuple-src", "tuple-dst", "mask-src", "mask-dst",
	"nat-range", "mark", "id", "family", "src-nat", "dst-nat", "output",
	"secmark", "buffer-size", "any-nat", "zone", "label", "label-add",
	"label-del", "orig-zone", "reply-zone",
}

// legal is conntrack's table of commands and options: 0 illegal, 1
// compulsory, 2 optional, 3 decided by the address pairs.
var legal = [numCmds][numOpts]uint8{
	//          s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( )
	cmdList:      {2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 2, 2, 0, 2, 0, 2, 2, 2, 2, 2, 0, 2, 2, 2, 0, 0, 2, 2},
	cmdCreate:    {3, 3, 3, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0, 2, 2},
	cmdUpdate:    {2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 0, 0},
	cmdDelete:    {2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 2, 2, 0, 0, 2, 2},
	cmdGet:       {3, 3, 3, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0},
	cmdFlush:     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	cmdEvent:     {2, 2, 2, 2, 2, 0, 0, 0, 2, 0, 0, 2, 2, 0, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2},
	cmdVersion:   {},
	cmdHelp:      {0, 0, 0, 0, 2},
	cmdExpList:   {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 2},
	cmdExpCreate: {1, 1, 2, 2, 1, 1, 2, 0, 0, 1, 1, 1, 1},
	cmdExpDelete: {1, 1, 2, 2, 1},
	cmdExpGet:    {1, 1, 2, 2, 1},
	cmdExpFlush:  {},
	cmdExpEvent:  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
	cmdCount:     {},
	cmdExpCount:  {},
	cmdStats:     {},
	cmdExpStats:  {},
	cmdAdd:       {3, 3, 3, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0, 2, 2},
}

// exitMsg is the line each command ends with ("%d" is the count).
var exitMsg = [numCmds]string{
	cmdList:      "%d flow entries have been shown.",
	cmdCreate:    "%d flow entries have been created.",
	cmdUpdate:    "%d flow entries have been updated.",
	cmdDelete:    "%d flow entries have been deleted.",
	cmdGet:       "%d flow entries have been shown.",
	cmdEvent:     "%d flow events have been shown.",
	cmdExpList:   "%d expectations have been shown.",
	cmdExpDelete: "%d expectations have been shown.",
	cmdAdd:       "%d flow entries have been added.",
}

// optionCheck applies a legality row to the options given. It returns a
// parameter problem, or, when the row has "3" entries and no group of
// coupled is complete, partial: the first group partly given (-1: none)
// and ok false.
func optionCheck(given uint32, row []uint8, names []string, coupled []uint32) (ok bool, partial int, err error) {
	special := false
	for i := range row {
		if given&(1<<i) == 0 {
			if row[i] == 1 {
				return false, 0, paramErrorf("You need to supply the `--%s' option for this command", names[i])
			}
		} else if row[i] == 0 {
			return false, 0, paramErrorf("Illegal option `--%s' with this command", names[i])
		}
		if row[i] == 3 {
			special = true
		}
	}
	if !special || coupled == nil {
		return true, 0, nil
	}
	partial = -1
	for i, c := range coupled {
		if given&c == c {
			return true, 0, nil
		}
		if given&c != 0 && partial < 0 {
			partial = i
		}
	}
	return false, partial, nil
}
