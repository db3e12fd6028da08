package kernel

import (
	"context"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func zzOldProgram(l procsBPFLayout) []bpfInsn {
	const out = 26
	return []bpfInsn{
		{code: bpfMovReg, dst: 6, src: bpfRegCtx},
		bpfLdx(8, 7, 6, l.ctxFile),
		{code: bpfJeqImm, dst: 7, off: out - 3},
		bpfLdx(8, 8, 6, l.ctxTask),
		{code: bpfJeqImm, dst: 8, off: out - 5},
		bpfLdx(8, 2, 7, l.fileInode),
		bpfLdx(2, 3, 2, l.inodeMode),
		{code: bpfAndImm, dst: 3, imm: sIFMT},
		{code: bpfJneImm, dst: 3, off: out - 9, imm: sIFSOCK},
		bpfLdx(8, 3, 2, l.inodeSB),
		bpfLdx(l.magicSize, 3, 3, l.sbMagic),
		{code: bpfJneImm, dst: 3, off: out - 12, imm: unix.SOCKFS_MAGIC},
		bpfLdx(l.inoSize, 3, 2, l.inodeIno),
		{code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot},
		bpfLdx(4, 3, 8, l.taskTGID),
		{code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot + 4},
		bpfLdx(4, 3, 8, l.taskPID),
		{code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot + 8},
		bpfLdx(4, 3, 6, l.ctxFD),
		{code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot + 12},
		bpfLdx(8, 1, 6, l.ctxMeta),
		bpfLdx(8, 1, 1, l.metaSeq),
		{code: bpfMovReg, dst: 2, src: bpfRegFP},
		{code: bpfAddImm, dst: 2, imm: bpfRecSlot},
		{code: bpfMovImm, dst: 3, imm: procsRecLen},
		{code: bpfCall, imm: bpfFuncSeqWrite},
		{code: bpfMovImm, dst: 0, imm: 0},
		{code: bpfExit},
	}
}

func zzLoad(t *testing.T, p []bpfInsn, l procsBPFLayout) int {
	insns := bpfEncode(p)
	license := []byte(procsBPFLicense + "\x00")
	attr := bpfProgLoadAttr{progType: unix.BPF_PROG_TYPE_TRACING, insnCnt: uint32(len(p)),
		insns: uint64(uintptr(unsafe.Pointer(&insns[0]))), license: uint64(uintptr(unsafe.Pointer(&license[0]))),
		expectedAttachType: unix.BPF_TRACE_ITER, attachBTFID: l.attachID}
	fd, err := bpfSys(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	if err != nil {
		t.Fatal(err)
	}
	return fd
}

func TestZZAB(t *testing.T) {
	runtime.LockOSThread()
	raw, _ := os.ReadFile(procsBTFPath)
	b, _ := procsParseBTF(raw)
	l, _ := procsBPFLayoutOf(b)
	progs := []int{zzLoad(t, zzOldProgram(l), l), zzLoad(t, l.program(), l)}
	res := make([][]time.Duration, 2)
	cnt := make([]int, 2)
	for r := range 15 {
		for i := range 2 {
			k := (i + r) % 2
			c0 := zzCPU()
			la := bpfLinkCreateAttr{progFD: uint32(progs[k]), attachType: unix.BPF_TRACE_ITER}
			link, _ := bpfSysLink(&la)
			ia := bpfIterCreateAttr{linkFD: uint32(link)}
			iter, _ := bpfSysIter(&ia)
			unix.Close(link)
			s := &procsScan{ctx: context.Background()}
			groups, err := s.procsBPFRead(iter)
			if err != nil {
				t.Fatal(err)
			}
			unix.Close(iter)
			res[k] = append(res[k], zzCPU()-c0)
			n := 0
			for _, g := range groups {
				n += len(g.socks)
			}
			cnt[k] = n
		}
	}
	for k := range 2 {
		slices.Sort(res[k])
		t.Logf("prog %d: median %v min %v n=%d", k, res[k][len(res[k])/2], res[k][0], cnt[k])
	}
}
