package kernel

import (
	"errors"
	"fmt"
	"syscall"
)

// errDone stops a message walk at NLMSG_DONE or at the ack of a request.
var errDone = errors.New("done")

var errShortMessage = errors.New("truncated netlink message")

// walkMessages calls fn with the type and payload of every message in b,
// a buffer read from a netlink socket. It returns errDone after NLMSG_DONE
// or a positive acknowledgement, and an *Error for NLMSG_ERROR or a DONE
// carrying an error code. The payloads alias b.
func walkMessages(b []byte, op string, fn func(typ uint16, payload []byte) error) error {
	return walkMessageHeaders(b, op, func(typ, _ uint16, _ uint32, payload []byte) error { return fn(typ, payload) })
}

// walkMessageHeaders is walkMessages passing each message's flags and
// sender port ID too.
func walkMessageHeaders(b []byte, op string, fn func(typ, flags uint16, portID uint32, payload []byte) error) error {
	for len(b) > 0 {
		if len(b) < nlmsgHdrLen {
			return fmt.Errorf("%w: %d trailing bytes", errShortMessage, len(b))
		}
		l := int(ne.Uint32(b))
		if l < nlmsgHdrLen || l > len(b) {
			return fmt.Errorf("%w: length %d with %d bytes left", errShortMessage, l, len(b))
		}
		typ := ne.Uint16(b[4:])
		flags := ne.Uint16(b[6:])
		portID := ne.Uint32(b[12:])
		payload := b[nlmsgHdrLen:l]
		next := (l + 3) &^ 3
		if next > len(b) {
			next = len(b)
		}
		b = b[next:]

		switch typ {
		case nlmsgNoop:
			continue
		case nlmsgDone:
			if len(payload) >= 4 {
				if code := int32(ne.Uint32(payload)); code < 0 {
					return &Error{Op: op, Err: syscall.Errno(-code)}
				}
			}
			return errDone
		case nlmsgError:
			if len(payload) < 4 {
				return fmt.Errorf("%w: short NLMSG_ERROR", errShortMessage)
			}
			if code := int32(ne.Uint32(payload)); code < 0 {
				return &Error{Op: op, Err: syscall.Errno(-code)}
			}
			return errDone
		}
		if err := fn(typ, flags, portID, payload); err != nil {
			return err
		}
	}
	return nil
}
