package ref

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/scenario"
)

// applyFirewall sets up a host's chains and conntrack from its scenario
// section; errors name the file and line of the rule.
func (h *Host) applyFirewall(file string, f *scenario.Firewall) error {
	if f == nil {
		return nil
	}
	if f.Conntrack {
		h.EnableConntrack()
	}
	for i, ch := range f.Chains() {
		if ch == nil {
			continue
		}
		hk := hook(i)
		if ch.Policy != "" {
			if err := h.SetPolicy(hk.String(), ch.Policy); err != nil {
				return fmt.Errorf("%s:%d: hosts: %w", file, ch.Line, err)
			}
		}
		for _, sr := range ch.Rules {
			r, err := ParseRule(sr.Text)
			if err == nil {
				err = h.AddRule(hk, r)
			} else {
				err = fmt.Errorf("%s: %s: %w", h.Name, hk, err)
			}
			if err != nil {
				return fmt.Errorf("%s:%d: hosts: firewall: %w", file, sr.Line, err)
			}
		}
	}
	return nil
}
