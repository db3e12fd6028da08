package nstat

import "math"

// Averager is the daemon's moving average of counter rates, with nstat's
// parameters in milliseconds and its int arithmetic.
type Averager struct {
	ScanMS      int32   // the sampling interval (-d SECS, times 1000)
	TimeConstMS int32   // the time constant (-t SECS, 60 by default, times 1000)
	W           float64 // the weight of a sample taken after ScanMS
}

// NewAverager returns the averager for a sampling interval and a time
// constant: a sample taken one interval after the last weighs
// 1 - 10^(-scan/timeConst), so that a step decays to a tenth of itself in
// timeConst.
func NewAverager(scanMS, timeConstMS int32) Averager {
	w := 1 - 1/math.Exp(math.Log(10)*float64(scanMS)/float64(timeConstMS))
	return Averager{ScanMS: scanMS, TimeConstMS: timeConstMS, W: w}
}

// Update folds a new reading of the counters into db, intervalMS after the
// last one, as nstat's update_db does, and returns db. Each counter takes
// its new value, and its rate moves towards the rate over the interval: by
// W after a full interval or more; after a shorter one of at least a
// second, by W scaled by the fraction of the interval, or all the way
// once the interval reaches the time constant. Counters are looked up in
// fresh forward from the last one found; counters fresh has and db has not
// are not added (nstat keeps the counters it started with), and counters
// db has and fresh has not keep their value.
func (a Averager) Update(db, fresh []Entry, intervalMS int32) []Entry {
	h := 0
	for i := range db {
		n := &db[i]
		for k := h; k < len(fresh); k++ {
			if fresh[k].Name != n.Name {
				continue
			}
			incr := fresh[k].Value - n.Value
			n.Value = fresh[k].Value
			sample := float64(incr) * 1000.0 / float64(intervalMS)
			switch {
			case intervalMS >= a.ScanMS:
				n.Rate += float64(a.W * (sample - n.Rate))
			case intervalMS >= 1000:
				if intervalMS >= a.TimeConstMS {
					n.Rate = sample
				} else {
					w := float64(a.W * float64(intervalMS) / float64(a.ScanMS))
					n.Rate += float64(w * (sample - n.Rate))
				}
			}
			h = k + 1
			break
		}
	}
	return db
}
