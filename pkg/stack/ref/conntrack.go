package ref

// Conn is one entry of a host's conntrack table (nf_conn). (Placeholder:
// the netfilter and conntrack implementation replaces this file.)
type Conn struct{}

// connTable is a host's conntrack table.
type connTable struct{}

// netfilter is a host's netfilter ruleset.
type netfilter struct{}

// hook is a netfilter hook point.
type hook uint8

// The hook points, as Linux's NF_INET_*.
const (
	hookPrerouting hook = iota
	hookInput
	hookForward
	hookOutput
	hookPostrouting
)

// nfHook runs the hook's rules and conntrack on p and reports whether p
// goes on; false means it was dropped (the caller frees it).
func (h *Host) nfHook(hk hook, p *Packet) bool { return true }
