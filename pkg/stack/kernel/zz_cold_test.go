package kernel

import (
	"context"
	"os"
	"runtime"
	"testing"
)

func TestZZCold(t *testing.T) {
	if os.Getenv("ZZCOLD") == "" {
		t.Skip()
	}
	runtime.GOMAXPROCS(1)
	ctx := context.Background()
	modes := map[string]procsMode{"proc": procsProc, "bpf": procsBPF}
	seq := []string{"proc", "proc", "proc", "bpf", "bpf"}
	if os.Getenv("ZZCOLD") == "bpf" {
		seq = []string{"bpf", "bpf", "proc", "proc", "proc"}
	}
	out := ""
	for _, m := range seq {
		c0 := zzSelfCPU()
		tbl, _, err := procsLoadMode(ctx, "/proc", false, modes[m])
		if err != nil {
			t.Fatal(err)
		}
		out += m + " " + (zzSelfCPU() - c0).String() + " (" + itoa(tbl.Len()) + ")  "
	}
	t.Log(out)
}

func itoa(n int) string {
	return string(append([]byte{}, []byte(func() string {
		s := ""
		for n > 0 {
			s = string(rune('0'+n%10)) + s
			n /= 10
		}
		return s
	}())...))
}
