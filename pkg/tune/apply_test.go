package tune

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testProfile = `[sysctl]
net.core.somaxconn = >8192
net.ipv4.tcp_rmem = >4096 87380 16777216
net.ipv4.tcp_fin_timeout = <30
net.ipv4.tcp_nosuchknob = 1
net.core.netdev_max_backlog = 5000
net.ipv4.tcp_syn_retries = 6
`

func TestPlanApplyVerifyRollback(t *testing.T) {
	f := newFake()
	before := f.snapshot()
	p := mustParse(testProfile)
	items, err := Plan(f, p)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, string(it.Status)+" "+it.Name+" "+it.Current+" -> "+it.Want)
	}
	want := []string{
		"change net.core.somaxconn 4096 -> 8192",
		"change net.ipv4.tcp_rmem 4096 131072 6291456 -> 4096 131072 16777216",
		"change net.ipv4.tcp_fin_timeout 60 -> 30",
		"missing net.ipv4.tcp_nosuchknob  -> 1",
		"change net.core.netdev_max_backlog 1000 -> 5000",
		"ok net.ipv4.tcp_syn_retries 6 -> 6",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, ok, _ := Verify(f, p); ok {
		t.Error("verify passed before apply")
	}
	dir := t.TempDir()
	res, err := Apply(f, items, ApplyOptions{Dir: dir, Profile: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outcomes) != 4 || res.Journal == "" {
		t.Fatalf("outcomes %+v journal %q", res.Outcomes, res.Journal)
	}
	checks, ok, _ := Verify(f, p)
	if !ok {
		t.Errorf("verify after apply failed: %+v", checks)
	}
	// A second apply stacks a second journal; two rollbacks undo both.
	f.vals["net.core.somaxconn"] = "100"
	items2, _ := Plan(f, p)
	if _, err := Apply(f, items2, ApplyOptions{Dir: dir, Profile: "again"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Rollback(f, dir, false); err != nil {
		t.Fatal(err)
	}
	if f.vals["net.core.somaxconn"] != "100" {
		t.Errorf("first rollback: somaxconn %s, want 100", f.vals["net.core.somaxconn"])
	}
	f.vals["net.core.somaxconn"] = "8192"
	if _, err := Rollback(f, dir, false); err != nil {
		t.Fatal(err)
	}
	if after := f.snapshot(); after != before {
		t.Errorf("rollback did not restore:\n%s\nwant\n%s", after, before)
	}
	if _, err := Rollback(f, dir, false); !errors.Is(err, ErrNoJournal) {
		t.Errorf("third rollback: %v, want ErrNoJournal", err)
	}
}

func TestApplyFailureRollsBack(t *testing.T) {
	f := newFake()
	before := f.snapshot()
	f.refuse["net.ipv4.tcp_fin_timeout"] = true
	items, _ := Plan(f, mustParse(testProfile))
	dir := t.TempDir()
	res, err := Apply(f, items, ApplyOptions{Dir: dir})
	var ae *ApplyError
	if !errors.As(err, &ae) || ae.Failed.Name != "net.ipv4.tcp_fin_timeout" || len(ae.RollbackErrs) != 0 {
		t.Fatalf("apply: %v, want an ApplyError at tcp_fin_timeout", err)
	}
	if after := f.snapshot(); after != before {
		t.Errorf("not rolled back:\n%s\nwant\n%s", after, before)
	}
	var results []string
	for _, o := range res.Outcomes {
		results = append(results, o.Result)
	}
	if strings.Join(results, ",") != "rolled back,rolled back,failed,not attempted" {
		t.Errorf("outcomes %v", results)
	}
	if js, _ := journals(filepath.Join(dir, "fake")); len(js) != 0 {
		t.Errorf("a rolled-back apply left a live journal: %v", js)
	}
}

func TestNamespaceRefusesGlobalKnobs(t *testing.T) {
	f := newFake()
	f.ns = true
	items, _ := Plan(f, mustParse("[sysctl]\nnet.core.netdev_max_backlog = 5000\nfs.file-max = 2000000\nnet.core.somaxconn = 5000\n"))
	var st []string
	for _, it := range items {
		st = append(st, string(it.Status))
	}
	if strings.Join(st, ",") != "skipped,skipped,change" {
		t.Fatalf("statuses %v", st)
	}
	if _, err := Apply(f, items, ApplyOptions{Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.writes, ",") != "net.core.somaxconn=5000" {
		t.Errorf("writes %v", f.writes)
	}
	// And the target itself refuses, whatever the caller does.
	if err := f.SetSysctl("fs.file-max", "1"); !errors.Is(err, ErrNotPerNetns) {
		t.Errorf("fs.file-max written in a namespace: %v", err)
	}
}

func TestApplyNeedsRoot(t *testing.T) {
	f := newFake()
	f.root = false
	items, _ := Plan(f, mustParse(testProfile))
	dir := t.TempDir()
	if _, err := Apply(f, items, ApplyOptions{Dir: dir}); !errors.Is(err, ErrNotRoot) {
		t.Errorf("apply without root: %v", err)
	}
	if len(f.writes) != 0 {
		t.Errorf("writes without root: %v", f.writes)
	}
}

// A crash after change 1 began: the journal says changes 0 and 1 may
// have been made; rollback restores them and leaves change 2 alone.
func TestRollbackAfterCrash(t *testing.T) {
	f := newFake()
	before := f.snapshot()
	items, _ := Plan(f, mustParse(testProfile))
	dir := t.TempDir()
	crash := errors.New("crash")
	func() {
		defer func() { _ = recover() }()
		_, _ = Apply(f, items, ApplyOptions{Dir: dir, BeforeChange: func(i int) {
			if i == 2 {
				panic(crash)
			}
		}})
	}()
	js, _ := journals(filepath.Join(dir, "fake"))
	if len(js) != 1 {
		t.Fatalf("journals %v", js)
	}
	s, err := ReadJournal(js[0].path)
	if err != nil {
		t.Fatal(err)
	}
	if s.State != "" || len(s.Pending()) != 3 {
		t.Errorf("state %q pending %v", s.State, s.Pending())
	}
	// A torn last line, as a crash while appending leaves it.
	fh, _ := os.OpenFile(js[0].path, os.O_WRONLY|os.O_APPEND, 0)
	fh.WriteString(`{"don`)
	fh.Close()
	// The change of step 2 was never made; make something else differ
	// to check that only journalled changes are restored.
	f.vals["net.ipv4.tcp_syn_retries"] = "3"
	if _, err := Rollback(f, dir, false); err != nil {
		t.Fatal(err)
	}
	f.vals["net.ipv4.tcp_syn_retries"] = "6"
	if after := f.snapshot(); after != before {
		t.Errorf("rollback after crash:\n%s\nwant\n%s", after, before)
	}
}

func TestParseJournalErrors(t *testing.T) {
	h := `{"version":1,"target":"x","profile":"p","created":"2024-01-01T00:00:00Z","pid":1,"entries":[{"kind":"sysctl","name":"a.b","old":"1","new":"2"}]}` + "\n"
	for _, c := range []struct{ data, want string }{
		{"", "no complete header"},
		{h[:40], "no complete header"},
		{h + `{"begin":5}` + "\n", "out of range"},
		{h + `{"bogus":1}` + "\n", "unknown mark"},
		{h + "garbage\n" + `{"begin":0}` + "\n", "invalid character"},
		{strings.Replace(h, `"version":1`, `"version":2`, 1), "version 2"},
		{strings.Replace(h, `"name":"a.b"`, `"name":"../x"`, 1), "bad setting"},
	} {
		if _, err := parseJournal("j", []byte(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.data, err, c.want)
		}
	}
	s, err := parseJournal("j", []byte(h+`{"begin":0}`+"\n"+`{"done":0}`+"\n"+`{"state":"applied"}`+"\n"))
	if err != nil || s.State != "applied" || !s.Done[0] || len(s.Pending()) != 1 {
		t.Errorf("%+v %v", s, err)
	}
}
