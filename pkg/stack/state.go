package stack

// State is a socket state as the kernel numbers TCP states; other
// protocols reuse the numbers (a connected UDP socket is Established, an
// unconnected one Close, a listening unix socket Listen).
type State uint8

// The socket states, numbered as in the kernel's include/net/tcp_states.h.
const (
	StateUnknown       State = 0
	StateEstablished   State = 1
	StateSynSent       State = 2
	StateSynRecv       State = 3
	StateFinWait1      State = 4
	StateFinWait2      State = 5
	StateTimeWait      State = 6
	StateClose         State = 7
	StateCloseWait     State = 8
	StateLastAck       State = 9
	StateListen        State = 10
	StateClosing       State = 11
	StateNewSynRecv    State = 12
	StateBoundInactive State = 13
	stateMax           State = 14
)

var stateNames = [stateMax]string{
	StateUnknown:       "UNKNOWN",
	StateEstablished:   "ESTAB",
	StateSynSent:       "SYN-SENT",
	StateSynRecv:       "SYN-RECV",
	StateFinWait1:      "FIN-WAIT-1",
	StateFinWait2:      "FIN-WAIT-2",
	StateTimeWait:      "TIME-WAIT",
	StateClose:         "UNCONN",
	StateCloseWait:     "CLOSE-WAIT",
	StateLastAck:       "LAST-ACK",
	StateListen:        "LISTEN",
	StateClosing:       "CLOSING",
	StateNewSynRecv:    "NEW-SYN-RECV",
	StateBoundInactive: "BOUND-INACTIVE",
}

// String is the state's name as ss prints it in its State column.
func (s State) String() string {
	if s < stateMax {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// StateSet is a bit set of states, bit n for State n, as the kernel's
// idiag_states field.
type StateSet uint32

// Has reports whether st is in the set.
func (s StateSet) Has(st State) bool { return s&(1<<st) != 0 }

// The state groups of ss's `state` filter.
const (
	// StatesAll is every state ss 6.1 knows (Unknown through Closing).
	StatesAll StateSet = 1<<(StateClosing+1) - 1
	// StatesConnected is every state except Listen and Close.
	StatesConnected = StatesAll &^ (1<<StateListen | 1<<StateClose)
	// StatesSynchronized is Connected without SynSent.
	StatesSynchronized = StatesConnected &^ (1 << StateSynSent)
	// StatesBucket holds the states of minisockets: SynRecv and TimeWait.
	StatesBucket = 1<<StateSynRecv | 1<<StateTimeWait
	// StatesBig is every state except the bucket ones.
	StatesBig = StatesAll &^ StatesBucket
)
