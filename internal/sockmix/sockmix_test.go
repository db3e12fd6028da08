package sockmix_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/sockmix"
	"github.com/stackbox/stackbox/internal/testns"
)

// TestBuild builds the mix in a throwaway namespace and checks with the
// installed ss that every promised kind of socket and TCP state is there.
func TestBuild(t *testing.T) {
	ns := testns.New(t)
	ss := testns.RequireTool(t, "ss")
	ns.AddVethPair("sbv0", "sbv1")
	ns.IP("addr", "add", "192.0.2.1/24", "dev", "sbv0")
	ns.IP("addr", "add", "2001:db8::1/64", "dev", "sbv0", "nodad")
	var mix *sockmix.Mix
	err := ns.Do(func() (err error) {
		mix, err = sockmix.Build(sockmix.Config{Dir: t.TempDir(), Dev: "sbv0", Dev4: "192.0.2.1", Dev6: "2001:db8::1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mix.Close)
	if err := mix.Settle(5 * time.Second); err != nil {
		t.Error(err)
	}
	for _, s := range mix.Skipped {
		t.Logf("skipped: %s", s)
	}
	out, err := exec.Command(ss, "-N", ns.Name, "-anH").CombinedOutput()
	if err != nil {
		t.Fatalf("ss: %v\n%s", err, out)
	}
	text := string(out)
	want := []string{
		"LISTEN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "TIME-WAIT",
		"0.0.0.0:22 ", "127.0.0.1:80 ", "[::]:5432 ", "*:443 ", "[::1]:8080 ", "0.0.0.0%lo:9 ",
		"[::ffff:127.0.0.1]:443 ", "127.0.0.1%lo:40011 ", "192.0.2.1%sbv0:25 ", "[2001:db8::1]:53 ",
		"udp ", "raw ", "u_str", "u_dgr", "u_seq", "p_raw", "p_dgr", "nl ",
		"@sbt-abstract-stream", "@sbt-abstract-dgram", "stream.sock", "dgram.sock", "seq.sock",
	}
	if len(mix.Skipped) == 0 {
		want = append(want, "mptcp")
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("ss output lacks %q", w)
		}
	}
	// Queues: the server end of the window-full pair holds data and the
	// client end has unsent data.
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) < 6 || f[0] != "tcp" {
			continue
		}
		switch {
		case strings.HasSuffix(f[4], ":22") && strings.HasSuffix(f[5], ":40004") && f[2] == "0":
			t.Errorf("server end of the window-full pair has an empty Recv-Q: %s", l)
		case strings.HasSuffix(f[4], ":40004") && f[3] == "0":
			t.Errorf("client end of the window-full pair has an empty Send-Q: %s", l)
		}
	}
	if t.Failed() {
		t.Logf("ss -anH:\n%s", text)
	}
}
