package kernel

import (
	"os"
	"strings"
	"testing"
)

func TestProcsBPFProgramLoads(t *testing.T) {
	raw, err := os.ReadFile(procsBTFPath)
	if err != nil {
		t.Skipf("needs the kernel's BTF: %v", err)
	}
	b, err := procsParseBTF(raw)
	if err != nil {
		t.Fatal(err)
	}
	l, err := procsBPFLayoutOf(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("layout %+v", l)
	log := make([]byte, 1<<16)
	fd, err := procsBPFLoad(l, log)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.TrimRight(string(log), "\x00"))
	}
	t.Log(strings.TrimRight(string(log), "\x00"))
	closeFD(fd)
}

func closeFD(fd int) { _ = os.NewFile(uintptr(fd), "").Close() }
