package kernel

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkLoadProcesses scans this machine's /proc, whatever it holds:
// run bench/ss.sh or sockfill first for a large table (bench/README.md).
func BenchmarkLoadProcesses(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("needs /proc")
	}
	ctx := context.Background()
	var n int
	for b.Loop() {
		tbl, err := LoadProcesses(ctx, "/proc")
		if err != nil {
			b.Fatal(err)
		}
		n = tbl.Len()
	}
	b.ReportMetric(float64(n), "entries")
}

// procsSynthetic makes scan results like sockfill's: six processes holding
// 80,000 sockets, ten of them (the listeners) shared by all.
func procsSynthetic() [][]procsTask {
	const procs, perProc = 6, 80000 / 6
	out := make([][]procsTask, procs)
	ino := uint32(100000)
	for p := range out {
		var part []procsSock
		for l := range 10 {
			part = append(part, procsSock{ino: uint32(1000 + l), fd: int32(3 + l)})
		}
		for fd := 13; fd < perProc; fd++ {
			part = append(part, procsSock{ino: ino, fd: int32(fd)})
			ino += 3
		}
		out[p] = []procsTask{{pid: int32(1000 + p), tid: int32(1000 + p), name: "sockfill", parts: [][]procsSock{part}}}
	}
	return out
}

func BenchmarkProcsBuildTable(b *testing.B) {
	procs := procsSynthetic()
	for b.Loop() {
		procsBuildTable(procs, false)
	}
}

func BenchmarkProcessTableLookup(b *testing.B) {
	procs := procsSynthetic()
	tbl := procsBuildTable(procs, false)
	var inodes []uint32
	for _, p := range procs {
		for _, s := range p[0].parts[0] {
			inodes = append(inodes, s.ino)
		}
	}
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += len(tbl.Lookup(inodes[i%len(inodes)]))
	}
	if n == 0 {
		b.Fatal("no users found")
	}
}
