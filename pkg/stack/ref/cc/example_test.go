package cc_test

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
)

// The engine's side of congestion control, in the order tcp_input.c calls
// the hooks: one connection, ten ACKs in slow start, then a fast
// retransmit.
func Example() {
	alg, err := cc.New("cubic")
	if err != nil {
		panic(err)
	}
	var mib cc.Counters
	s := cc.NewState()
	s.Counters = &mib
	s.MSS = 1448
	now := int64(1e9) // virtual time, ns
	s.SetClock(now)
	s.SndNxt = 10
	alg.Init(&s) // connection established

	for range 10 { // an ACK of one segment every 100 us, RTT 20 ms
		now += 100e3
		s.SetClock(now)
		s.SndUna++ // tcp_ack: snd_una advances
		alg.PktsAcked(&s, cc.AckSample{PktsAcked: 1, RTTUs: 20000, InFlight: s.MSS})
		s.IsCwndLimited = true // from the send side (tcp_cwnd_validate)
		alg.CongAvoid(&s, s.SndUna, 1)
	}
	fmt.Println("cwnd after 10 ACKs:", s.Cwnd)

	// Three duplicate ACKs: enter Recovery (tcp_init_cwnd_reduction).
	s.PriorCwnd, s.CwndCnt = s.Cwnd, 0
	s.SSThresh = alg.SSThresh(&s)
	alg.SetState(&s, cc.CARecovery)
	s.CAState = cc.CARecovery
	fmt.Println("ssthresh:", s.SSThresh)
	// Output:
	// cwnd after 10 ACKs: 20
	// ssthresh: 14
}
