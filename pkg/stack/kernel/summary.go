package kernel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// sockstat holds the /proc/net/sockstat and sockstat6 counts ss -s uses.
type sockstat struct {
	sockets                      int
	tcpInuse, tcpOrphan, tcpTW   int
	tcpAlloc                     int
	udp, raw, frag               int
	tcp6Inuse, udp6, raw6, frag6 int
}

var errSockstat = errors.New("malformed line")

// parseSockstat reads a sockstat or sockstat6 file, named name in errors,
// into s. Lines are "KEY: name value name value ..."; lines and names ss
// does not use are skipped.
func parseSockstat(name string, r io.Reader, s *sockstat) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := bytes.Fields(sc.Bytes())
		if len(f) == 0 {
			continue
		}
		if len(f)%2 != 1 {
			return fmt.Errorf("%s:%d: %w: %q", name, line, errSockstat, sc.Bytes())
		}
		want := sockstatFields(s, string(f[0]))
		if want == nil {
			continue
		}
		for i := 1; i+1 < len(f); i += 2 {
			dst, ok := want[string(f[i])]
			if !ok {
				continue
			}
			v, err := strconv.Atoi(string(f[i+1]))
			if err != nil {
				return fmt.Errorf("%s:%d: %w: %s %s %q", name, line, errSockstat, f[0], f[i], f[i+1])
			}
			*dst = v
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return nil
}

// sockstatFields maps the names on a sockstat line to where they go.
func sockstatFields(s *sockstat, key string) map[string]*int {
	switch key {
	case "sockets:":
		return map[string]*int{"used": &s.sockets}
	case "TCP:":
		return map[string]*int{"inuse": &s.tcpInuse, "orphan": &s.tcpOrphan, "tw": &s.tcpTW, "alloc": &s.tcpAlloc}
	case "UDP:":
		return map[string]*int{"inuse": &s.udp}
	case "RAW:":
		return map[string]*int{"inuse": &s.raw}
	case "FRAG:":
		return map[string]*int{"inuse": &s.frag}
	case "TCP6:":
		return map[string]*int{"inuse": &s.tcp6Inuse}
	case "UDP6:":
		return map[string]*int{"inuse": &s.udp6}
	case "RAW6:":
		return map[string]*int{"inuse": &s.raw6}
	case "FRAG6:":
		return map[string]*int{"inuse": &s.frag6}
	}
	return nil
}

// parseSnmpValue reads the value of proto's field key (Tcp: CurrEstab)
// from /proc/net/snmp, whose protocols are a line of names followed by a
// line of values.
func parseSnmpValue(name string, r io.Reader, proto, key string) (int, error) {
	sc := bufio.NewScanner(r)
	line := 0
	prefix := []byte(proto + ":")
	for sc.Scan() {
		line++
		names := bytes.Fields(sc.Bytes())
		if len(names) == 0 || !bytes.Equal(names[0], prefix) {
			continue
		}
		col := -1
		for i, n := range names {
			if string(n) == key {
				col = i
			}
		}
		if !sc.Scan() {
			break
		}
		line++
		values := bytes.Fields(sc.Bytes())
		if len(values) != len(names) || !bytes.Equal(values[0], prefix) {
			return 0, fmt.Errorf("%s:%d: %w: %s values do not match their names", name, line, errSockstat, proto)
		}
		if col < 0 {
			break
		}
		v, err := strconv.Atoi(string(values[col]))
		if err != nil {
			return 0, fmt.Errorf("%s:%d: %w: %s %s %q", name, line, errSockstat, proto, key, values[col])
		}
		return v, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return 0, fmt.Errorf("%s: no %s %s", name, proto, key)
}

// summary computes what ss -s prints, with ss 6.1's arithmetic.
func summary(s *sockstat, tcpEstab int) *stack.SocketSummary {
	tcp4, tcp6 := s.tcpInuse, s.tcp6Inuse
	return &stack.SocketSummary{
		Total:       s.sockets,
		TCPTotal:    s.tcpAlloc + s.tcpTW,
		TCPEstab:    tcpEstab,
		TCPClosed:   s.tcpAlloc - (tcp4 + tcp6 - s.tcpTW),
		TCPOrphaned: s.tcpOrphan,
		TCPTimeWait: s.tcpTW,
		RAW:         [3]int{s.raw + s.raw6, s.raw, s.raw6},
		UDP:         [3]int{s.udp + s.udp6, s.udp, s.udp6},
		TCP:         [3]int{tcp4 + tcp6, tcp4, tcp6},
		INET: [3]int{
			s.raw + s.udp + tcp4 + s.raw6 + s.udp6 + tcp6,
			s.raw + s.udp + tcp4,
			s.raw6 + s.udp6 + tcp6,
		},
		FRAG: [3]int{s.frag + s.frag6, s.frag, s.frag6},
	}
}
