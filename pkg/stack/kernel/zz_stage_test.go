package kernel

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func zzCPU() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZStages(t *testing.T) {
	runtime.LockOSThread()
	names := []string{"readfile", "parse", "layout", "load+iter", "read", "build"}
	res := make([][]time.Duration, len(names))
	for range 9 {
		var c [7]time.Duration
		c[0] = zzCPU()
		c[1] = zzCPU()
		c[2] = zzCPU()
		l, _ := procsKernelLayout()
		c[3] = zzCPU()
		prog, err := procsBPFLoad(l, nil)
		if err != nil {
			t.Fatal(err)
		}
		la := bpfLinkCreateAttr{progFD: uint32(prog), attachType: unix.BPF_TRACE_ITER}
		link, _ := bpfSysLink(&la)
		ia := bpfIterCreateAttr{linkFD: uint32(link)}
		iter, _ := bpfSysIter(&ia)
		unix.Close(prog)
		unix.Close(link)
		c[4] = zzCPU()
		s := &procsScan{ctx: context.Background()}
		groups, err := s.procsBPFRead(iter)
		unix.Close(iter)
		c[5] = zzCPU()
		var procs [][]procsTask
		for _, g := range groups {
			if g.tid == g.tgid {
				procs = append(procs, []procsTask{{pid: g.tgid, tid: g.tid, parts: [][]procsSock{g.socks}}})
			}
		}
		procsBuildTable(procs, false)
		c[6] = zzCPU()
		for i := range names {
			res[i] = append(res[i], c[i+1]-c[i])
		}
	}
	for i, n := range names {
		slices.Sort(res[i])
		t.Logf("%-10s %v", n, res[i][len(res[i])/2])
	}
}

func bpfSysLink(a *bpfLinkCreateAttr) (int, error) {
	return bpfSys(unix.BPF_LINK_CREATE, unsafePtr(a), 24+8)
}
func bpfSysIter(a *bpfIterCreateAttr) (int, error) {
	return bpfSys(unix.BPF_ITER_CREATE, unsafePtr(a), 8)
}
