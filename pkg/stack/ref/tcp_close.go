package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
)

// setState is tcp_set_state: the state change with its counters.
func (s *TCPSocket) setState(st stack.State) {
	old := s.state
	if old == st {
		return
	}
	t := &s.h.tcp
	estab := func(x stack.State) bool { return x == stack.StateEstablished || x == stack.StateCloseWait }
	if estab(st) && !estab(old) {
		t.currEstab++
	} else if !estab(st) && estab(old) {
		t.currEstab--
	}
	if st == stack.StateClose && estab(old) {
		s.h.MIB.Inc(TcpEstabResets)
	}
	if st == stack.StateTimeWait {
		t.tw++
	} else if old == stack.StateTimeWait {
		t.tw--
	}
	s.state = st
}

// setOrphan marks the socket closed by its application (or not).
func (s *TCPSocket) setOrphan(o bool) {
	if o == s.orphan {
		return
	}
	s.orphan = o
	if o {
		s.h.tcp.orphans++
	} else {
		s.h.tcp.orphans--
	}
}

// Close closes the socket (close(2)): a listener drops its queues; a
// connection with unread data, or SO_LINGER with a zero time, is reset;
// otherwise the FIN follows the queued data and the connection closes in
// the background.
func (s *TCPSocket) Close() {
	if s.done || s.orphan {
		return
	}
	h := s.h
	if s.lst != nil {
		s.closeListener()
		return
	}
	s.Inode = 0
	switch s.state {
	case stack.StateClose:
		s.setOrphan(true)
		s.destroy()
		return
	case stack.StateSynSent:
		s.setOrphan(true)
		s.fail(nil)
		return
	}
	if s.rcvQueued > 0 {
		// Unread data: RFC 2525 says reset (TCPAbortOnClose).
		h.MIB.Inc(TcpExtTCPAbortOnClose)
		s.setOrphan(true)
		s.sendReset()
		s.destroy()
		return
	}
	if s.opt.Linger && s.opt.LingerTime == 0 {
		h.MIB.Inc(TcpExtTCPAbortOnData)
		s.setOrphan(true)
		s.sendReset()
		s.destroy()
		return
	}
	s.setOrphan(true)
	s.Shutdown()
	if s.state == stack.StateFinWait2 {
		s.finWait2Timeout()
	}
}

// Shutdown shuts the sending side down (SHUT_WR): a FIN follows the data.
func (s *TCPSocket) Shutdown() {
	if s.done || s.shutWr || s.lst != nil {
		return
	}
	switch s.state {
	case stack.StateEstablished:
		s.setState(stack.StateFinWait1)
	case stack.StateCloseWait:
		s.setState(stack.StateLastAck)
	case stack.StateSynRecv:
		s.setState(stack.StateFinWait1)
	default:
		return
	}
	s.shutWr = true
	s.pushPending(true)
}

// Abort resets the connection (SO_LINGER 0 then close, or ss -K).
func (s *TCPSocket) Abort() {
	if s.done {
		return
	}
	if s.lst != nil {
		s.closeListener()
		return
	}
	switch s.state {
	case stack.StateEstablished, stack.StateCloseWait, stack.StateFinWait1, stack.StateFinWait2,
		stack.StateSynRecv, stack.StateClosing, stack.StateLastAck:
		s.sendReset()
	}
	s.h.MIB.Inc(TcpExtTCPAbortOnClose)
	s.setOrphan(true)
	s.destroy()
}

// resetReceived handles an acceptable RST (tcp_reset).
func (s *TCPSocket) resetReceived() {
	switch s.state {
	case stack.StateSynSent:
		s.fail(errRefused)
	case stack.StateCloseWait:
		s.fail(errPipe)
	case stack.StateClose, stack.StateTimeWait:
		s.destroy()
	default:
		s.fail(errReset)
	}
}

// fail ends the connection with err (tcp_done): SYN_SENT and SYN_RECV
// count as failed attempts; the application hears of it.
func (s *TCPSocket) fail(err error) {
	if s.done {
		return
	}
	if s.state == stack.StateSynSent || s.state == stack.StateSynRecv {
		s.h.MIB.Inc(TcpAttemptFails)
	}
	if err != nil {
		s.err = err
	}
	connecting := s.state == stack.StateSynSent || s.state == stack.StateSynRecv && s.parent == nil
	if connecting {
		s.closed = true // OnConnect tells the application, not OnClose
	}
	userClosed := s.orphan
	s.destroy()
	if connecting && s.OnConnect != nil && !userClosed {
		s.OnConnect(s, s.err)
	}
}

// notifyClose tells the application the connection is gone.
func (s *TCPSocket) notifyClose() {
	if s.OnClose != nil {
		s.OnClose(s)
	}
}

// releaseBuffers frees the queues of a socket that keeps no data.
func (s *TCPSocket) releaseBuffers() {
	s.rtxq = segRing{}
	s.ofo = nil
	s.ofoBytes = 0
	s.packetsOut, s.sackedOut, s.lostOut, s.retransOut = 0, 0, 0, 0
}

// destroy takes the socket out of every table and stops its timers.
func (s *TCPSocket) destroy() {
	if s.done {
		return
	}
	notify := !s.orphan && !s.closed
	s.setState(stack.StateClose)
	s.done = true
	s.rtx.Stop()
	s.dack.Stop()
	s.ka.Stop()
	s.unhash()
	s.unlist()
	s.setOrphan(false)
	if p := s.parent; p != nil && p.lst != nil {
		p.lst.remove(s)
	}
	s.releaseBuffers()
	if notify {
		s.notifyClose()
	}
}
