package kernel

import "github.com/stackbox/stackbox/pkg/stack"

// Kernel implements stack.Stack; Processes is in procs_linux.go.
var _ stack.Stack = (*Kernel)(nil)
var _ stack.CounterStack = (*Kernel)(nil)

var _ stack.FlowStack = (*Kernel)(nil)
