package tune

// Check is one setting of a profile verified on a target.
type Check struct {
	Item
	// Result is "pass", "fail" or "skip" (the knob or NIC setting does
	// not exist here, or is a global knob in a namespace).
	Result string `json:"result"`
}

// Verify checks every setting of a profile against the target's values:
// a setting passes when applying the profile would not change it.
func Verify(t Target, p *Profile) ([]Check, bool, error) {
	items, err := Plan(t, p)
	if err != nil {
		return nil, false, err
	}
	ok := true
	out := make([]Check, len(items))
	for i, it := range items {
		c := Check{Item: it}
		switch it.Status {
		case StatusOK:
			c.Result = "pass"
		case StatusChange, StatusInvalid:
			c.Result, ok = "fail", false
		default:
			c.Result = "skip"
		}
		out[i] = c
	}
	return out, ok, nil
}
