package cc

// HyStart (hybrid slow start, in tcp_cubic.c) ends slow start before the
// first loss, setting ssthresh to the current cwnd, when either
//   - the ACK train: ACKs arriving back to back (no gap above
//     hystart_ack_delta_us) span more than half the minimum RTT since the
//     round began, so the pipe is full; or
//   - the delay increase: the smallest of a round's first RTT samples
//     exceeds the minimum RTT by delay_min/8, clamped to [4 ms, 16 ms],
//     so a queue is building.
// A round starts when an ACK passes the SndNxt recorded at the previous
// round's start, that is, about once per RTT.

// hystartReset is bictcp_hystart_reset: start a new round now.
func (c *Cubic) hystartReset(s *State) {
	now := uint32(s.NowUs)
	c.roundStartUs = now
	c.lastAckUs = now
	c.endSeq = s.SndNxt
	c.currRTTUs = ^uint32(0)
	c.sampleCnt = 0
}

// hystartAckDelay is hystart_ack_delay: the time one GSO burst of 4
// maximum-sized packets takes at the pacing rate, capped at 1 ms, to
// allow for TSO/GRO batching on short paths. 0 without a pacing rate.
func hystartAckDelay(s *State) uint32 {
	if s.PacingRate == 0 {
		return 0
	}
	d := uint64(s.GSOMaxSize) * 4 * 1000000 / s.PacingRate
	return uint32(min(d, 1000))
}

// hystartUpdate is hystart_update, for one RTT sample in slow start.
func (c *Cubic) hystartUpdate(s *State, delay uint32) {
	p := &c.cfg.Params
	if after(s.SndUna, c.endSeq) {
		c.hystartReset(s)
	}
	if s.Cwnd < p.HystartLowWindow {
		return
	}

	if p.HystartDetect&HystartAckTrain != 0 {
		now := uint32(s.NowUs)
		if int32(now-c.lastAckUs) <= int32(p.HystartAckDeltaUs) {
			c.lastAckUs = now
			threshold := c.delayMinUs + hystartAckDelay(s)
			// Without pacing the train must span half the minimum RTT;
			// pacing may have spread a slow-start burst over RTT/2.
			if !s.Paced {
				threshold >>= 1
			}
			// Linux compares this span unsigned (s32 against u32).
			if now-c.roundStartUs > threshold {
				c.found = true
				if m := s.Counters; m != nil {
					m.HystartTrainDetect++
					m.HystartTrainCwnd += uint64(s.Cwnd)
				}
				s.SSThresh = s.Cwnd
			}
		}
	}

	if p.HystartDetect&HystartDelay != 0 {
		if c.currRTTUs > delay {
			c.currRTTUs = delay
		}
		if c.sampleCnt < HystartMinSamples {
			c.sampleCnt++
		} else if c.currRTTUs > c.delayMinUs+hystartDelayThresh(c.delayMinUs>>3) {
			c.found = true
			if m := s.Counters; m != nil {
				m.HystartDelayDetect++
				m.HystartDelayCwnd += uint64(s.Cwnd)
			}
			s.SSThresh = s.Cwnd
		}
	}
}

// hystartDelayThresh is HYSTART_DELAY_THRESH: x clamped to [4 ms, 16 ms].
func hystartDelayThresh(x uint32) uint32 {
	return min(max(x, HystartDelayMinUs), HystartDelayMaxUs)
}
