package cc

// Cubic is one connection's CUBIC (net/ipv4/tcp_cubic.c, "cubic", Linux's
// default): after a loss the window follows W(t) = C*(t-K)^3 + W_max,
// concave up to the previous maximum W_max and convex beyond it, never
// slower than an emulated Reno flow, with HyStart ending slow start early.
// Create it with NewCubic or New("cubic").
type Cubic struct {
	cfg *CubicConfig

	// Linux's struct bictcp. Times are in jiffies unless marked Us.
	cnt          uint32 // segments ACKed per one-segment cwnd increase
	lastMaxCwnd  uint32 // W_max: cwnd at the last loss (fast convergence may lower it)
	lastCwnd     uint32 // cwnd when cnt was last computed
	lastTime     uint32 // when cnt was last computed
	originPoint  uint32 // the cubic curve's plateau (W_max, or cwnd if above it)
	k            uint32 // time from epoch start to the plateau, in 1/1024 s
	delayMinUs   uint32 // smallest RTT seen
	epochStart   uint32 // start of the current congestion-avoidance epoch; 0 = none
	ackCnt       uint32 // segments ACKed, for the Reno emulation
	tcpCwnd      uint32 // the emulated Reno window
	sampleCnt    uint8  // RTT samples taken this round (HyStart delay test)
	found        bool   // HyStart has ended slow start
	roundStartUs uint32 // when the current HyStart round began
	endSeq       uint32 // SndNxt when the round began; the round ends past it
	lastAckUs    uint32 // last ACK of the current ACK train
	currRTTUs    uint32 // smallest RTT sample of this round
}

// NewCubic returns a CUBIC instance using cfg (nil means Linux's defaults).
func NewCubic(cfg *CubicConfig) *Cubic {
	if cfg == nil {
		cfg = defaultCubic
	}
	return &Cubic{cfg: cfg}
}

// Name returns "cubic".
func (*Cubic) Name() string { return "cubic" }

// reset is bictcp_reset: forget the curve, W_max, delay_min and the
// HyStart verdict (but not the HyStart round).
func (c *Cubic) reset() {
	c.cnt, c.lastMaxCwnd, c.lastCwnd, c.lastTime = 0, 0, 0, 0
	c.originPoint, c.k, c.delayMinUs, c.epochStart = 0, 0, 0, 0
	c.ackCnt, c.tcpCwnd = 0, 0
	c.found = false
}

// Init is cubictcp_init: reset, start a HyStart round, and apply
// initial_ssthresh when HyStart is off.
func (c *Cubic) Init(s *State) {
	c.reset()
	p := &c.cfg.Params
	if p.Hystart {
		c.hystartReset(s)
	}
	if !p.Hystart && p.InitialSSThresh != 0 {
		s.SSThresh = p.InitialSSThresh
	}
}

// CwndEvent is cubictcp_cwnd_event: on EventTxStart after an idle period,
// the epoch start moves forward by the idle time so that the window
// resumes the curve where it left it instead of jumping ahead.
func (c *Cubic) CwndEvent(s *State, ev Event) {
	if ev != EventTxStart {
		return
	}
	now := s.Jiffies
	delta := int32(now - s.LSndTime)
	if c.epochStart != 0 && delta > 0 {
		c.epochStart += uint32(delta)
		if after(c.epochStart, now) {
			c.epochStart = now
		}
	}
}

// CongAvoid is cubictcp_cong_avoid: slow start below ssthresh, then grow
// towards the cubic (or Reno-emulation) target.
func (c *Cubic) CongAvoid(s *State, _, acked uint32) {
	if !s.CwndLimited() {
		return
	}
	if s.InSlowStart() {
		acked = s.SlowStart(acked)
		if acked == 0 {
			return
		}
	}
	c.update(s, s.Cwnd, acked)
	s.CongAvoidAI(c.cnt, acked)
}

// update is bictcp_update: recompute cnt, the number of ACKed segments per
// one-segment increase, so that cwnd reaches the curve's value one
// delay_min from now.
func (c *Cubic) update(s *State, cwnd, acked uint32) {
	hz := s.hz()
	now := s.Jiffies
	c.ackCnt += acked

	if c.lastCwnd == cwnd && int32(now-c.lastTime) <= int32(hz/32) {
		return
	}
	// cnt is recomputed at most once per jiffy; a window reduction zeroes
	// epochStart, which forces it.
	if c.epochStart == 0 || now != c.lastTime {
		c.lastCwnd = cwnd
		c.lastTime = now
		if c.epochStart == 0 {
			c.epochStart = now
			c.ackCnt = acked
			c.tcpCwnd = cwnd
			if c.lastMaxCwnd <= cwnd {
				c.k = 0
				c.originPoint = cwnd
			} else {
				// K = cbrt((W_max - cwnd) / C), in 1/1024 s.
				c.k = cubicRoot(c.cfg.cubeFactor * uint64(c.lastMaxCwnd-cwnd))
				c.originPoint = c.lastMaxCwnd
			}
		}

		// t: time since the epoch began, plus delay_min, in 1/1024 s.
		t := uint64(int64(int32(now - c.epochStart)))
		t += uint64(usecsToJiffies(c.delayMinUs, hz))
		t = (t << bicHZShift) / uint64(hz)

		var offs uint64
		if t < uint64(c.k) {
			offs = uint64(c.k) - t
		} else {
			offs = t - uint64(c.k)
		}
		// C*|t-K|^3 in segments.
		delta := uint32((uint64(c.cfg.cubeRTTScale) * offs * offs * offs) >> (10 + 3*bicHZShift))
		var target uint32
		if t < uint64(c.k) {
			target = c.originPoint - delta
		} else {
			target = c.originPoint + delta
		}

		if target > cwnd {
			c.cnt = cwnd / (target - cwnd)
		} else {
			c.cnt = 100 * cwnd // far above the curve: grow very slowly
		}
		// Before any loss, grow at least 5% per RTT.
		if c.lastMaxCwnd == 0 && c.cnt > 20 {
			c.cnt = 20
		}
	}

	if c.cfg.Params.TCPFriendliness {
		// The emulated Reno window grows by one per cwnd*betaScale/8 ACKed
		// segments, the rate of a Reno flow with CUBIC's beta.
		per := (cwnd * c.cfg.betaScale) >> 3
		if per > 0 && c.ackCnt > per {
			n := (c.ackCnt - 1) / per
			c.ackCnt -= n * per
			c.tcpCwnd += n
		}
		if c.tcpCwnd > cwnd {
			maxCnt := cwnd / (c.tcpCwnd - cwnd)
			if c.cnt > maxCnt {
				c.cnt = maxCnt
			}
		}
	}
	// At most one segment per two ACKed: cwnd grows at most 1.5x per RTT.
	c.cnt = max(c.cnt, 2)
}

// SSThresh is cubictcp_recalc_ssthresh: end the epoch, record W_max
// (lowered by fast convergence when the window did not regain the
// previous one), and return cwnd*beta/1024, at least 2.
func (c *Cubic) SSThresh(s *State) uint32 {
	p := &c.cfg.Params
	cwnd := s.Cwnd
	c.epochStart = 0
	if cwnd < c.lastMaxCwnd && p.FastConvergence {
		c.lastMaxCwnd = uint32(uint64(cwnd) * uint64(BetaScale+p.Beta) / (2 * BetaScale))
	} else {
		c.lastMaxCwnd = cwnd
	}
	return max(uint32(uint64(cwnd)*uint64(p.Beta)/BetaScale), 2)
}

// SetState is cubictcp_state: entering Loss (a retransmission timeout)
// forgets everything and starts a new HyStart round.
func (c *Cubic) SetState(s *State, newState CAState) {
	if newState == CALoss {
		c.reset()
		c.hystartReset(s)
	}
}

// UndoCwnd is tcp_reno_undo_cwnd, which CUBIC uses.
func (*Cubic) UndoCwnd(s *State) uint32 { return RenoUndoCwnd(s) }

// PktsAcked is cubictcp_acked: track delay_min and feed HyStart.
func (c *Cubic) PktsAcked(s *State, sample AckSample) {
	if sample.RTTUs < 0 {
		return
	}
	// RTT samples within a second of a window reduction are discarded.
	if c.epochStart != 0 && int32(s.Jiffies-c.epochStart) < int32(s.hz()) {
		return
	}
	delay := uint32(sample.RTTUs)
	if delay == 0 {
		delay = 1
	}
	if c.delayMinUs == 0 || c.delayMinUs > delay {
		c.delayMinUs = delay
	}
	if !c.found && s.InSlowStart() && c.cfg.Params.Hystart {
		c.hystartUpdate(s, delay)
	}
}
