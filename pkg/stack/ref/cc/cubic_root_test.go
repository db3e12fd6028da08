package cc

import (
	"math"
	"testing"
)

// Values worked through Linux's cubic_root by hand.
func TestCubicRootKnownValues(t *testing.T) {
	for _, tc := range []struct {
		a    uint64
		want uint32
		why  string
	}{
		{0, 0, "(0+35)>>6 = 0"},
		{1, 1, "(54+35)>>6 = 89>>6 = 1"},
		{8, 2, "(123+35)>>6 = 158>>6 = 2"},
		{27, 3, "(190+35)>>6 = 225>>6 = 3"},
		{63, 4, "(254+35)>>6 = 289>>6 = 4; cbrt(63) = 3.98"},
		// fls=7, k=(7*84>>8)-1=1, m=64>>3=8, x=((123+10)<<1)>>6=4,
		// Newton: 2*4 + 64/(4*3) = 8+5 = 13, 13*341>>10 = 4.
		{64, 4, "exact cube"},
		// K for W_max-cwnd = 30 with Linux's defaults: a = cube_factor*30 =
		// (2^40/410)*30 = 2681735677*30 = 80452070310. fls=37,
		// k=(37*84>>8)-1 = 11, m = a>>33 = 9, x = ((129+10)<<11)>>6 = 4448,
		// a/(4448*4447) = 4067, (2*4448+4067)*341>>10 = 12963*341>>10 = 4316.
		// True cbrt = 4316.97 (4.216 s).
		{80452070310, 4316, "K for a 30-segment drop"},
	} {
		if got := cubicRoot(tc.a); got != tc.want {
			t.Errorf("cubicRoot(%d) = %d, want %d (%s)", tc.a, got, tc.want, tc.why)
		}
	}
}

// Linux states an average error of about 0.195% for cubic_root. CUBIC
// calls it with cube_factor (2^40/410, about 2^31.3) times a window drop
// of 1 to 10^6 segments: over 2^31..2^52 check the mean and the worst
// relative error against math.Cbrt. Below that the result is a small
// integer and truncation dominates: check it is within 1 (+0.2%) of the root.
func TestCubicRootAccuracy(t *testing.T) {
	var sum, worst float64
	n := 0
	for a := uint64(1) << 31; a < 1<<52; a += a/211 + 1 {
		got := float64(cubicRoot(a))
		want := math.Cbrt(float64(a))
		e := math.Abs(got-want) / want
		sum += e
		worst = max(worst, e)
		n++
	}
	mean := sum / float64(n)
	t.Logf("2^31..2^52, %d samples: mean relative error %.4f%%, worst %.4f%%", n, mean*100, worst*100)
	if mean > 0.00195 {
		t.Errorf("mean relative error %.4f%%, want below 0.195%%", mean*100)
	}
	if worst > 0.002 {
		t.Errorf("worst relative error %.4f%%, want below 0.2%%", worst*100)
	}
	for a := uint64(0); a < 1<<31; a += a/1009 + 1 {
		got := float64(cubicRoot(a))
		want := math.Cbrt(float64(a))
		if math.Abs(got-want) > 1+0.002*want {
			t.Fatalf("cubicRoot(%d) = %v, want within 1+0.2%% of %v", a, got, want)
		}
	}
}

func TestCubicRootNoPanic(t *testing.T) {
	for _, a := range []uint64{0, 1, 63, 64, 65, 1<<32 - 1, 1 << 32, 1<<63 - 1, 1 << 63, math.MaxUint64} {
		_ = cubicRoot(a)
	}
	for a := uint64(0); a < 1<<16; a++ {
		_ = cubicRoot(a)
	}
}
