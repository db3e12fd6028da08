package ss

import (
	"bufio"
	"io"
	"math/bits"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/stackbox/stackbox/pkg/netdb"
	"github.com/stackbox/stackbox/pkg/stack"
)

// Options says what to print and how, following ss's flags.
type Options struct {
	// Tables are the socket tables being dumped: the Netid column is shown
	// only when there is more than one. States are the states asked for:
	// the State column is shown only when there is more than one.
	Tables stack.TableSet
	States stack.StateSet
	// MoreTables is set when the caller also asked for tables Tables
	// cannot name (ss counts dccp, sctp, vsock, tipc and xdp): the Netid
	// column is then shown even for a single table here.
	MoreTables bool

	Numeric     bool // -n: no service, protocol or process names; exact rates
	Resolve     bool // -r: host names through Names.HostName
	Timers      bool // -o: timer information (-e and -b imply it)
	Extended    bool // -e
	Memory      bool // -m
	Info        bool // -i
	Processes   bool // -p
	Threads     bool // -T: -p with thread ids
	BPF         bool // -b: packet socket filters
	TOS         bool // --tos
	Cgroup      bool // --cgroup
	InetSockopt bool // --inet-sockopt
	OneLine     bool // -O
	NoHeader    bool // -H
	JSON        bool // JSON lines instead of text (see the package doc)
	Events      bool // -E: print each socket as soon as it is given

	// Terminal says the output is a terminal Width columns wide (from the
	// window size, or $COLUMNS): ss then spreads the spare width between
	// the columns. Otherwise, or with Width 0, columns are as narrow as
	// their contents.
	Terminal bool
	Width    int

	// Names resolves interface, host, process and cgroup names; nil
	// resolves none.
	Names Names
	// DB looks services and protocols up; nil means netdb.Default().
	DB *netdb.DB
	// EphemeralPorts is the local port range whose ports are never given
	// service names; zero reads /proc/sys/net/ipv4/ip_local_port_range,
	// falling back to 1024-4999 as ss does.
	EphemeralPorts [2]uint16
}

// Names resolves the names ss prints. A method returns "" when it has no
// name, and the renderer prints what ss prints then.
type Names interface {
	// InterfaceName is the name of interface ifindex ("" prints "if<n>").
	InterfaceName(ifindex uint32) string
	// HostName is the host name of addr, used with Resolve ("" prints the
	// address).
	HostName(addr netip.Addr) string
	// ProcessName is the command name of process pid, for netlink ports
	// ("" prints the number).
	ProcessName(pid int32) string
	// CgroupPath is the path of cgroup id ("" prints "unreachable:<hex>").
	CgroupPath(id uint64) string
}

type noNames struct{}

func (noNames) InterfaceName(uint32) string      { return "" }
func (noNames) HostName(netip.Addr) string       { return "" }
func (noNames) ProcessName(int32) string         { return "" }
func (noNames) CgroupPath(uint64) string         { return "" }
func (o *Options) timers() bool                  { return o.Timers || o.Extended || o.BPF }
func (o *Options) users() bool                   { return o.Processes || o.Threads }
func setSize(x uint32) int                       { return bits.OnesCount32(x) }
func (w *Writer) set(col int)                    { w.t.set(col, w.bw) }
func (w *Writer) next()                          { w.t.next(w.bw) }
func (w *Writer) begin() (b []byte, start int)   { return w.t.arena, len(w.t.arena) }
func (w *Writer) end(b []byte, start int)        { w.t.arena = b; w.t.commit(start) }
func (w *Writer) outs(s string)                  { b, st := w.begin(); w.end(append(b, s...), st) }
func (w *Writer) outb(p []byte)                  { b, st := w.begin(); w.end(append(b, p...), st) }
func appendInt(b []byte, v int64) []byte         { return strconv.AppendInt(b, v, 10) }
func appendUint(b []byte, v uint64) []byte       { return strconv.AppendUint(b, v, 10) }
func appendHex(b []byte, v uint64) []byte        { return strconv.AppendUint(b, v, 16) }
func kv(b []byte, key string, v uint64) []byte   { return appendUint(append(b, key...), v) }
func kvi(b []byte, key string, v int64) []byte   { return appendInt(append(b, key...), v) }
func kvg(b []byte, key string, v float64) []byte { return appendCG(append(b, key...), v, 6) }

// Writer renders sockets as ss does. It buffers at most what ss buffers
// (about five MiB of fields) before printing.
type Writer struct {
	o     Options
	bw    *bufio.Writer
	t     table
	names Names
	db    *netdb.DB

	ephOnce      sync.Once
	ephLo, ephHi int

	scratch []byte
	jsonN   int
}

// NewWriter returns a Writer printing to w. Nothing is written before the
// first socket or Flush; the header, unless NoHeader, comes first.
func NewWriter(w io.Writer, o Options) *Writer {
	wr := &Writer{o: o, bw: bufio.NewWriterSize(w, 64<<10), names: o.Names, db: o.DB}
	if wr.names == nil {
		wr.names = noNames{}
	}
	if wr.db == nil {
		wr.db = netdb.Default()
	}
	wr.t.cols = defaultColumns()
	if !o.JSON && !o.Events {
		// Room for a whole batch, so that the arena never grows: untouched
		// pages of a large allocation cost nothing.
		wr.t.arena = make([]byte, 0, bufChunksMax*bufChunk+2*tokenMax)
	}
	wr.t.cols[colNetid].disabled = setSize(uint32(o.Tables)) <= 1 && !o.MoreTables
	wr.t.cols[colState].disabled = setSize(uint32(o.States)) <= 1
	wr.t.compact = !o.Terminal || o.Width <= 0
	wr.t.screen = o.Width
	if !o.JSON && !o.NoHeader {
		for wr.t.cur != colExt {
			c := &wr.t.cols[wr.t.cur]
			if !c.disabled {
				wr.outs(c.header)
			}
			wr.next()
		}
	}
	return wr
}

// Socket renders one socket.
func (w *Writer) Socket(s *stack.Socket) error {
	if s == nil {
		return nil
	}
	if w.o.JSON {
		w.writeJSON(s)
		if w.o.Events {
			return w.bw.Flush()
		}
		return nil
	}
	switch {
	case s.Table.IsInet():
		w.inet(s)
	case s.Table.IsUnix():
		w.unix(s)
	case s.Table.IsPacket():
		w.packet(s)
	case s.Table == stack.TableNetlink:
		w.netlink(s)
	default:
		return nil
	}
	if w.o.Events {
		w.t.render(w.bw)
		return w.bw.Flush()
	}
	return nil
}

// Flush prints what is buffered, the header when no socket came, and
// flushes the underlying writer.
func (w *Writer) Flush() error {
	if !w.o.JSON {
		w.t.render(w.bw)
	}
	return w.bw.Flush()
}

// ephemeral reports whether port is in the local port range, where ss
// gives no service names.
func (w *Writer) ephemeral(port uint16) bool {
	w.ephOnce.Do(func() {
		lo, hi := int(w.o.EphemeralPorts[0]), int(w.o.EphemeralPorts[1])
		if lo == 0 && hi == 0 {
			lo, hi = 1024, 4999
			if data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
				f := strings.Fields(string(data))
				if len(f) >= 2 {
					a, err1 := strconv.Atoi(f[0])
					b, err2 := strconv.Atoi(f[1])
					if err1 == nil && err2 == nil && a != 0 {
						lo, hi = a, b
					}
				}
			}
		}
		w.ephLo, w.ephHi = lo, hi
	})
	return int(port) >= w.ephLo && int(port) <= w.ephHi
}
