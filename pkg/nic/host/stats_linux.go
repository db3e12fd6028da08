package host

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Raw ethtool ioctl commands (linux/ethtool.h) for -S: the library's
// Stats returns a map and loses the driver's order.
const (
	ethtoolGDrvInfo  = 0x03
	ethtoolGStrings  = 0x1b
	ethtoolGStats    = 0x1d
	ethtoolGSSetInfo = 0x37
	ethSSStats       = 1
	ethGStringLen    = 32
	// drvinfoNStatsOffset is the offset of n_stats in ethtool_drvinfo.
	drvinfoNStatsOffset = 4 + 32 + 32 + 32 + 32 + 32 + 12
	drvinfoSize         = drvinfoNStatsOffset + 5*4
)

// ifreqData is struct ifreq with ifr_data, padded to its 40 bytes.
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [8]byte
}

// ethtoolIoctl runs SIOCETHTOOL on fd for device name with buf as the
// command's structure.
func ethtoolIoctl(fd int, name string, buf []byte) error {
	var ifr ifreqData
	copy(ifr.name[:unix.IFNAMSIZ-1], name)
	ifr.data = unsafe.Pointer(&buf[0])
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr)))
	runtime.KeepAlive(buf)
	if errno != 0 {
		return errno
	}
	return nil
}

// statsCount returns the number of statistics of device name, as
// ethtool's get_stringset does: ETHTOOL_GSSET_INFO, falling back to the
// driver information's n_stats on kernels without it.
func statsCount(fd int, name string) (uint32, error) {
	b := make([]byte, 16+4)
	binary.NativeEndian.PutUint32(b, ethtoolGSSetInfo)
	binary.NativeEndian.PutUint64(b[8:], 1<<ethSSStats)
	err := ethtoolIoctl(fd, name, b)
	if err == nil {
		if binary.NativeEndian.Uint64(b[8:]) == 0 {
			return 0, nil
		}
		return binary.NativeEndian.Uint32(b[16:]), nil
	}
	if err != unix.EOPNOTSUPP {
		return 0, err
	}
	di := make([]byte, drvinfoSize)
	binary.NativeEndian.PutUint32(di, ethtoolGDrvInfo)
	if err := ethtoolIoctl(fd, name, di); err != nil {
		return 0, err
	}
	return binary.NativeEndian.Uint32(di[drvinfoNStatsOffset:]), nil
}

// readStats reads the statistics of device name through fd.
func readStats(fd int, name string) ([]nic.Stat, error) {
	n, err := statsCount(fd, name)
	if err != nil {
		return nil, ioctlError("get stats strings information", err)
	}
	if n > 1<<20 {
		return nil, fmt.Errorf("nic: %d statistics is not believable", n)
	}
	strs := make([]byte, 12+int(n)*ethGStringLen)
	binary.NativeEndian.PutUint32(strs, ethtoolGStrings)
	binary.NativeEndian.PutUint32(strs[4:], ethSSStats)
	binary.NativeEndian.PutUint32(strs[8:], n)
	if n != 0 {
		if err := ethtoolIoctl(fd, name, strs); err != nil {
			return nil, ioctlError("get stats strings information", err)
		}
	}
	if n < 1 {
		return nil, nic.ErrNoStats
	}
	vals := make([]byte, 8+int(n)*8)
	binary.NativeEndian.PutUint32(vals, ethtoolGStats)
	binary.NativeEndian.PutUint32(vals[4:], n)
	if err := ethtoolIoctl(fd, name, vals); err != nil {
		return nil, ioctlError("get stats information", err)
	}
	return decodeStats(strs[12:], vals[8:], int(n)), nil
}

// decodeStats pairs n names of ETH_GSTRING_LEN bytes with n values.
func decodeStats(names, values []byte, n int) []nic.Stat {
	n = min(n, len(names)/ethGStringLen, len(values)/8)
	if n <= 0 {
		return nil
	}
	out := make([]nic.Stat, 0, n)
	for i := 0; i < n && (i+1)*ethGStringLen <= len(names) && (i+1)*8 <= len(values); i++ {
		s := names[i*ethGStringLen : (i+1)*ethGStringLen]
		for j, c := range s {
			if c == 0 {
				s = s[:j]
				break
			}
		}
		out = append(out, nic.Stat{Name: string(s), Value: binary.NativeEndian.Uint64(values[i*8:])})
	}
	return out
}

// Stats reads the driver statistics with the raw GSSET_INFO, GSTRINGS and
// GSTATS ioctls, keeping the driver's order.
func (d *Device) Stats() ([]nic.Stat, error) {
	var st []nic.Stat
	err := d.k.Do(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("nic: ethtool socket: %w", err)
		}
		defer unix.Close(fd)
		st, err = readStats(fd, d.name)
		return err
	})
	return st, err
}
