package tune

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/gobuild"
	"github.com/stackbox/stackbox/internal/testns"
	"github.com/stackbox/stackbox/pkg/tune"
)

// TestCrashMidApply runs the built binary's apply in a test namespace,
// kills it with SIGKILL after two of its changes, and checks that
// `tune rollback` restores every value.
func TestCrashMidApply(t *testing.T) {
	ns := testns.New(t)
	ns.AddVethPair("va", "vb")
	bin := gobuild.Build(t, t.TempDir(), "stackbox", ".")
	dir := t.TempDir()
	profile := filepath.Join(t.TempDir(), "crash.conf")
	if err := os.WriteFile(profile, []byte(`[sysctl]
net.core.somaxconn = 23456
net.ipv4.tcp_fin_timeout = 19
net.ipv4.ip_local_port_range = 21000 41000
net.ipv4.tcp_syn_retries = 4
[nic va]
offload.gro = on
`), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := tune.NewHost(ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	snap := func() string {
		var b strings.Builder
		for _, k := range tune.Knobs {
			v, _ := h.Sysctl(k.Name)
			b.WriteString(k.Name + "=" + v + "\n")
		}
		d, _, err := h.NIC("va")
		if err != nil {
			t.Fatal(err)
		}
		ps, err := tune.ReadNIC(d, tune.GroupOffload)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			b.WriteString(p.Name + "=" + p.Value + "\n")
		}
		return b.String()
	}
	before := snap()
	env := append(os.Environ(), "STACKBOX_TUNE_DIR="+dir, "STACKBOX_TUNE_TEST_STEP_DELAY=400ms")
	cmd := exec.Command(bin, "tune", "--netns", ns.Name, "apply", profile)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "netns-"+ns.Name, "000001.journal")
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(journal)
		if strings.Contains(string(b), `{"done":1}`) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the apply never finished its second change; journal:\n%s\noutput:\n%s", b, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	mid := snap()
	if mid == before {
		t.Fatal("nothing changed before the kill")
	}
	if !strings.Contains(mid, "net.core.somaxconn=23456") {
		t.Errorf("somaxconn not changed before the kill:\n%s", mid)
	}
	b, _ := os.ReadFile(journal)
	if strings.Contains(string(b), `"applied"`) {
		t.Fatalf("the apply finished before the kill:\n%s", b)
	}
	rb := exec.Command(bin, "tune", "--netns", ns.Name, "rollback")
	rb.Env = env
	rout, err := rb.CombinedOutput()
	if err != nil {
		t.Fatalf("rollback: %v\n%s", err, rout)
	}
	t.Logf("journal after the kill:\n%srollback:\n%s", b, rout)
	if after := snap(); after != before {
		t.Errorf("rollback after kill -9 did not restore everything:\nbefore\n%s\nafter\n%s", before, after)
	}
	// Nothing left to roll back.
	rb = exec.Command(bin, "tune", "--netns", ns.Name, "rollback")
	rb.Env = env
	if o, err := rb.CombinedOutput(); err == nil || !strings.Contains(string(o), "nothing to roll back") {
		t.Errorf("second rollback: %v %s", err, o)
	}
}
