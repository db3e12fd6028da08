package testns

import (
	"os/exec"
	"strings"
)

// IP runs the ip tool with args inside the namespace (ip -n NAME ARGS);
// a failure fails the test.
func (ns *NS) IP(args ...string) string {
	ns.t.Helper()
	argv := append([]string{"-n", ns.Name}, args...)
	out, err := exec.Command(ns.ip, argv...).CombinedOutput()
	if err != nil {
		ns.t.Fatalf("ip %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// AddVethPair creates a veth pair with both ends, name and peer, in the
// namespace and brings them up. (This kernel may lack the dummy driver; a
// veth pair serves as an extra device.) Addresses are the caller's to add.
func (ns *NS) AddVethPair(name, peer string) {
	ns.t.Helper()
	ns.IP("link", "add", name, "type", "veth", "peer", "name", peer)
	ns.IP("link", "set", name, "up")
	ns.IP("link", "set", peer, "up")
}

// Veth links namespace a to namespace b with a veth pair: an interface
// called aName in a and bName in b, both up. The pair is created inside a,
// so it never appears in the host's namespace; it goes away with the
// namespaces. Addresses are the caller's to add (ns.IP("addr", "add", ...)).
func Veth(a *NS, aName string, b *NS, bName string) {
	a.t.Helper()
	a.IP("link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.Name)
	a.IP("link", "set", aName, "up")
	b.IP("link", "set", bName, "up")
}
