package ethtool

import (
	"fmt"
	"io"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// linkModeClass sorts the bits of a link mode bitset as ethtool does.
type linkModeClass int

const (
	lmReal linkModeClass = iota // a speed (or a bit ethtool does not know)
	lmAutoneg
	lmPort
	lmPause
	lmFEC
)

// Link mode bits that are not speeds (linux/ethtool.h).
const (
	bitAutoneg   = 6
	bitPause     = 13
	bitAsymPause = 14
)

func modeClass(idx uint32) linkModeClass {
	switch idx {
	case bitAutoneg:
		return lmAutoneg
	case 7, 8, 9, 10, 11, 16: // TP, AUI, MII, FIBRE, BNC, Backplane
		return lmPort
	case bitPause, bitAsymPause:
		return lmPause
	case 49, 50, 51, 74: // FEC none, RS, BaseR, LLRS
		return lmFEC
	}
	return lmReal
}

// halfDuplexMode reports the half-duplex speed modes, after which ethtool
// puts the next mode on the same line.
func halfDuplexMode(idx uint32) bool {
	return idx == 0 || idx == 2 || idx == 4 || idx == 90
}

// linkModes writes one list of link modes of class c as ethtool's
// dump_link_modes: between separates entries ("" for a new aligned line).
func linkModes(b *strings.Builder, ms []nic.LinkMode, c linkModeClass, before, between, after, ifNone string) {
	fmt.Fprintf(b, "\t%s", before)
	first := true
	var prev uint32
	for _, m := range ms {
		if modeClass(m.Index) != c {
			continue
		}
		if first {
			first = false
		} else if c == lmReal && m.Index == prev+1 && halfDuplexMode(prev) {
			b.WriteByte(' ')
		} else if between != "" {
			fmt.Fprintf(b, "\t%s", between)
		} else {
			fmt.Fprintf(b, "\n\t%s", strings.Repeat(" ", len(before)))
		}
		b.WriteString(m.Name)
		prev = m.Index
	}
	if first {
		b.WriteString(ifNone)
	}
	b.WriteString(after)
}

func hasMode(ms []nic.LinkMode, idx uint32) bool {
	for _, m := range ms {
		if m.Index == idx {
			return true
		}
	}
	return false
}

func pauseUse(b *strings.Builder, ms []nic.LinkMode, label string) {
	pause, asym := hasMode(ms, bitPause), hasMode(ms, bitAsymPause)
	s := "No"
	switch {
	case pause && asym:
		s = "Symmetric Receive-only"
	case pause:
		s = "Symmetric"
	case asym:
		s = "Transmit-only"
	}
	fmt.Fprintf(b, "\t%s%s\n", label, s)
}

func yesNoCap(v bool) string {
	if v {
		return "Yes"
	}
	return "No"
}

func enumLine(b *strings.Builder, names []string, v uint8, label string) {
	if int(v) >= len(names) || names[v] == "" {
		fmt.Fprintf(b, "\t%s: Unknown! (%d)\n", label, v)
		return
	}
	fmt.Fprintf(b, "\t%s: %s\n", label, names[v])
}

var (
	duplexNames      = []string{"Half", "Full"}
	portNames        = []string{"Twisted Pair", "AUI", "BNC", "MII", "FIBRE", "Direct Attach Copper"}
	transceiverNames = []string{"internal", "external"}
	msCfgNames       = []string{"unknown", "", "preferred master", "preferred slave", "forced master", "forced slave"}
	msStateNames     = []string{"unknown", "", "master", "slave", "resolution error"}
	linkExtStates    = []string{"Autoneg", "Link training failure", "Logical mismatch", "Bad signal integrity",
		"No cable", "Cable issue", "EEPROM issue", "Calibration failure", "Power budget exceeded", "Overheat", "Module"}
)

func portName(v uint8) (string, bool) {
	switch {
	case int(v) < len(portNames):
		return portNames[v], true
	case v == 0xef:
		return "None", true
	case v == 0xff:
		return "Other", true
	}
	return "", false
}

// wolString spells Wake-on-LAN modes as ethtool: one letter per WAKE_*
// bit, "d" for none.
func wolString(mask uint32) string {
	const letters = "pumbagsf"
	var s strings.Builder
	for i := 0; i < len(letters); i++ {
		if mask&(1<<i) != 0 {
			s.WriteByte(letters[i])
		}
	}
	if s.Len() == 0 {
		return "d"
	}
	return s.String()
}

// LinkSettings writes `ethtool DEV` output for the parts that were read;
// ok is false when there was nothing to show (ethtool then says
// "No data available").
func LinkSettings(w io.Writer, dev string, ls nic.LinkSettings) (ok bool, err error) {
	var b strings.Builder
	banner := func() {
		if !ok {
			fmt.Fprintf(&b, "Settings for %s:\n", dev)
			ok = true
		}
	}
	if m := ls.Modes; m != nil {
		if m.HasOurs {
			banner()
			linkModes(&b, m.Supported, lmPort, "Supported ports: [ ", " ", " ]\n", "")
			linkModes(&b, m.Supported, lmReal, "Supported link modes:   ", "", "\n", "Not reported")
			pauseUse(&b, m.Supported, "Supported pause frame use: ")
			fmt.Fprintf(&b, "\tSupports auto-negotiation: %s\n", yesNoCap(hasMode(m.Supported, bitAutoneg)))
			linkModes(&b, m.Supported, lmFEC, "Supported FEC modes: ", " ", "\n", "Not reported")
			linkModes(&b, m.Advertised, lmReal, "Advertised link modes:  ", "", "\n", "Not reported")
			pauseUse(&b, m.Advertised, "Advertised pause frame use: ")
			fmt.Fprintf(&b, "\tAdvertised auto-negotiation: %s\n", yesNoCap(hasMode(m.Advertised, bitAutoneg)))
			linkModes(&b, m.Advertised, lmFEC, "Advertised FEC modes: ", " ", "\n", "Not reported")
		}
		if m.HasPeer {
			banner()
			linkModes(&b, m.Peer, lmReal, "Link partner advertised link modes:  ", "", "\n", "Not reported")
			pauseUse(&b, m.Peer, "Link partner advertised pause frame use: ")
			fmt.Fprintf(&b, "\tLink partner advertised auto-negotiation: %s\n", yesNoCap(hasMode(m.Peer, bitAutoneg)))
			linkModes(&b, m.Peer, lmFEC, "Link partner advertised FEC modes: ", " ", "\n", "Not reported")
		}
		if m.Speed != nil {
			banner()
			if v := *m.Speed; v == 0 || v == 0xffff || v == 0xffffffff {
				b.WriteString("\tSpeed: Unknown!\n")
			} else {
				fmt.Fprintf(&b, "\tSpeed: %dMb/s\n", v)
			}
		}
		if m.Lanes != nil {
			banner()
			fmt.Fprintf(&b, "\tLanes: %d\n", *m.Lanes)
		}
		if m.Duplex != nil {
			banner()
			enumLine(&b, duplexNames, *m.Duplex, "Duplex")
		}
		if m.Autoneg != nil {
			banner()
			an := "on"
			if *m.Autoneg == 0 {
				an = "off"
			}
			fmt.Fprintf(&b, "\tAuto-negotiation: %s\n", an)
		}
		if m.MasterSlaveCfg != nil {
			banner()
			enumLine(&b, msCfgNames, *m.MasterSlaveCfg, "master-slave cfg")
		}
		if m.MasterSlaveState != nil {
			banner()
			enumLine(&b, msStateNames, *m.MasterSlaveState, "master-slave status")
		}
	}
	if li := ls.Info; li != nil {
		port := -1
		if li.Port != nil {
			banner()
			if name, known := portName(*li.Port); known {
				fmt.Fprintf(&b, "\tPort: %s\n", name)
			} else {
				fmt.Fprintf(&b, "\tPort: Unknown! (%d)\n", *li.Port)
			}
			port = int(*li.Port)
		}
		if li.PHYAddr != nil {
			banner()
			fmt.Fprintf(&b, "\tPHYAD: %d\n", *li.PHYAddr)
		}
		if li.Transceiver != nil {
			banner()
			enumLine(&b, transceiverNames, *li.Transceiver, "Transceiver")
		}
		if li.MDIX != nil && li.MDIXCtrl != nil && port == 0 {
			banner()
			b.WriteString("\tMDI-X: ")
			switch ctrl := *li.MDIXCtrl; {
			case ctrl == 1:
				b.WriteString("off (forced)\n")
			case ctrl == 2:
				b.WriteString("on (forced)\n")
			default:
				switch *li.MDIX {
				case 1:
					b.WriteString("off")
				case 2:
					b.WriteString("on")
				default:
					b.WriteString("Unknown")
				}
				if ctrl == 3 {
					b.WriteString(" (auto)")
				}
				b.WriteString("\n")
			}
		}
	}
	if wol := ls.WoL; wol != nil {
		banner()
		fmt.Fprintf(&b, "\tSupports Wake-on: %s\n\tWake-on: %s\n", wolString(wol.Supported), wolString(wol.Enabled))
		if wol.Supported&(1<<6) != 0 && len(wol.SecureOn) == 6 {
			p := wol.SecureOn
			fmt.Fprintf(&b, "        SecureOn password: %02x:%02x:%02x:%02x:%02x:%02x\n", p[0], p[1], p[2], p[3], p[4], p[5])
		}
	}
	if d := ls.Debug; d != nil {
		banner()
		fmt.Fprintf(&b, "        Current message level: 0x%08x (%d)\n                              ", d.MsgMask, d.MsgMask)
		for _, n := range d.Names {
			fmt.Fprintf(&b, " %s", n)
		}
		b.WriteString("\n")
	}
	if s := ls.State; s != nil {
		if s.Link != nil {
			banner()
			yn := "no"
			if *s.Link {
				yn = "yes"
			}
			fmt.Fprintf(&b, "\tLink detected: %s", yn)
			if s.ExtState != nil {
				if int(*s.ExtState) < len(linkExtStates) {
					fmt.Fprintf(&b, " (%s", linkExtStates[*s.ExtState])
				} else {
					fmt.Fprintf(&b, " (%d", *s.ExtState)
				}
				if s.ExtSubstate != nil {
					fmt.Fprintf(&b, ", %d", *s.ExtSubstate)
				}
				b.WriteString(")")
			}
			b.WriteString("\n")
		}
		if s.SQI != nil {
			banner()
			fmt.Fprintf(&b, "\tSQI: %d", *s.SQI)
			if s.SQIMax != nil {
				fmt.Fprintf(&b, "/%d", *s.SQIMax)
			}
			b.WriteString("\n")
		}
	}
	_, err = io.WriteString(w, b.String())
	return ok, err
}

func modeNames(ms []nic.LinkMode, c linkModeClass) []string {
	out := []string{}
	for _, m := range ms {
		if modeClass(m.Index) == c {
			out = append(out, m.Name)
		}
	}
	return out
}

func pauseString(ms []nic.LinkMode) string {
	var b strings.Builder
	pauseUse(&b, ms, "")
	return strings.TrimSpace(b.String())
}

// LinkSettingsJSON writes `ethtool --json DEV` (stackbox's addition): the
// values of the text output under lowercase, dashed keys; ok is false when
// there was nothing to show.
func LinkSettingsJSON(w io.Writer, dev string, ls nic.LinkSettings) (ok bool, err error) {
	o := object{{"ifname", dev}}
	n := len(o)
	if m := ls.Modes; m != nil {
		if m.HasOurs {
			o.add("supported-ports", modeNames(m.Supported, lmPort))
			o.add("supported-link-modes", modeNames(m.Supported, lmReal))
			o.add("supported-pause-frame-use", pauseString(m.Supported))
			o.add("supports-auto-negotiation", hasMode(m.Supported, bitAutoneg))
			o.add("supported-fec-modes", modeNames(m.Supported, lmFEC))
			o.add("advertised-link-modes", modeNames(m.Advertised, lmReal))
			o.add("advertised-pause-frame-use", pauseString(m.Advertised))
			o.add("advertised-auto-negotiation", hasMode(m.Advertised, bitAutoneg))
			o.add("advertised-fec-modes", modeNames(m.Advertised, lmFEC))
		}
		if m.HasPeer {
			o.add("link-partner-advertised-link-modes", modeNames(m.Peer, lmReal))
			o.add("link-partner-advertised-pause-frame-use", pauseString(m.Peer))
			o.add("link-partner-advertised-auto-negotiation", hasMode(m.Peer, bitAutoneg))
			o.add("link-partner-advertised-fec-modes", modeNames(m.Peer, lmFEC))
		}
		if m.Speed != nil {
			if v := *m.Speed; v == 0 || v == 0xffff || v == 0xffffffff {
				o.add("speed", nil)
			} else {
				o.add("speed", v)
			}
		}
		o.addU32("lanes", m.Lanes)
		if m.Duplex != nil {
			if int(*m.Duplex) < len(duplexNames) {
				o.add("duplex", duplexNames[*m.Duplex])
			} else {
				o.add("duplex", nil)
			}
		}
		if m.Autoneg != nil {
			o.add("auto-negotiation", *m.Autoneg != 0)
		}
	}
	if li := ls.Info; li != nil {
		if li.Port != nil {
			if name, known := portName(*li.Port); known {
				o.add("port", name)
			} else {
				o.add("port", nil)
			}
		}
		if li.PHYAddr != nil {
			o.add("phyad", *li.PHYAddr)
		}
		if li.Transceiver != nil && int(*li.Transceiver) < len(transceiverNames) {
			o.add("transceiver", transceiverNames[*li.Transceiver])
		}
	}
	if wol := ls.WoL; wol != nil {
		o.add("supports-wake-on", wolString(wol.Supported))
		o.add("wake-on", wolString(wol.Enabled))
	}
	if d := ls.Debug; d != nil {
		o.add("current-message-level", d.MsgMask)
		o.add("message-level-names", d.Names)
	}
	if s := ls.State; s != nil && s.Link != nil {
		o.add("link-detected", *s.Link)
	}
	if len(o) == n {
		return false, nil
	}
	return true, writeJSON(w, o)
}
