package ref

// HostView is one host of a running simulation seen through the seam
// (pkg/stack): its sockets (stack.Stack), counters (stack.CounterStack)
// and conntrack table (stack.FlowStack), in the formats the host kernel's
// implementation gives, so that every applet prints them the same way.
// The methods live in view_*.go, one file per view.
type HostView struct {
	Host *Host
}

// View returns the view of h.
func (h *Host) View() *HostView { return &HostView{Host: h} }
