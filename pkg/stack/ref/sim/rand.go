package sim

import (
	"math"
	"math/rand/v2"
)

// Rand is the deterministic random generator of a simulation: a PCG from
// math/rand/v2 seeded from the engine's seed, plus the draws the stack
// needs. Its zero value is not usable; get it from Engine.Rand.
type Rand struct {
	pcg rand.PCG
	std *rand.Rand
}

// pcgStream is the second PCG seed word; any fixed value works, it only has
// to stay the same so that old seeds keep giving old results.
const pcgStream = 0x5eed_57ac_b0c5_0001

func (r *Rand) init(seed uint64) {
	r.pcg.Seed(seed, pcgStream)
	r.std = rand.New(&r.pcg)
}

// Uint64 returns a uniformly distributed 64-bit value.
func (r *Rand) Uint64() uint64 { return r.pcg.Uint64() }

// Float64 returns a uniform value in [0, 1).
func (r *Rand) Float64() float64 {
	return float64(r.pcg.Uint64()>>11) * 0x1p-53
}

// Chance returns true with probability p; p <= 0 never draws and returns
// false, p >= 1 never draws and returns true.
func (r *Rand) Chance(p float64) bool {
	if p <= 0 || math.IsNaN(p) {
		return false
	}
	if p >= 1 {
		return true
	}
	return r.Float64() < p
}

// IntN returns a uniform value in [0, n); it returns 0 when n <= 0.
func (r *Rand) IntN(n int) int {
	if n <= 0 {
		return 0
	}
	return r.std.IntN(n)
}

// Uint64N returns a uniform value in [0, n); it returns 0 when n == 0.
func (r *Rand) Uint64N(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	return r.std.Uint64N(n)
}

// Uniform returns a uniform time in [lo, hi]; it returns lo when hi <= lo.
func (r *Rand) Uniform(lo, hi Time) Time {
	if hi <= lo {
		return lo
	}
	span := uint64(hi - lo)
	if span == math.MaxUint64 {
		return lo + Time(r.Uint64())
	}
	return lo + Time(r.Uint64N(span+1))
}

// ExpFloat64 returns an exponentially distributed value with mean 1.
func (r *Rand) ExpFloat64() float64 { return r.std.ExpFloat64() }

// NormFloat64 returns a normally distributed value with mean 0 and
// standard deviation 1.
func (r *Rand) NormFloat64() float64 { return r.std.NormFloat64() }

// Exp returns an exponentially distributed time with the given mean (for
// Poisson arrivals), capped at Never; a mean <= 0 gives 0.
func (r *Rand) Exp(mean Time) Time {
	if mean <= 0 {
		return 0
	}
	return clampTime(r.ExpFloat64() * float64(mean))
}

// Normal returns a normally distributed time, clamped to [0, Never].
func (r *Rand) Normal(mean, stddev Time) Time {
	return clampTime(float64(mean) + r.NormFloat64()*float64(stddev))
}

func clampTime(f float64) Time {
	switch {
	case !(f > 0): // also NaN
		return 0
	case f >= float64(Never):
		return Never
	}
	return Time(f)
}
