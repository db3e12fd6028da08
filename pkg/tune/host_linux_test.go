package tune

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
)

// nsProfile changes per-namespace sysctls and a veth's channels and
// offloads, and asks for global knobs (which must be skipped) and a knob
// no kernel has (reported).
const nsProfile = `[sysctl]
net.core.somaxconn = 12345
net.ipv4.tcp_rmem = >4096 131072 40000000
net.ipv4.tcp_fin_timeout = <17
net.ipv4.ip_local_port_range = 20000 40000
net.ipv4.tcp_congestion_control = reno
net.ipv4.tcp_nosuchknob = 1
net.core.netdev_max_backlog = 4321
fs.file-max = >99999999
[nic va]
channels.rx = max
offload.gro = on
offload.tso = off
`

// hostSnapshot reads every catalogue sysctl and the veth's channels and
// features: what an apply may change and a rollback must restore.
func hostSnapshot(t *testing.T, h *Host) string {
	t.Helper()
	var b strings.Builder
	for _, k := range Knobs {
		v, err := h.Sysctl(k.Name)
		fmt.Fprintf(&b, "%s=%s %v\n", k.Name, v, err)
	}
	d, _, err := h.NIC("va")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{GroupChannels, GroupOffload} {
		ps, err := ReadNIC(d, g)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			fmt.Fprintf(&b, "va %s.%s=%s\n", g, p.Name, p.Value)
		}
	}
	return b.String()
}

// initialValues reads global knobs from this (initial) namespace.
func initialValues(t *testing.T) string {
	var b strings.Builder
	for _, k := range Knobs {
		if !k.PerNetns {
			v, _ := os.ReadFile(procPath(k.Name))
			fmt.Fprintf(&b, "%s=%s", k.Name, v)
		}
	}
	return b.String()
}

func newNS(t *testing.T) *Host {
	ns := testns.New(t)
	ns.AddVethPair("va", "vb")
	h, err := NewHost(ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Namespaced() {
		t.Fatal("a test namespace is not seen as one")
	}
	return h
}

func TestHostApplyVerifyRollback(t *testing.T) {
	h := newNS(t)
	global := initialValues(t)
	before := hostSnapshot(t, h)
	p := mustParse(nsProfile)
	items, err := Plan(h, p)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]Status{}
	for _, it := range items {
		status[it.Label()] = it.Status
	}
	for l, want := range map[string]Status{
		"net.core.somaxconn": StatusChange, "net.ipv4.tcp_nosuchknob": StatusMissing,
		"net.core.netdev_max_backlog": StatusMissing, // global: not visible in a namespace
		"fs.file-max":                 StatusSkipped, // global, and writable from here: refused
		"va channels.rx":              StatusChange, "va offload.rx-gro": StatusChange,
	} {
		if status[l] != want {
			t.Errorf("%s: %s, want %s", l, status[l], want)
		}
	}
	dir := t.TempDir()
	res, err := Apply(h, items, ApplyOptions{Dir: dir, Profile: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d changes, journal %s", len(res.Outcomes), res.Journal)
	checks, ok, err := Verify(h, p)
	if err != nil || !ok {
		for _, c := range checks {
			t.Logf("%s %s %s want %s", c.Result, c.Label(), c.Current, c.Want)
		}
		t.Fatalf("verify after apply: ok=%v err=%v", ok, err)
	}
	if got, _ := h.Sysctl("net.core.somaxconn"); got != "12345" {
		t.Errorf("somaxconn %s", got)
	}
	if hostSnapshot(t, h) == before {
		t.Fatal("apply changed nothing")
	}
	if _, err := Rollback(h, dir, false); err != nil {
		t.Fatal(err)
	}
	if after := hostSnapshot(t, h); after != before {
		t.Errorf("rollback did not restore every value:\n%s", lineDiff(before, after))
	}
	if _, ok, _ := Verify(h, p); ok {
		t.Error("verify passes after rollback")
	}
	if g := initialValues(t); g != global {
		t.Errorf("the initial namespace's global knobs changed:\n%s", lineDiff(global, g))
	}
}

func TestHostApplyFailureRollsBack(t *testing.T) {
	h := newNS(t)
	before := hostSnapshot(t, h)
	// The kernel refuses a port range whose low end is above its high end.
	p := mustParse(`[sysctl]
net.core.somaxconn = 12345
net.ipv4.tcp_fin_timeout = 17
[nic va]
offload.gro = on
[sysctl]
net.ipv4.ip_local_port_range = 40000 20000
net.ipv4.tcp_syn_retries = 3
`)
	items, err := Plan(h, p)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = Apply(h, items, ApplyOptions{Dir: dir})
	var ae *ApplyError
	if !errors.As(err, &ae) || ae.Failed.Name != "net.ipv4.ip_local_port_range" || len(ae.RollbackErrs) > 0 {
		t.Fatalf("apply: %v, want a failure at ip_local_port_range, rolled back", err)
	}
	t.Logf("apply failed as wanted: %v", err)
	if after := hostSnapshot(t, h); after != before {
		t.Errorf("not rolled back:\n%s", lineDiff(before, after))
	}
	if _, err := Rollback(h, dir, false); !errors.Is(err, ErrNoJournal) {
		t.Errorf("rollback after a rolled-back apply: %v, want nothing to do", err)
	}
}

// TestPerNetnsKnobs checks the catalogue's PerNetns marks against the
// kernel: a per-namespace knob is present and writable in a fresh
// namespace; a global one is absent or read-only there, except the
// fs.* ones that every namespace shows (refused by name).
func TestPerNetnsKnobs(t *testing.T) {
	h := newNS(t)
	for _, k := range Knobs {
		var mode os.FileMode
		err := h.k.Do(func() error {
			st, err := os.Stat(procPath(k.Name))
			if err == nil {
				mode = st.Mode()
			}
			return err
		})
		switch {
		case err != nil && strings.HasPrefix(k.Name, "net.netfilter."):
			// nf_conntrack not loaded in this namespace.
		case k.PerNetns && (err != nil || mode&0o200 == 0):
			t.Errorf("%s: marked per-namespace but in a fresh namespace: %v, mode %v", k.Name, err, mode)
		case !k.PerNetns && err == nil && mode&0o200 != 0 && strings.HasPrefix(k.Name, "net."):
			t.Errorf("%s: marked global but writable in a fresh namespace", k.Name)
		}
	}
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}
