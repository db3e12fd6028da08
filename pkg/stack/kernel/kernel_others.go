//go:build !linux

package kernel

import (
	"context"
	"fmt"
	"runtime"

	"github.com/stackbox/stackbox/pkg/stack"
)

// errNotLinux is what every operation returns outside Linux; it wraps
// stack.ErrNotSupported.
var errNotLinux = fmt.Errorf("kernel: not implemented on %s: %w", runtime.GOOS, stack.ErrNotSupported)

// Sockets is not implemented outside Linux.
func (k *Kernel) Sockets(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	return errNotLinux
}

// DestroySocket is not implemented outside Linux.
func (k *Kernel) DestroySocket(ctx context.Context, s *stack.Socket) error { return errNotLinux }

// SocketEvents is not implemented outside Linux.
func (k *Kernel) SocketEvents(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	return errNotLinux
}

// SocketSummary is not implemented outside Linux.
func (k *Kernel) SocketSummary(ctx context.Context) (*stack.SocketSummary, error) {
	return nil, errNotLinux
}

// ctState is empty outside Linux.
type ctState struct{}

// CloseFlows does nothing outside Linux.
func (k *Kernel) CloseFlows() error { return nil }

// Flows is not implemented outside Linux.
func (k *Kernel) Flows(ctx context.Context, q stack.FlowQuery, fn func(*stack.Flow) error) error {
	return errNotLinux
}

// GetFlow is not implemented outside Linux.
func (k *Kernel) GetFlow(ctx context.Context, f *stack.Flow) (*stack.Flow, error) {
	return nil, errNotLinux
}

// CreateFlow is not implemented outside Linux.
func (k *Kernel) CreateFlow(ctx context.Context, f *stack.Flow) error { return errNotLinux }

// UpdateFlow is not implemented outside Linux.
func (k *Kernel) UpdateFlow(ctx context.Context, f *stack.Flow) error { return errNotLinux }

// DeleteFlow is not implemented outside Linux.
func (k *Kernel) DeleteFlow(ctx context.Context, f *stack.Flow) error { return errNotLinux }

// FlushFlows is not implemented outside Linux.
func (k *Kernel) FlushFlows(ctx context.Context, family uint8) error { return errNotLinux }

// FlowCount is not implemented outside Linux.
func (k *Kernel) FlowCount(ctx context.Context) (stack.FlowCount, error) {
	return stack.FlowCount{}, errNotLinux
}

// FlowStats is not implemented outside Linux.
func (k *Kernel) FlowStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	return nil, errNotLinux
}

// FlowEvents is not implemented outside Linux.
func (k *Kernel) FlowEvents(ctx context.Context, q stack.FlowEventQuery, fn func(*stack.FlowEvent) error) error {
	return errNotLinux
}

// Expectations is not implemented outside Linux.
func (k *Kernel) Expectations(ctx context.Context, family uint8, fn func(*stack.Expectation) error) error {
	return errNotLinux
}

// GetExpectation is not implemented outside Linux.
func (k *Kernel) GetExpectation(ctx context.Context, e *stack.Expectation) (*stack.Expectation, error) {
	return nil, errNotLinux
}

// CreateExpectation is not implemented outside Linux.
func (k *Kernel) CreateExpectation(ctx context.Context, e *stack.Expectation) error {
	return errNotLinux
}

// DeleteExpectation is not implemented outside Linux.
func (k *Kernel) DeleteExpectation(ctx context.Context, e *stack.Expectation) error {
	return errNotLinux
}

// FlushExpectations is not implemented outside Linux.
func (k *Kernel) FlushExpectations(ctx context.Context, family uint8) error { return errNotLinux }

// ExpectationStats is not implemented outside Linux.
func (k *Kernel) ExpectationStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	return nil, errNotLinux
}
