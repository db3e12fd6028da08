package kernel

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/stack"
)

// decodeNetlink decodes a struct netlink_diag_msg and its attributes.
// Netlink sockets have no state: ss shows them as UNCONN (Close); a
// connected one has its destination in Peer. The queues are the socket's
// allocated receive and send memory, as ss shows them.
func (d *decoder) decodeNetlink(b []byte) (*stack.Socket, error) {
	if len(b) < netlinkDiagMsgLen {
		return nil, fmt.Errorf("%w: netlink_diag_msg of %d bytes", errShortMessage, len(b))
	}
	s := d.reset()
	s.Table = stack.TableNetlink
	s.Family = b[0]
	s.State = stack.StateClose
	s.Local.Proto = uint16(b[2])
	s.Local.PortID = int32(ne.Uint32(b[4:]))
	n := &d.netlink
	*n = stack.NetlinkInfo{
		DstPortID: int32(ne.Uint32(b[8:])),
		DstGroup:  ne.Uint32(b[12:]),
		Connected: b[3] == netlinkConnected,
	}
	s.Netlink = n
	if n.Connected {
		s.Peer.Proto = s.Local.Proto
		s.Peer.PortID = n.DstPortID
		s.Peer.Groups = n.DstGroup
	}
	s.Inode = ne.Uint32(b[16:])
	s.Cookie = cookie(b, 20)

	ad := newAttrDecoder(b[netlinkDiagMsgLen:])
	for ad.Next() {
		switch ad.Type() {
		case netlinkDiagMeminfo:
			s.SkMem = d.decodeSkMem(ad.Bytes())
			s.RecvQ, s.SendQ = s.SkMem.RMemAlloc, s.SkMem.WMemAlloc
		case netlinkDiagGroups:
			s.Local.Groups = ad.Uint32() // the first 32 groups, as ss shows
		case netlinkDiagFlags:
			n.Flags, n.HasFlags = ad.Uint32(), true
		}
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("netlink_diag_msg: %w", err)
	}
	return s, nil
}
