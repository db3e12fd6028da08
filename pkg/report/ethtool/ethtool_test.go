package ethtool

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/nic"
)

var update = flag.Bool("update", false, "rewrite the golden files of synthetic cases")

func u32(v uint32) *uint32 { return &v }

// tests pairs a value with the output ethtool 6.1 printed for it. Files
// named after real devices were captured from /usr/sbin/ethtool; the
// "synthetic-" ones are built from the kernel's documented attributes for
// hardware we cannot run here, and -update rewrites only those.
var tests = []struct {
	file   string
	render func(w *bytes.Buffer) error
}{
	{"driver-virtio.txt", func(w *bytes.Buffer) error {
		return DriverInfo(w, nic.DriverInfo{Driver: "virtio_net", Version: "1.0.0",
			BusInfo: "0000:00:03.0", NStats: 10})
	}},
	{"driver-veth.txt", func(w *bytes.Buffer) error {
		return DriverInfo(w, nic.DriverInfo{Driver: "veth", Version: "1.0", NStats: 3})
	}},
	{"driver-tun.txt", func(w *bytes.Buffer) error {
		return DriverInfo(w, nic.DriverInfo{Driver: "tun", Version: "1.6", BusInfo: "tun"})
	}},
	{"rings-virtio.txt", func(w *bytes.Buffer) error {
		push := false
		return Rings(w, "eth0", nic.Rings{RXMax: u32(256), TXMax: u32(256), RX: u32(256),
			TX: u32(256), TXPush: &push})
	}},
	{"channels-veth.txt", func(w *bytes.Buffer) error {
		return Channels(w, "a", nic.Channels{RXMax: u32(2), TXMax: u32(2), RX: u32(1), TX: u32(1)})
	}},
	{"channels-tun.txt", func(w *bytes.Buffer) error {
		return Channels(w, "tun0", nic.Channels{CombinedMax: u32(1), Combined: u32(0)})
	}},
	{"error-netlink-nodev.txt", func(w *bytes.Buffer) error {
		return Error(w, "", &nic.Error{Via: nic.ViaNetlink, Errno: syscall.ENODEV,
			Message: "no device matches name", Offset: 24})
	}},
	{"error-netlink-notsupp.txt", func(w *bytes.Buffer) error {
		return Error(w, "", &nic.Error{Via: nic.ViaNetlink, Errno: syscall.EOPNOTSUPP})
	}},
	{"error-ioctl-nodev.txt", func(w *bytes.Buffer) error {
		return Error(w, "Cannot get driver information", &nic.Error{Via: nic.ViaIoctl, Errno: syscall.ENODEV})
	}},
	{"coalesce-virtio.txt", func(w *bytes.Buffer) error {
		off := false
		return Coalesce(w, "eth0", nic.Coalesce{AdaptiveRX: &off, RXUsecs: u32(0), RXFrames: u32(1),
			TXUsecs: u32(0), TXFrames: u32(1)})
	}},
	{"coalesce-tun.txt", func(w *bytes.Buffer) error {
		return Coalesce(w, "tun0", nic.Coalesce{RXFrames: u32(0)})
	}},
	{"synthetic-coalesce-multiqueue.txt", func(w *bytes.Buffer) error {
		on, off := true, false
		return Coalesce(w, "ens1f0", nic.Coalesce{AdaptiveRX: &on, AdaptiveTX: &off,
			RXUsecs: u32(50), RXFrames: u32(0), RXUsecsIRQ: u32(0), TXUsecs: u32(50), TXFrames: u32(128),
			PktRateLow: u32(0), PktRateHigh: u32(0), RateSampleInterval: u32(0),
			CQEModeRX: &on, CQEModeTX: &off})
	}},
	{"synthetic-stats-driver-order.txt", func(w *bytes.Buffer) error {
		return Stats(w, []nic.Stat{{Name: "rx_packets", Value: 10}, {Name: "tx_packets", Value: 18446744073709551615},
			{Name: "rx_queue_0_packets", Value: 10}, {Name: "alloc_fail", Value: 0}})
	}},
	{"synthetic-pause.txt", func(w *bytes.Buffer) error {
		on, off := true, false
		return Pause(w, "ens1f0", nic.Pause{Autoneg: &off, RX: &on, TX: &off})
	}},
	{"timestamping-veth.txt", func(w *bytes.Buffer) error {
		return Timestamping(w, "a", nic.Timestamping{HasCapabilities: true, HasTXTypes: true, HasRXFilters: true,
			Capabilities: []string{"software-transmit", "software-receive", "software-system-clock"}})
	}},
	{"synthetic-timestamping-ptp.txt", func(w *bytes.Buffer) error {
		return Timestamping(w, "ens1f0", nic.Timestamping{HasCapabilities: true, HasTXTypes: true, HasRXFilters: true,
			Capabilities: []string{"hardware-transmit", "software-transmit", "hardware-receive",
				"software-receive", "software-system-clock", "hardware-raw-clock"},
			PHCIndex: u32(0), TXTypes: []string{"off", "on"}, RXFilters: []string{"none", "all"}})
	}},
	{"synthetic-rings-multiqueue.json", func(w *bytes.Buffer) error {
		split, push := nic.TCPDataSplitEnabled, true
		return RingsJSON(w, "ens1f0", nic.Rings{RXMax: u32(8192), TXMax: u32(8192), RX: u32(1024), TX: u32(1024),
			RXBufLen: u32(4096), TXPush: &push, TCPDataSplit: &split})
	}},
	{"synthetic-channels-multiqueue.json", func(w *bytes.Buffer) error {
		return ChannelsJSON(w, "ens1f0", nic.Channels{CombinedMax: u32(63), Combined: u32(16), OtherMax: u32(1), Other: u32(1)})
	}},
	{"synthetic-coalesce-multiqueue.json", func(w *bytes.Buffer) error {
		on := true
		return CoalesceJSON(w, "ens1f0", nic.Coalesce{AdaptiveRX: &on, RXUsecs: u32(50), TXFrames: u32(128)})
	}},
	{"synthetic-driver.json", func(w *bytes.Buffer) error {
		return DriverInfoJSON(w, "ens1f0", nic.DriverInfo{Driver: "ice", Version: "6.1.0", FirmwareVersion: "4.40 0x8001a8d1 1.3534.0",
			BusInfo: "0000:3b:00.0", NStats: 100, TestInfoLen: 4, EEDumpLen: 64, RegDumpLen: 1, NPrivFlags: 8})
	}},
	{"synthetic-pause.json", func(w *bytes.Buffer) error {
		on, off := true, false
		return PauseJSON(w, "ens1f0", nic.Pause{Autoneg: &off, RX: &on, TX: &on})
	}},
	{"empty.json", func(w *bytes.Buffer) error { return EmptyJSON(w) }},
	{"synthetic-pause-autoneg.txt", func(w *bytes.Buffer) error {
		on, off := true, false
		return Pause(w, "ens1f0", nic.Pause{Autoneg: &on, RX: &on, TX: &on, NegotiatedRX: &on, NegotiatedTX: &off})
	}},
	{"synthetic-pause-autoneg.json", func(w *bytes.Buffer) error {
		on, off := true, false
		return PauseJSON(w, "ens1f0", nic.Pause{Autoneg: &on, RX: &on, TX: &on, NegotiatedRX: &on, NegotiatedTX: &off})
	}},
	{"synthetic-rings-multiqueue.txt", func(w *bytes.Buffer) error {
		split, push := nic.TCPDataSplitEnabled, true
		return Rings(w, "ens1f0", nic.Rings{RXMax: u32(8192), RXMiniMax: u32(0), RXJumboMax: u32(0),
			TXMax: u32(8192), RX: u32(1024), RXMini: u32(0), RXJumbo: u32(0), TX: u32(1024),
			RXBufLen: u32(4096), CQESize: u32(64), TXPush: &push, TCPDataSplit: &split})
	}},
	{"synthetic-rings-split-unknown-value.txt", func(w *bytes.Buffer) error {
		split := nic.TCPDataSplit(7)
		return Rings(w, "x", nic.Rings{TCPDataSplit: &split})
	}},
	{"synthetic-channels-multiqueue.txt", func(w *bytes.Buffer) error {
		return Channels(w, "ens1f0", nic.Channels{RXMax: u32(0), TXMax: u32(0), OtherMax: u32(1),
			CombinedMax: u32(63), RX: u32(0), TX: u32(0), Other: u32(1), Combined: u32(16)})
	}},
}

func TestGolden(t *testing.T) {
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.file)
			if *update && strings.HasPrefix(filepath.Base(path), "synthetic-") {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestStrerror(t *testing.T) {
	for errno, want := range map[syscall.Errno]string{
		syscall.ENODEV:     "No such device",
		syscall.EOPNOTSUPP: "Operation not supported",
		syscall.EPERM:      "Operation not permitted",
	} {
		if got := Strerror(errno); got != want {
			t.Errorf("Strerror(%d) = %q, want %q", errno, got, want)
		}
	}
}
