package sysctl

import (
	"errors"
	"testing"
)

// FuzzSet writes arbitrary values to every sysctl: no panic, errors wrap a
// sentinel, every value stays within its handler's range, and the value Get
// shows can be written back unchanged.
func FuzzSet(f *testing.F) {
	for i, c := range setCases {
		f.Add(uint16(index[c.name]), c.value)
		f.Add(uint16(i), c.value)
	}
	f.Add(uint16(0), "\x00")
	f.Add(uint16(3), "0x")
	f.Fuzz(func(t *testing.T, which uint16, value string) {
		tr := New()
		name := names[int(which)%len(names)]
		if err := tr.Set(name, value); err != nil && Errno(err) == 0 {
			t.Fatalf("Set(%s, %q) = %v: no sentinel", name, value, err)
		}
		for i := range table {
			d := &table[i]
			for j := 0; j < int(d.n); j++ {
				hi := d.max
				if d.ms {
					hi += msPerTick - 1
				}
				if v := tr.Int(d.slot + Knob(j)); !d.readOnly && (v < d.min || v > hi) {
					t.Fatalf("Set(%s, %q): %s = %d outside [%d, %d]", name, value, d.name, v, d.min, d.max)
				}
			}
		}
		got, err := tr.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		// Like Linux, an ms_jiffies knob may read back as 2^31, which it
		// refuses to take.
		if err := tr.Set(name, got); err != nil && !errors.Is(err, ErrReadOnly) && got != "2147483648" {
			t.Fatalf("writing back %s = %q: %v", name, got, err)
		}
		if again, _ := tr.Get(name); again != got {
			t.Fatalf("writing back %s = %q gives %q", name, got, again)
		}
	})
}
