package kernel

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/stack"
)

// packetTable is the table of a packet socket of type typ.
func packetTable(typ uint8) stack.Table {
	if typ == sockRaw {
		return stack.TablePacketRaw
	}
	return stack.TablePacketDgram
}

func decodeRing(b []byte, r *stack.PacketRing) *stack.PacketRing {
	*r = stack.PacketRing{
		BlockSize: u32at(b, 0), BlockNr: u32at(b, 4), FrameSize: u32at(b, 8), FrameNr: u32at(b, 12),
		RetireTmo: u32at(b, 16), SizeofPriv: u32at(b, 20), Features: u32at(b, 24),
	}
	return r
}

// decodePacket decodes a struct packet_diag_msg and its attributes. It
// returns nil (and no error) for a socket whose table is not in want.
// Packet sockets have no state: ss shows them as UNCONN (Close). The
// receive queue is the socket's allocated receive memory, as ss shows it.
func (d *decoder) decodePacket(want stack.TableSet, b []byte) (*stack.Socket, error) {
	if len(b) < packetDiagMsgLen {
		return nil, fmt.Errorf("%w: packet_diag_msg of %d bytes", errShortMessage, len(b))
	}
	t := packetTable(b[1])
	// ss shows packet sockets of both types when either table is asked
	// for.
	if !want.Has(stack.TablePacketRaw) && !want.Has(stack.TablePacketDgram) {
		return nil, nil
	}
	s := d.reset()
	s.Table = t
	s.Family = b[0]
	s.State = stack.StateClose
	s.Local.Proto = ne.Uint16(b[2:])
	s.Inode = ne.Uint32(b[4:])
	s.Cookie = cookie(b, 8)
	p := &d.packet
	*p = stack.PacketInfo{Type: b[1], Num: s.Local.Proto, Filter: d.filter[:0]}
	s.Packet = p

	ad := newAttrDecoder(b[packetDiagMsgLen:])
	for ad.Next() {
		v := ad.Bytes()
		switch ad.Type() {
		case packetDiagInfo:
			p.HasInfo = true
			s.Local.Ifindex = u32at(v, 0)
			p.Version = u32at(v, 4)
			p.Reserve = u32at(v, 8)
			p.Copythresh = u32at(v, 12)
			p.Tstamp = u32at(v, 16)
			p.Flags = u32at(v, 20)
		case packetDiagRxRing:
			p.RxRing = decodeRing(v, &d.rxRing)
		case packetDiagTxRing:
			p.TxRing = decodeRing(v, &d.txRing)
		case packetDiagFanout:
			p.Fanout, p.HasFanout = ad.Uint32(), true
		case packetDiagUID:
			s.UID = ad.Uint32()
		case packetDiagMeminfo:
			s.SkMem = d.decodeSkMem(v)
			s.RecvQ = s.SkMem.RMemAlloc
		case packetDiagFilter:
			p.HasFilter = true
			for i := 0; i+8 <= len(v); i += 8 {
				p.Filter = append(p.Filter, stack.BPFInstruction{
					Code: ne.Uint16(v[i:]), JT: v[i+2], JF: v[i+3], K: ne.Uint32(v[i+4:]),
				})
			}
			p.FilterLen = len(p.Filter)
		}
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("packet_diag_msg: %w", err)
	}
	d.filter = p.Filter
	if len(p.Filter) == 0 {
		p.Filter = nil
	}
	return s, nil
}
