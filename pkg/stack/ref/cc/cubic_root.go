package cc

import "math/bits"

// cbrtSeed holds, for each 6-bit value m, Linux's tuned estimate of
// 64*cbrt(m) (the cubic_root table in tcp_cubic.c, kept value for value
// so that K comes out exactly as the kernel computes it).
var cbrtSeed = [64]uint8{
	0, 54, 54, 54, 118, 118, 118, 118,
	123, 129, 134, 138, 143, 147, 151, 156,
	157, 161, 164, 168, 170, 173, 176, 179,
	181, 185, 187, 190, 192, 194, 197, 199,
	200, 202, 204, 206, 209, 211, 213, 215,
	217, 219, 221, 222, 224, 225, 227, 229,
	231, 232, 234, 236, 237, 239, 240, 242,
	244, 245, 246, 248, 250, 251, 252, 254,
}

// cubicRoot returns an integer approximation of the cube root of a, as
// tcp_cubic.c's cubic_root computes it (mean error about 0.2%).
//
// Write a = m * 2^(3k) with m the top bits of a (six at most). Then
// cbrt(a) = cbrt(m) * 2^k, and the table gives 64*cbrt(m) to about two
// bits, so (seed << k) >> 6 is a first guess. One Newton-Raphson step
// for f(x) = x^3 - a, x' = (2x + a/x^2) / 3, refines it; Linux divides by
// x*(x-1) rather than x^2, which biases the step slightly upwards, and
// divides by 3 as a multiply by 341/1024.
func cubicRoot(a uint64) uint32 {
	n := uint32(bits.Len64(a)) // Linux's fls64
	if n < 7 {
		// a < 64: the table alone, rounded.
		return (uint32(cbrtSeed[a]) + 35) >> 6
	}
	// k ~= n/3 - 1 (84/256 ~= 1/3), so that a >> 3k keeps 4 to 6 bits.
	k := (n*84)>>8 - 1
	m := a >> (3 * k)
	x := ((uint32(cbrtSeed[m]) + 10) << k) >> 6

	x = 2*x + uint32(a/(uint64(x)*uint64(x-1)))
	return (x * 341) >> 10
}
