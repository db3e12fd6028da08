package tune

import (
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range builtinText {
		f.Add(s)
	}
	f.Add("[nic eth0]\nrings.rx = max/2\n[sysctl]\na.b = <1 2 3\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse("fuzz", []byte(text))
		if err != nil {
			return
		}
		// What parses writes back to a text that parses to the same.
		q, err := Parse("again", []byte(p.String()))
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, p.String())
		}
		if q.String() != p.String() {
			t.Fatalf("round trip differs:\n%s\n%s", p.String(), q.String())
		}
	})
}

func FuzzJournal(f *testing.F) {
	h := `{"version":1,"target":"x","profile":"p","created":"2024-01-01T00:00:00Z","pid":1,"entries":[{"kind":"sysctl","name":"a.b","old":"1","new":"2"},{"kind":"nic","dev":"eth0","group":"rings","param":"rx","old":"1","new":"2"}]}` + "\n"
	f.Add(h + `{"begin":0}` + "\n" + `{"done":0}` + "\n" + `{"begin":1}`)
	f.Add(h + `{"state":"applied"}` + "\n")
	f.Fuzz(func(t *testing.T, data string) {
		s, err := parseJournal("fuzz", []byte(data))
		if err != nil {
			return
		}
		for _, i := range s.Pending() {
			if i < 0 || i >= len(s.Entries) {
				t.Fatalf("pending %d of %d", i, len(s.Entries))
			}
		}
	})
}
