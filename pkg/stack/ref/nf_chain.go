package ref

import (
	"fmt"
	"strings"
)

// nfChain is the rules of one hook and its policy.
type nfChain struct {
	rules []Rule
	// drop is the policy: DROP when set, ACCEPT otherwise.
	drop bool
	// policyPackets and policyBytes count the packets the policy decided.
	policyPackets, policyBytes uint64
}

// ParseHook returns the hook of a chain name (PREROUTING, INPUT, FORWARD,
// OUTPUT, POSTROUTING; any case).
func ParseHook(name string) (hook, error) {
	for i, n := range hookNames {
		if strings.EqualFold(n, name) {
			return hook(i), nil
		}
	}
	return 0, fmt.Errorf("unknown chain %q (want PREROUTING, INPUT, FORWARD, OUTPUT or POSTROUTING)", name)
}

// AddRule appends r to the chain of hook hk. Interface matches must fit
// the hook as iptables requires (-i not at OUTPUT and POSTROUTING, -o not
// at PREROUTING and INPUT). A rule that needs conntrack turns it on.
func (h *Host) AddRule(hk hook, r Rule) error {
	if hk >= numHooks {
		return fmt.Errorf("%s: no hook %d", h.Name, hk)
	}
	if r.In != "" && (hk == hookOutput || hk == hookPostrouting) {
		return fmt.Errorf("%s: %s: -i cannot be used in the %s chain", h.Name, hk, hk)
	}
	if r.Out != "" && (hk == hookPrerouting || hk == hookInput) {
		return fmt.Errorf("%s: %s: -o cannot be used in the %s chain", h.Name, hk, hk)
	}
	r.Packets, r.Bytes = 0, 0
	h.nf.chains[hk].rules = append(h.nf.chains[hk].rules, r)
	h.nf.active = true
	if r.usesConntrack() {
		h.EnableConntrack()
	}
	return nil
}

// AddRules parses rules (ParseRule) and appends them to the chain named
// chain.
func (h *Host) AddRules(chain string, rules ...string) error {
	hk, err := ParseHook(chain)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	for _, s := range rules {
		r, err := ParseRule(s)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", h.Name, hk, err)
		}
		if err := h.AddRule(hk, r); err != nil {
			return err
		}
	}
	return nil
}

// SetPolicy sets the policy of the chain named chain: "ACCEPT" or "DROP".
func (h *Host) SetPolicy(chain, policy string) error {
	hk, err := ParseHook(chain)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	switch strings.ToUpper(policy) {
	case "ACCEPT":
		h.nf.chains[hk].drop = false
	case "DROP":
		h.nf.chains[hk].drop = true
		h.nf.active = true
	default:
		return fmt.Errorf("%s: %s: bad policy %q (want ACCEPT or DROP)", h.Name, hk, policy)
	}
	return nil
}

// ChainStats is a chain's rules with their counters, and its policy.
type ChainStats struct {
	Chain  string
	Policy string
	// PolicyPackets and PolicyBytes count the packets the policy decided.
	PolicyPackets, PolicyBytes uint64
	Rules                      []Rule
}

// Chains returns every chain of h in hook order, with counters (as
// iptables -L -v -x shows them).
func (h *Host) Chains() []ChainStats {
	out := make([]ChainStats, numHooks)
	for i := range h.nf.chains {
		c := &h.nf.chains[i]
		out[i] = ChainStats{Chain: hookNames[i], Policy: "ACCEPT", PolicyPackets: c.policyPackets,
			PolicyBytes: c.policyBytes, Rules: append([]Rule(nil), c.rules...)}
		if c.drop {
			out[i].Policy = "DROP"
		}
	}
	return out
}

// runChain runs the rules of hook hk on p and reports whether p goes on.
func (h *Host) runChain(hk hook, p *Packet) bool {
	c := &h.nf.chains[hk]
	for i := range c.rules {
		r := &c.rules[i]
		if !r.match(h, hk, p) {
			continue
		}
		r.Packets++
		r.Bytes += uint64(p.Len())
		switch r.Target {
		case TargetAccept:
			return true
		case TargetDrop:
			return false
		case TargetReject:
			h.nfReject(p, r.RejectWith)
			return false
		case TargetReturn:
			goto policy
		case TargetMark:
			p.Mark = p.Mark&^r.SetMask ^ r.SetXor
		case TargetConnmark:
			h.connmark(p, r)
		}
	}
policy:
	c.policyPackets++
	c.policyBytes += uint64(p.Len())
	return !c.drop
}

// connmark applies a CONNMARK rule.
func (h *Host) connmark(p *Packet, r *Rule) {
	ct := p.CT
	if ct == nil || ct == ctInvalid {
		return
	}
	old := ct.mark
	switch r.ConnmarkOp {
	case ConnmarkSave:
		ct.mark = p.Mark
	case ConnmarkRestore:
		p.Mark = ct.mark
	default:
		ct.mark = ct.mark&^r.SetMask ^ r.SetXor
	}
	if ct.mark != old {
		ct.events |= ipctMark // delivered when the packet is confirmed
	}
}

// nfReject answers a packet a REJECT rule dropped: an ICMP error, or for
// tcp-reset a TCP RST built by netfilter itself (nf_send_reset), as
// Linux's REJECT target does.
func (h *Host) nfReject(p *Packet, with RejectWith) {
	switch with {
	case RejectTCPReset:
		if p.Proto == protoTCP && p.FragOff == 0 {
			h.nfSendReset(p)
		}
	case RejectNetUnreach:
		h.icmpError(p, icmpNetUnreach, 0)
	case RejectProtoUnreach:
		h.icmpError(p, icmpProtoUnreach, 0)
	default:
		h.icmpError(p, icmpPortUnreach, 0)
	}
}

// nfSendReset sends the RST answering TCP segment p (never one answering
// a RST): seq is p's ack when it has one, else the RST acks p's segment.
func (h *Host) nfSendReset(p *Packet) {
	if p.TCP.Flags&tcpRST != 0 {
		return
	}
	_ = h.ipOutput(h.resetFor(p))
}
