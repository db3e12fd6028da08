package kernel

import (
	"os"
	"testing"
)

// BenchmarkParseCounters parses this kernel's captured counter files
// (about 390 counters) from memory.
func BenchmarkParseCounters(b *testing.B) {
	files := map[string][]byte{}
	for _, proc := range []string{"snmp", "snmp6", "netstat"} {
		data, err := os.ReadFile(procFile("testdata/proc/linux-6.18", proc))
		if err != nil {
			b.Fatal(err)
		}
		files[proc] = data
	}
	read := func(proc, name string) ([]byte, error) {
		if data, ok := files[proc]; ok {
			return data, nil
		}
		return nil, os.ErrNotExist
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readCounters(read); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSoftnet parses the captured softnet_stat.
func BenchmarkParseSoftnet(b *testing.B) {
	data, err := os.ReadFile("testdata/proc/linux-6.18/softnet_stat")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSoftnet(procSoftnet, data); err != nil {
			b.Fatal(err)
		}
	}
}
