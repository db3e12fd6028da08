package nic

// LinkMode is one bit of a link mode bitset, with the kernel's name.
type LinkMode struct {
	Index uint32
	Name  string
}

// LinkModes is what the kernel reports of the link's modes: the supported
// and advertised modes (our side), the link partner's, and the resolved
// speed and duplex. Mode lists hold every kind of bit (speeds, ports,
// pause, autonegotiation, FEC), in the kernel's order.
type LinkModes struct {
	HasOurs               bool
	Supported, Advertised []LinkMode
	HasPeer               bool
	Peer                  []LinkMode
	Speed, Lanes          *uint32
	// Duplex: 0 half, 1 full, 255 unknown.
	Duplex, Autoneg                  *uint8
	MasterSlaveCfg, MasterSlaveState *uint8
}

// LinkInfo is the link's physical attachment.
type LinkInfo struct {
	Port, PHYAddr, MDIX, MDIXCtrl, Transceiver *uint8
}

// WakeOnLAN is the Wake-on-LAN settings: bit masks of WAKE_* modes.
type WakeOnLAN struct {
	Supported, Enabled uint32
	SecureOn           []byte
}

// Debug is the driver's message level.
type Debug struct {
	MsgMask uint32
	// Names are the names of the set message classes.
	Names []string
}

// LinkState is the link's state.
type LinkState struct {
	Link                  *bool
	SQI, SQIMax           *uint32
	ExtState, ExtSubstate *uint8
}

// LinkSettings is what `ethtool DEV` shows. Each part is nil when its
// request failed; Errors holds those failures, in request order
// (link modes, link info, Wake-on-LAN, debug, link state).
type LinkSettings struct {
	Modes  *LinkModes
	Info   *LinkInfo
	WoL    *WakeOnLAN
	Debug  *Debug
	State  *LinkState
	Errors []error
}
