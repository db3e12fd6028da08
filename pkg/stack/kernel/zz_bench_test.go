package kernel

import "testing"

func BenchmarkZZLayout(b *testing.B) {
	for b.Loop() {
		if _, err := procsKernelLayout(); err != nil {
			b.Fatal(err)
		}
	}
}
