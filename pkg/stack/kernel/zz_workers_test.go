package kernel

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func zzSelfCPU() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZWorkers(t *testing.T) {
	ctx := context.Background()
	procs := []int{1, 2}
	res := map[int][]time.Duration{}
	wall := map[int][]time.Duration{}
	for r := range 7 {
		for i := range procs {
			p := procs[(i+r)%len(procs)]
			old := runtime.GOMAXPROCS(p)
			runtime.GC()
			c0, w0 := zzSelfCPU(), time.Now()
			tbl, _, err := procsLoadMode(ctx, "/proc", false, procsProc)
			res[p] = append(res[p], zzSelfCPU()-c0)
			wall[p] = append(wall[p], time.Since(w0))
			runtime.GOMAXPROCS(old)
			if err != nil || tbl.Len() < 1000 {
				t.Fatal(err, tbl.Len())
			}
		}
	}
	for _, p := range procs {
		slices.Sort(res[p])
		slices.Sort(wall[p])
		t.Logf("GOMAXPROCS %d: cpu median %v (min %v), wall %v", p, res[p][len(res[p])/2], res[p][0], wall[p][len(wall[p])/2])
	}
}
