package ss

import (
	"bufio"
	"io"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// WriteSummary prints what ss -s prints (ss's print_summary), or with
// o.JSON one JSON object (see the package doc).
func WriteSummary(w io.Writer, s *stack.SocketSummary, o Options) error {
	bw := bufio.NewWriter(w)
	if o.JSON {
		j := &jw{}
		j.open("")
		j.i("total", int64(s.Total))
		j.open("tcp")
		j.i("total", int64(s.TCPTotal))
		j.i("estab", int64(s.TCPEstab))
		j.i("closed", int64(s.TCPClosed))
		j.i("orphaned", int64(s.TCPOrphaned))
		j.i("timewait", int64(s.TCPTimeWait))
		j.close()
		j.open("transport")
		for _, t := range []struct {
			k string
			v [3]int
		}{{"raw", s.RAW}, {"udp", s.UDP}, {"tcp", s.TCP}, {"inet", s.INET}, {"frag", s.FRAG}} {
			j.open(t.k)
			j.i("total", int64(t.v[0]))
			j.i("ipv4", int64(t.v[1]))
			j.i("ipv6", int64(t.v[2]))
			j.close()
		}
		j.close()
		j.close()
		bw.Write(append(j.b, '\n'))
		return bw.Flush()
	}
	b := make([]byte, 0, 512)
	b = append(kvi(append(b, "Total: "...), "", int64(s.Total)), '\n')
	b = kvi(append(b, "TCP:   "...), "", int64(s.TCPTotal))
	b = kvi(b, " (estab ", int64(s.TCPEstab))
	b = kvi(b, ", closed ", int64(s.TCPClosed))
	b = kvi(b, ", orphaned ", int64(s.TCPOrphaned))
	b = kvi(b, ", timewait ", int64(s.TCPTimeWait))
	b = append(b, ")\n\nTransport Total     IP        IPv6\n"...)
	for _, t := range []struct {
		k string
		v [3]int
	}{{"RAW", s.RAW}, {"UDP", s.UDP}, {"TCP", s.TCP}, {"INET", s.INET}, {"FRAG", s.FRAG}} {
		b = append(append(b, t.k...), "\t  "...)
		for i, n := range t.v {
			if i > 0 {
				b = append(b, ' ')
			}
			st := len(b)
			b = padRight(strconv.AppendInt(b, int64(n), 10), st, 9)
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	bw.Write(b)
	return bw.Flush()
}
