package scenario

import (
	"strings"
	"testing"
)

func TestParseFirewall(t *testing.T) {
	data := strings.Replace(base, "        addresses: [10.0.0.2/24]\n", `        addresses: [10.0.0.2/24]
    firewall:
      conntrack: on
      input:
        policy: drop
        rules:
          - -p tcp --dport 80 -j ACCEPT
          - -m conntrack --ctstate ESTABLISHED -j ACCEPT
`, 1)
	s, err := Parse("t.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	f := s.Hosts[1].Firewall
	if f == nil || !f.Conntrack || f.Input == nil || f.Forward != nil {
		t.Fatalf("firewall %+v", f)
	}
	if f.Input.Policy != "DROP" || len(f.Input.Rules) != 2 {
		t.Fatalf("input %+v", f.Input)
	}
	if r := f.Input.Rules[1]; r.Text != "-m conntrack --ctstate ESTABLISHED -j ACCEPT" || r.Line != 19 {
		t.Errorf("rule %+v, want line 19", r)
	}
	for _, c := range []struct{ edit, want string }{
		{"policy: drop", "t.yaml:16: hosts[1].firewall.input.policy: bad policy \"REJECT\""},
		{"conntrack: on", "t.yaml:14: hosts[1].firewall.conntrack: bad boolean"},
		{"rules:", "t.yaml:17: hosts[1].firewall.input.rules: want a list"},
	} {
		bad := data
		switch c.edit {
		case "policy: drop":
			bad = strings.Replace(data, c.edit, "policy: REJECT", 1)
		case "conntrack: on":
			bad = strings.Replace(data, c.edit, "conntrack: maybe", 1)
		default:
			bad = strings.Replace(data, "rules:\n          - -p tcp --dport 80 -j ACCEPT\n          - -m conntrack --ctstate ESTABLISHED -j ACCEPT\n", "rules: {a: b}\n", 1)
		}
		_, err := Parse("t.yaml", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.edit, err, c.want)
		}
	}
}
