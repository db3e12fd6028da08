package cc

import "fmt"

// CUBIC's fixed constants (net/ipv4/tcp_cubic.c).
const (
	// BetaScale is BICTCP_BETA_SCALE: Beta is in units of 1/1024.
	BetaScale = 1024
	// bicHZShift is BICTCP_HZ: CUBIC's time unit is 1/2^10 s.
	bicHZShift = 10

	// HystartAckTrain and HystartDelay are the bits of
	// CubicParams.HystartDetect (HYSTART_ACK_TRAIN, HYSTART_DELAY).
	HystartAckTrain = 0x1
	HystartDelay    = 0x2

	// HystartMinSamples is HYSTART_MIN_SAMPLES: RTT samples taken in a
	// round before the delay test runs.
	HystartMinSamples = 8
	// HystartDelayMinUs and HystartDelayMaxUs clamp the delay test's
	// threshold, delay_min/8 (HYSTART_DELAY_MIN, HYSTART_DELAY_MAX).
	HystartDelayMinUs = 4000
	HystartDelayMaxUs = 16000
)

// CubicParams are tcp_cubic's module parameters
// (/sys/module/tcp_cubic/parameters), with Linux's names in the comments.
type CubicParams struct {
	// FastConvergence (fast_convergence, default on) lowers W_max further
	// when a loss comes before the previous W_max was regained.
	FastConvergence bool
	// Beta (beta, default 717) is the multiplicative decrease factor in
	// 1/1024: ssthresh = cwnd*Beta/1024 on loss.
	Beta uint32
	// InitialSSThresh (initial_ssthresh, default 0 = unset) is the slow
	// start threshold a connection starts with when HyStart is off.
	InitialSSThresh uint32
	// BicScale (bic_scale, default 41) is the cubic coefficient C in
	// 1/1024 (41/1024*10 = 0.4 with Linux's fixed 100 ms RTT scaling).
	BicScale uint32
	// TCPFriendliness (tcp_friendliness, default on) keeps cwnd at least
	// as large as an emulated Reno flow's.
	TCPFriendliness bool
	// Hystart (hystart, default on) enables hybrid slow start.
	Hystart bool
	// HystartDetect (hystart_detect, default 3) selects the HyStart tests:
	// HystartAckTrain, HystartDelay or both.
	HystartDetect uint32
	// HystartLowWindow (hystart_low_window, default 16) is the smallest
	// cwnd at which HyStart may end slow start.
	HystartLowWindow uint32
	// HystartAckDeltaUs (hystart_ack_delta_us, default 2000) is the
	// largest gap between ACKs that still counts as one ACK train.
	HystartAckDeltaUs uint32
}

// DefaultCubicParams returns Linux's defaults for the tcp_cubic module
// parameters.
func DefaultCubicParams() CubicParams {
	return CubicParams{
		FastConvergence:   true,
		Beta:              717,
		BicScale:          41,
		TCPFriendliness:   true,
		Hystart:           true,
		HystartDetect:     HystartAckTrain | HystartDelay,
		HystartLowWindow:  16,
		HystartAckDeltaUs: 2000,
	}
}

// CubicConfig is a loaded tcp_cubic module: its parameters and the scale
// factors Linux derives from them once, at module load. Connections share
// it. Params may be changed later as Linux's writable (0644) module
// parameters can; the derived factors keep the values computed from the
// parameters given to NewCubicConfig, as in Linux.
type CubicConfig struct {
	Params CubicParams

	betaScale    uint32 // 8*(1024+beta)/3/(1024-beta): Reno emulation rate
	cubeRTTScale uint32 // bic_scale*10: C/RTT scaled by 1024, RTT fixed at 100 ms
	cubeFactor   uint64 // 2^40/(bic_scale*10): turns W_max-cwnd into K^3
}

// NewCubicConfig loads CUBIC with the given parameters. Beta must be below
// 1024 and BicScale non-zero.
func NewCubicConfig(p CubicParams) (*CubicConfig, error) {
	if p.Beta >= BetaScale {
		return nil, fmt.Errorf("cc: cubic beta %d out of range [0, %d)", p.Beta, BetaScale)
	}
	if p.BicScale == 0 || p.BicScale > 1<<28 {
		return nil, fmt.Errorf("cc: cubic bic_scale %d out of range [1, %d]", p.BicScale, 1<<28)
	}
	c := &CubicConfig{Params: p}
	c.betaScale = 8 * (BetaScale + p.Beta) / 3 / (BetaScale - p.Beta)
	c.cubeRTTScale = p.BicScale * 10
	c.cubeFactor = (uint64(1) << (10 + 3*bicHZShift)) / uint64(c.cubeRTTScale)
	return c, nil
}

// defaultCubic is CUBIC loaded with Linux's defaults; it is never modified.
var defaultCubic = mustCubicConfig(DefaultCubicParams())

func mustCubicConfig(p CubicParams) *CubicConfig {
	c, err := NewCubicConfig(p)
	if err != nil {
		panic(err)
	}
	return c
}
