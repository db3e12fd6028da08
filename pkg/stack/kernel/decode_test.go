package kernel

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// requestTable says which table an inet dump request asks for.
func requestTable(req []byte) stack.Table {
	p := int(req[nlmsgHdrLen+1])
	ad := newAttrDecoder(req[nlmsgHdrLen+inetDiagReqV2Len:])
	for ad.Next() {
		if ad.Type() == inetDiagReqProtocol {
			p = int(ad.Uint32())
		}
	}
	switch p {
	case ipprotoTCP:
		return stack.TableTCP
	case ipprotoUDP:
		return stack.TableUDP
	case ipprotoRaw:
		return stack.TableRaw
	case ipprotoMPTCP:
		return stack.TableMPTCP
	}
	return stack.TableNone
}

// decodeRecording decodes the replies of a recorded dump directly (the
// path of a real socket: walkMessages over each datagram read).
func decodeRecording(t *testing.T, recs []record) []stack.Socket {
	t.Helper()
	var d decoder
	var out []stack.Socket
	var req []byte
	done := false
	for _, r := range recs {
		if r.sent {
			req, done = r.b, false
			continue
		}
		if done {
			t.Fatal("a reply after NLMSG_DONE")
		}
		err := walkMessages(r.b, "dump", func(typ uint16, b []byte) error {
			var s *stack.Socket
			var err error
			switch req[nlmsgHdrLen] {
			case afInet, afInet6:
				s, err = d.decodeInet(requestTable(req), b)
			case afUnix:
				s, err = d.decodeUnix(allTables(), b)
			case afPacket:
				s, err = d.decodePacket(allTables(), b)
			case afNetlink:
				s, err = d.decodeNetlink(b)
			}
			if err != nil {
				return err
			}
			if s != nil {
				out = append(out, cloneSocket(s))
			}
			return nil
		})
		if err == errDone {
			done = true
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestDecodeRecordedDump(t *testing.T) {
	socks := decodeRecording(t, readRecording(t, "testdata/replies/dump.bin"))
	checkRecordedDump(t, socks)
	golden(t, "testdata/replies/dump.golden", socketsText(t, socks))
}

// checkRecordedDump checks what the golden file cannot say by itself:
// that the recording holds a decoded socket of each kind.
func checkRecordedDump(t *testing.T, socks []stack.Socket) {
	t.Helper()
	seen := map[stack.Table]int{}
	var tcpInfo, unixPath, packetInfo, netlinkGroups bool
	for _, s := range socks {
		seen[s.Table]++
		if s.TCP != nil && s.TCP.Len >= stack.TCPInfoOffSndWnd+4 && s.Cong != "" && s.SkMem != nil && s.Mem != nil {
			tcpInfo = true
		}
		if s.Table.IsUnix() && s.Local.Path != "" && s.UnixVFS != nil {
			unixPath = true
		}
		if s.Packet != nil && s.Packet.HasInfo && s.SkMem != nil {
			packetInfo = true
		}
		if s.Table == stack.TableNetlink && s.SkMem != nil {
			netlinkGroups = true
		}
	}
	for _, tb := range []stack.Table{stack.TableNetlink, stack.TablePacketDgram, stack.TableUnixStream, stack.TableUDP, stack.TableTCP, stack.TableMPTCP} {
		if seen[tb] == 0 {
			t.Errorf("no %s socket decoded", tb)
		}
	}
	if !tcpInfo || !unixPath || !packetInfo || !netlinkGroups {
		t.Errorf("missing parts: tcp_info %v, unix path %v, packet info %v, netlink meminfo %v", tcpInfo, unixPath, packetInfo, netlinkGroups)
	}
}

func TestDecodeRecordedEvents(t *testing.T) {
	var d decoder
	var socks []stack.Socket
	for _, r := range readRecording(t, "testdata/replies/events.bin") {
		err := walkMessages(r.b, "events", func(typ uint16, b []byte) error {
			s, err := d.decodeInet(stack.TableNone, b)
			if err != nil {
				return err
			}
			socks = append(socks, cloneSocket(s))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(socks) != 2 || socks[0].Table != stack.TableUDP || socks[1].Table != stack.TableTCP || socks[1].Family != afInet6 {
		t.Errorf("events: want a udp then a tcp6 socket, got %+v", socks)
	}
	golden(t, "testdata/replies/events.golden", socketsText(t, socks))
}
