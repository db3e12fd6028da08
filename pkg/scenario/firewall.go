package scenario

// Firewall is a host's netfilter setup: a chain of rules for each hook
// and whether conntrack runs without a rule that needs it.
type Firewall struct {
	// Conntrack turns connection tracking on even when no rule uses it
	// (a rule with --ctstate, --connmark or -j CONNMARK turns it on
	// anyway, as such a rule loads nf_conntrack on Linux).
	Conntrack   bool   `yaml:"conntrack"`
	Prerouting  *Chain `yaml:"prerouting"`
	Input       *Chain `yaml:"input"`
	Forward     *Chain `yaml:"forward"`
	Output      *Chain `yaml:"output"`
	Postrouting *Chain `yaml:"postrouting"`
	Line        int    `yaml:"-"`
}

// Chain is the rules of one hook, tried in order, and the policy for
// packets no rule decided.
type Chain struct {
	// Policy is ACCEPT (the default) or DROP.
	Policy string         `yaml:"policy"`
	Rules  []FirewallRule `yaml:"rules"`
	Line   int            `yaml:"-"`
}

// FirewallRule is one rule in iptables' syntax without the chain, like
// "-p tcp --dport 80 -j DROP"; the simulator parses it.
type FirewallRule struct {
	Text string
	Line int
}

// Chains returns the chains by hook name, in hook order (PREROUTING,
// INPUT, FORWARD, OUTPUT, POSTROUTING); nil for an unset chain.
func (f *Firewall) Chains() [5]*Chain {
	return [5]*Chain{f.Prerouting, f.Input, f.Forward, f.Output, f.Postrouting}
}
