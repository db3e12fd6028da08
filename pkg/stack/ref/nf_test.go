package ref

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func TestParseRule(t *testing.T) {
	good := []struct{ in, out string }{
		{"-p tcp --dport 80 -j DROP", "-p tcp --dport 80 -j DROP"},
		{"-s 10.0.0.0/8 ! -d 10.1.2.3 -i eth+ -j ACCEPT", "-s 10.0.0.0/8 ! -d 10.1.2.3/32 -i eth+ -j ACCEPT"},
		{"-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", "--ctstate ESTABLISHED,RELATED -j ACCEPT"},
		{"-p udp --sport ! 1000:2000 -j REJECT", "-p udp ! --sport 1000:2000 -j REJECT --reject-with icmp-port-unreachable"},
		{"-p tcp --syn -j REJECT --reject-with tcp-reset", "-p tcp --syn -j REJECT --reject-with tcp-reset"},
		{"-p icmp --icmp-type echo-request -j ACCEPT", "-p icmp --icmp-type 8 -j ACCEPT"},
		{"-o eth1 -j MARK --set-mark 0x10/0xf0", "-o eth1 -j MARK --set-xmark 0x10/0xf0"},
		{"-m mark --mark 3 -j CONNMARK --save-mark", "--mark 0x3/0xffffffff -j CONNMARK --save-mark"},
		{"-p 47", "-p 47"},
	}
	for _, g := range good {
		r, err := ParseRule(g.in)
		if err != nil {
			t.Errorf("%q: %v", g.in, err)
			continue
		}
		if got := r.String(); got != g.out {
			t.Errorf("%q: String %q, want %q", g.in, got, g.out)
		}
	}
	bad := []string{
		"--dport 80 -j DROP", "-p tcp --dport 0", "-p tcp --dport 90:80", "-j NOPE", "-p",
		"-s 10.0.0.300", "! ! -p tcp", "-j MARK", "-j DROP --reject-with tcp-reset",
		"-p udp -j REJECT --reject-with tcp-reset", "--ctstate BOGUS", "-p tcp -p udp", "-m nope",
		"-i eth0/1", "--syn", "-s 10.0.0.1 -d ::1",
	}
	for _, b := range bad {
		if _, err := ParseRule(b); err == nil {
			t.Errorf("%q: no error", b)
		} else if !strings.HasPrefix(err.Error(), "bad rule ") {
			t.Errorf("%q: error %q lacks context", b, err)
		}
	}
}

func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		"-p tcp --dport 80 -j DROP", "! -s 10.0.0.0/8 -j MARK --or-mark 4",
		"-p icmp --icmp-type 3/4 -j ACCEPT", "--ctstate NEW -j CONNMARK --restore-mark",
		"-p udp --sport 1:65535 -o lo -j RETURN",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		// What parses prints back to a rule that parses the same.
		again, err := ParseRule(r.String())
		if err != nil {
			t.Fatalf("%q printed as %q: %v", s, r.String(), err)
		}
		if again.String() != r.String() {
			t.Fatalf("%q: %q then %q", s, r.String(), again.String())
		}
	})
}

func TestRulesDropRejectMark(t *testing.T) {
	h := ctHost(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.AddRules("prerouting", "-p udp -j MARK --set-mark 7"))
	must(h.AddRules("INPUT",
		"-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
		"-p tcp --dport 22 -j DROP",
		"-p tcp --dport 23 -j REJECT --reject-with tcp-reset",
		"-p udp -m mark --mark 7 -j CONNMARK --save-mark",
		"-p udp --dport 53 -j ACCEPT",
	))
	must(h.SetPolicy("INPUT", "DROP"))

	p := ctSeg(h, true, tcpSYN, 1, 0, 0)
	p.DstPort = 22
	if ctPass(h, p) {
		t.Error("SYN to port 22 passed a DROP rule")
	}
	p = ctSeg(h, true, tcpSYN, 1, 0, 0)
	p.DstPort = 23
	if ctPass(h, p) {
		t.Error("SYN to port 23 passed a REJECT rule")
	}
	p = ctSeg(h, true, tcpSYN, 1, 0, 0)
	p.DstPort = 99
	if ctPass(h, p) {
		t.Error("SYN to port 99 passed the DROP policy")
	}
	if h.ct.count != 0 {
		t.Errorf("%d entries for dropped packets, want 0 (never confirmed)", h.ct.count)
	}
	if !ctPass(h, ctUDP(h, true)) {
		t.Fatal("DNS query dropped")
	}
	if f := ctOnlyFlow(t, h); f.Mark != 7 {
		t.Errorf("connmark %d, want 7 (saved from the packet mark)", f.Mark)
	}
	if !ctPass(h, ctUDP(h, false)) || !ctPass(h, ctUDP(h, true)) {
		t.Fatal("established UDP dropped")
	}
	chains := h.Chains()
	in := chains[hookInput]
	want := []uint64{1, 1, 1, 1, 1}
	for i, r := range in.Rules {
		if r.Packets != want[i] {
			t.Errorf("INPUT rule %d (%s): %d packets, want %d", i, r.String(), r.Packets, want[i])
		}
	}
	if in.Rules[1].Bytes != 20+20+12 {
		t.Errorf("rule 1 bytes %d, want 52 (a SYN with MSS, wscale, SACK-permitted)", in.Rules[1].Bytes)
	}
	if in.Policy != "DROP" || in.PolicyPackets != 1 {
		t.Errorf("policy %s %d packets", in.Policy, in.PolicyPackets)
	}
	if chains[hookPrerouting].Rules[0].Packets != 2 {
		t.Errorf("PREROUTING MARK saw %d packets, want 2", chains[hookPrerouting].Rules[0].Packets)
	}
}

func TestRejectAnswers(t *testing.T) {
	n := build(t, threeHosts)
	client, server := n.Host("client"), n.Host("server")
	if err := server.AddRules("INPUT", "-p udp --dport 9 -j REJECT", "-p icmp -j DROP"); err != nil {
		t.Fatal(err)
	}
	cl, _ := client.UDPSocket(netip.AddrPort{}, nil)
	_ = cl.SendTo(netip.MustParseAddrPort("10.0.2.2:9"), 10)
	_ = client.Ping(netip.MustParseAddr("10.0.2.2"), 1, 1, 56)
	n.Run(sim.Second)
	if got := client.MIB.Get(IcmpInDestUnreachs); got != 1 {
		t.Errorf("client got %d destination unreachables, want 1 (REJECT)", got)
	}
	if got := client.MIB.Get(IcmpInEchoReps); got != 0 {
		t.Errorf("client got %d echo replies through a DROP rule", got)
	}
	if got := server.MIB.Get(UdpInDatagrams); got != 0 {
		t.Errorf("server received %d datagrams", got)
	}
}

func TestBuildFirewallErrors(t *testing.T) {
	const sc = `
duration: 1s
hosts:
  - name: fw
    interfaces:
      - name: eth0
        addresses: [10.0.0.1/24]
    firewall:
      output:
        rules:
          - -p tcp --dport 80 -j ACCEPT
          - -i eth0 -j DROP
`
	s, err := scenario.Parse("fw.yaml", []byte(sc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(s)
	if err == nil || !strings.HasPrefix(err.Error(), "fw.yaml:12: hosts: firewall: fw: OUTPUT: -i cannot be used") {
		t.Errorf("error %v, want one at fw.yaml:12", err)
	}
	s, _ = scenario.Parse("fw.yaml", []byte(strings.Replace(sc, "-i eth0 -j DROP", "-p tcp --dport 99 -j BOGUS", 1)))
	if _, err = Build(s); err == nil || !strings.Contains(err.Error(), `fw.yaml:12: hosts: firewall: fw: OUTPUT: bad rule "-p tcp --dport 99 -j BOGUS": unknown target "BOGUS"`) {
		t.Errorf("error %v", err)
	}
	s, _ = scenario.Parse("fw.yaml", []byte(strings.Replace(sc, "-i eth0 -j DROP", "--ctstate NEW -j ACCEPT", 1)))
	n, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if h := n.Host("fw"); !h.ConntrackEnabled() || len(h.Chains()[hookOutput].Rules) != 2 {
		t.Error("a --ctstate rule did not turn conntrack on")
	}
}
