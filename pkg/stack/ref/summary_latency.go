package ref

import "slices"

// latencySummary computes exact statistics of samples (nanoseconds) by
// sorting a copy: percentile p is the nearest-rank sample, the smallest
// one with at least p% of the samples at or below it.
func latencySummary(samples []int64) LatencySummary {
	n := len(samples)
	if n == 0 {
		return LatencySummary{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum float64
	for _, v := range s {
		sum += float64(v)
	}
	return LatencySummary{
		Count:  uint64(n),
		MinNS:  s[0],
		P50NS:  nearestRank(s, 50),
		P90NS:  nearestRank(s, 90),
		P99NS:  nearestRank(s, 99),
		MaxNS:  s[n-1],
		MeanNS: int64(sum / float64(n)),
	}
}

// nearestRank returns the p-th percentile of sorted samples s (0 < p <=
// 100): s[ceil(p*n/100)-1].
func nearestRank(s []int64, p int) int64 {
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}
