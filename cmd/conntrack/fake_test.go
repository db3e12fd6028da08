package conntrack

import (
	"context"
	"errors"
	"net/netip"
	"syscall"

	"github.com/stackbox/stackbox/pkg/stack"
)

// fakeStack is an in-memory stack.FlowStack.
type fakeStack struct {
	flows   []stack.Flow
	deleted int
	updated []stack.Flow
	created []stack.Flow
	events  []stack.FlowEvent
}

var errNoKernel = errors.New("fake: not supported")

func (s *fakeStack) Flows(ctx context.Context, q stack.FlowQuery, fn func(*stack.Flow) error) error {
	for i := range s.flows {
		f := s.flows[i]
		if !q.Match(&f) {
			continue
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return nil
}

func (s *fakeStack) find(f *stack.Flow) int {
	for i := range s.flows {
		if s.flows[i].Orig == f.Orig {
			return i
		}
	}
	return -1
}

func (s *fakeStack) GetFlow(ctx context.Context, f *stack.Flow) (*stack.Flow, error) {
	if i := s.find(f); i >= 0 {
		g := s.flows[i]
		return &g, nil
	}
	return nil, syscall.ENOENT
}

func (s *fakeStack) CreateFlow(ctx context.Context, f *stack.Flow) error {
	if s.find(f) >= 0 {
		return syscall.EEXIST
	}
	s.created = append(s.created, *f)
	s.flows = append(s.flows, *f)
	return nil
}

func (s *fakeStack) UpdateFlow(ctx context.Context, f *stack.Flow) error {
	i := s.find(f)
	if i < 0 {
		return syscall.ENOENT
	}
	s.updated = append(s.updated, *f)
	g := &s.flows[i]
	if f.Has&stack.FlowHasMark != 0 {
		g.Mark = f.Mark
	}
	if f.Has&stack.FlowHasStatus != 0 {
		g.Status = f.Status
	}
	if f.Has&stack.FlowHasTimeout != 0 {
		g.Timeout = f.Timeout
	}
	return nil
}

func (s *fakeStack) DeleteFlow(ctx context.Context, f *stack.Flow) error {
	i := s.find(f)
	if i < 0 {
		return syscall.ENOENT
	}
	s.flows = append(s.flows[:i], s.flows[i+1:]...)
	s.deleted++
	return nil
}

func (s *fakeStack) FlushFlows(ctx context.Context, family uint8) error {
	s.flows = nil
	return nil
}

func (s *fakeStack) FlowCount(ctx context.Context) (stack.FlowCount, error) {
	return stack.FlowCount{Entries: uint32(len(s.flows)), Max: 65536}, nil
}

func (s *fakeStack) FlowStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	return []stack.FlowCPUStats{{CPU: 0, Counters: []stack.Counter{{Name: "found", Value: 1}}}}, nil
}

func (s *fakeStack) FlowEvents(ctx context.Context, q stack.FlowEventQuery, fn func(*stack.FlowEvent) error) error {
	for i := range s.events {
		if q.Types != 0 && s.events[i].Type&q.Types == 0 {
			continue
		}
		if err := fn(&s.events[i]); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return ctx.Err()
}

func (s *fakeStack) Expectations(ctx context.Context, family uint8, fn func(*stack.Expectation) error) error {
	return nil
}

func (s *fakeStack) GetExpectation(ctx context.Context, e *stack.Expectation) (*stack.Expectation, error) {
	return nil, syscall.ENOENT
}

func (s *fakeStack) CreateExpectation(ctx context.Context, e *stack.Expectation) error {
	return syscall.ENOENT
}

func (s *fakeStack) DeleteExpectation(ctx context.Context, e *stack.Expectation) error {
	return syscall.ENOENT
}

func (s *fakeStack) FlushExpectations(ctx context.Context, family uint8) error { return nil }

func (s *fakeStack) ExpectationStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	return nil, errNoKernel
}

// tcpFlow is an IPv4 TCP flow from src:sport to dst:dport.
func tcpFlow(src, dst string, sport, dport uint16, mark uint32, status uint32) stack.Flow {
	s, d := netip.MustParseAddr(src), netip.MustParseAddr(dst)
	return stack.Flow{
		Family: syscall.AF_INET,
		Has: stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasMark | stack.FlowHasStatus |
			stack.FlowHasTimeout | stack.FlowHasProtoState | stack.FlowHasUse | stack.FlowHasID,
		Orig:       stack.FlowTuple{Src: s, Dst: d, Proto: 6, SrcPort: sport, DstPort: dport},
		Reply:      stack.FlowTuple{Src: d, Dst: s, Proto: 6, SrcPort: dport, DstPort: sport},
		Mark:       mark,
		Status:     status | stack.IPSConfirmed,
		Timeout:    100,
		ProtoState: 3,
		Use:        1,
		ID:         uint32(sport),
	}
}
