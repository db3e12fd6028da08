package cc

// Counters are the MIB counters congestion control increments, named after
// their nstat names. The engine points State.Counters at the host's copy.
type Counters struct {
	// HystartTrainDetect is TcpExtTCPHystartTrainDetect: incremented when
	// HyStart's ACK-train test ends slow start.
	HystartTrainDetect uint64
	// HystartTrainCwnd is TcpExtTCPHystartTrainCwnd: the cwnd at which
	// the ACK-train test ended slow start, summed over detections.
	HystartTrainCwnd uint64
	// HystartDelayDetect is TcpExtTCPHystartDelayDetect: incremented when
	// HyStart's delay-increase test ends slow start.
	HystartDelayDetect uint64
	// HystartDelayCwnd is TcpExtTCPHystartDelayCwnd: the cwnd at which
	// the delay test ended slow start, summed over detections.
	HystartDelayCwnd uint64
}
