package ethtool

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/nic"
)

func u8(v uint8) *uint8 { return &v }

// gigabit is the link of a 1000BASE-T NIC (the shape of igb's).
func gigabit() nic.LinkSettings {
	modes := []nic.LinkMode{
		{Index: 0, Name: "10baseT/Half"}, {Index: 1, Name: "10baseT/Full"},
		{Index: 2, Name: "100baseT/Half"}, {Index: 3, Name: "100baseT/Full"},
		{Index: 5, Name: "1000baseT/Full"}, {Index: 6, Name: "Autoneg"},
		{Index: 7, Name: "TP"}, {Index: 13, Name: "Pause"},
	}
	link := true
	return nic.LinkSettings{
		Modes: &nic.LinkModes{HasOurs: true, Supported: modes, Advertised: modes,
			Speed: u32(1000), Duplex: u8(1), Autoneg: u8(1)},
		Info:  &nic.LinkInfo{Port: u8(0), PHYAddr: u8(1), Transceiver: u8(0), MDIX: u8(2), MDIXCtrl: u8(3)},
		WoL:   &nic.WakeOnLAN{Supported: 0b101111, Enabled: 0b100000},
		Debug: &nic.Debug{MsgMask: 7, Names: []string{"drv", "probe", "link"}},
		State: &nic.LinkState{Link: &link},
	}
}

// TestLinkSettingsGigabit renders the gigabit NIC with the layout ethtool
// prints for it: half-duplex modes share a line with the full-duplex mode
// after them.
func TestLinkSettingsGigabit(t *testing.T) {
	want := "Settings for eth0:\n" +
		"\tSupported ports: [ TP ]\n" +
		"\tSupported link modes:   10baseT/Half 10baseT/Full\n" +
		"\t                        100baseT/Half 100baseT/Full\n" +
		"\t                        1000baseT/Full\n" +
		"\tSupported pause frame use: Symmetric\n" +
		"\tSupports auto-negotiation: Yes\n" +
		"\tSupported FEC modes: Not reported\n" +
		"\tAdvertised link modes:  10baseT/Half 10baseT/Full\n" +
		"\t                        100baseT/Half 100baseT/Full\n" +
		"\t                        1000baseT/Full\n" +
		"\tAdvertised pause frame use: Symmetric\n" +
		"\tAdvertised auto-negotiation: Yes\n" +
		"\tAdvertised FEC modes: Not reported\n" +
		"\tSpeed: 1000Mb/s\n" +
		"\tDuplex: Full\n" +
		"\tAuto-negotiation: on\n" +
		"\tPort: Twisted Pair\n" +
		"\tPHYAD: 1\n" +
		"\tTransceiver: internal\n" +
		"\tMDI-X: on (auto)\n" +
		"\tSupports Wake-on: pumbg\n" +
		"\tWake-on: g\n" +
		"        Current message level: 0x00000007 (7)\n" +
		"                               drv probe link\n" +
		"\tLink detected: yes\n"
	var got bytes.Buffer
	ok, err := LinkSettings(&got, "eth0", gigabit())
	if err != nil || !ok {
		t.Fatalf("ok %v err %v", ok, err)
	}
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLinkSettingsJSON checks stackbox's --json DEVNAME against a golden
// file (-update rewrites it).
func TestLinkSettingsJSON(t *testing.T) {
	var got bytes.Buffer
	if ok, err := LinkSettingsJSON(&got, "eth0", gigabit()); err != nil || !ok {
		t.Fatalf("ok %v err %v", ok, err)
	}
	path := filepath.Join("testdata", "synthetic-link-gigabit.json")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLinkSettingsNothing(t *testing.T) {
	var got bytes.Buffer
	ok, err := LinkSettings(&got, "x", nic.LinkSettings{})
	if err != nil || ok || got.Len() != 0 {
		t.Errorf("empty settings: ok %v err %v output %q, want nothing", ok, err, got.String())
	}
}

func TestLinkSettingsUnknowns(t *testing.T) {
	ls := nic.LinkSettings{
		Modes: &nic.LinkModes{Speed: u32(0xffffffff), Duplex: u8(255), Autoneg: u8(0)},
		Info:  &nic.LinkInfo{Port: u8(0xff), PHYAddr: u8(0), Transceiver: u8(0)},
	}
	want := "Settings for eth0:\n\tSpeed: Unknown!\n\tDuplex: Unknown! (255)\n\tAuto-negotiation: off\n" +
		"\tPort: Other\n\tPHYAD: 0\n\tTransceiver: internal\n"
	var got bytes.Buffer
	if _, err := LinkSettings(&got, "eth0", ls); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
