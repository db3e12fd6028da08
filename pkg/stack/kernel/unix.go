package kernel

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/stack"
)

// unixTable is the table of a unix socket of type typ (SOCK_*).
func unixTable(typ uint8) stack.Table {
	switch typ {
	case sockStream:
		return stack.TableUnixStream
	case sockSeqpacket:
		return stack.TableUnixSeqpacket
	}
	// ss files every other type with the datagram sockets.
	return stack.TableUnixDgram
}

// unixPath is a UNIX_DIAG_NAME as ss prints it: a path ends at its first
// NUL, and an abstract name (leading NUL) has every NUL turned into '@'.
func unixPath(b []byte) string {
	if len(b) == 0 || b[0] != 0 {
		return string(cstring(b))
	}
	p := []byte(string(b))
	for i, c := range p {
		if c == 0 {
			p[i] = '@'
		}
	}
	return string(p)
}

// decodeUnix decodes a struct unix_diag_msg and its attributes. It returns
// nil (and no error) for a socket whose table is not in want, before
// decoding its attributes.
func (d *decoder) decodeUnix(want stack.TableSet, b []byte) (*stack.Socket, error) {
	if len(b) < unixDiagMsgLen {
		return nil, fmt.Errorf("%w: unix_diag_msg of %d bytes", errShortMessage, len(b))
	}
	t := unixTable(b[1])
	if !want.Has(t) {
		return nil, nil
	}
	s := d.reset()
	s.Table = t
	s.Family = b[0]
	s.State = stack.State(b[2])
	s.Inode = ne.Uint32(b[4:])
	s.Local.Inode = s.Inode
	s.Cookie = cookie(b, 8)

	ad := newAttrDecoder(b[unixDiagMsgLen:])
	for ad.Next() {
		switch ad.Type() {
		case unixDiagName:
			s.Local.Path = unixPath(ad.Bytes())
		case unixDiagVFS:
			v := ad.Bytes()
			d.vfs = stack.UnixVFS{Inode: u32at(v, 0), Dev: u32at(v, 4)}
			s.UnixVFS = &d.vfs
		case unixDiagPeer:
			s.Peer.Inode = ad.Uint32()
		case unixDiagIcons:
			v := ad.Bytes()
			d.pending = d.pending[:0]
			for i := 0; i+4 <= len(v); i += 4 {
				d.pending = append(d.pending, ne.Uint32(v[i:]))
			}
			s.UnixPending = d.pending
		case unixDiagRQLen:
			v := ad.Bytes()
			d.rqlen = [2]uint32{u32at(v, 0), u32at(v, 4)}
			s.UnixRQlen = &d.rqlen
			s.RecvQ, s.SendQ = d.rqlen[0], d.rqlen[1]
		case unixDiagMeminfo:
			s.SkMem = d.decodeSkMem(ad.Bytes())
		case unixDiagShutdown:
			s.Shutdown, s.HasShutdown = ad.Uint8(), true
		case unixDiagUID:
			s.UID = ad.Uint32()
		}
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("unix_diag_msg: %w", err)
	}
	return s, nil
}
