package diff

import (
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// TargetSpec is a parsed target: the kernel in a namespace, or a host of
// the reference stack.
type TargetSpec struct {
	Text  string // as written
	Host  bool   // the kernel
	NetNS string // with Host: the namespace ("" the current one)
	Sim   simtarget.Spec
}

func (t *TargetSpec) String() string { return t.Text }

// ParseTarget reads "host", "host:NETNS" or "sim:SCENARIO[@T][/HOST]";
// netns is the namespace of a plain "host".
func ParseTarget(text, netns string) (*TargetSpec, error) {
	switch {
	case text == "host":
		return &TargetSpec{Text: text, Host: true, NetNS: netns}, nil
	case strings.HasPrefix(text, "host:"):
		ns := text[len("host:"):]
		if ns == "" {
			return nil, fmt.Errorf("target %q: no namespace after \"host:\"", text)
		}
		return &TargetSpec{Text: text, Host: true, NetNS: ns}, nil
	case strings.HasPrefix(text, "sim:"):
		s, err := simtarget.Parse(text[len("sim:"):])
		if err != nil {
			return nil, err
		}
		return &TargetSpec{Text: text, Sim: s}, nil
	}
	return nil, fmt.Errorf("target %q: want host, host:NETNS or sim:SCENARIO[@T][/HOST]", text)
}

// openTarget opens t: the kernel (failing when the namespace cannot be
// entered) or the reference stack run to t's time.
func openTarget(t *TargetSpec) (Target, error) {
	if t.Host {
		k := kernel.New(t.NetNS)
		if t.NetNS != "" {
			if err := k.Do(func() error { return nil }); err != nil {
				return nil, err
			}
		}
		return k, nil
	}
	return t.Sim.Open()
}
