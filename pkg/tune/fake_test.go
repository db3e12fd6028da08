package tune

import (
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// fakeTarget is an in-memory Target: sysctls in a map, a refusal list,
// no NICs.
type fakeTarget struct {
	vals   map[string]string
	refuse map[string]bool // writes fail with EINVAL-like errors
	ns     bool
	root   bool
	writes []string
}

func newFake() *fakeTarget {
	return &fakeTarget{root: true, refuse: map[string]bool{}, vals: map[string]string{
		"net.core.somaxconn":           "4096",
		"net.ipv4.tcp_rmem":            "4096 131072 6291456",
		"net.ipv4.tcp_fin_timeout":     "60",
		"net.core.netdev_max_backlog":  "1000",
		"net.ipv4.ip_local_port_range": "32768 60999",
		"net.ipv4.tcp_syn_retries":     "6",
		"fs.file-max":                  "1000000",
	}}
}

func (f *fakeTarget) Name() string     { return "fake" }
func (f *fakeTarget) Key() string      { return "fake" }
func (f *fakeTarget) Namespaced() bool { return f.ns }
func (f *fakeTarget) Sysctl(n string) (string, error) {
	v, ok := f.vals[n]
	if !ok {
		return "", &SysctlError{Op: "read", Name: n, Err: ErrNoKnob}
	}
	return v, nil
}
func (f *fakeTarget) SetSysctl(n, v string) error {
	if err := checkWrite(f, n); err != nil {
		return err
	}
	if _, ok := f.vals[n]; !ok {
		return &SysctlError{Op: "write", Name: n, Value: v, Err: ErrNoKnob}
	}
	if f.refuse[n] {
		return &SysctlError{Op: "write", Name: n, Value: v, Err: fmt.Errorf("invalid argument")}
	}
	f.writes = append(f.writes, n+"="+v)
	f.vals[n] = normalize(v)
	return nil
}
func (f *fakeTarget) NICs() ([]string, error) { return nil, nil }
func (f *fakeTarget) NIC(n string) (nic.Device, nic.Configurer, error) {
	return nil, nil, fmt.Errorf("no NIC %s", n)
}
func (f *fakeTarget) CanChange() error {
	if !f.root {
		return ErrNotRoot
	}
	return nil
}
func (f *fakeTarget) MemTotal() int64 { return 0 }

func (f *fakeTarget) snapshot() string {
	var b strings.Builder
	for _, k := range Knobs {
		if v, ok := f.vals[k.Name]; ok {
			fmt.Fprintf(&b, "%s=%s\n", k.Name, v)
		}
	}
	return b.String()
}

func mustParse(text string) *Profile {
	p, err := Parse("test", []byte(text))
	if err != nil {
		panic(err)
	}
	return p
}
