package kernel

import (
	"context"
	"errors"
	"testing"

	"github.com/mdlayher/netlink"
	"github.com/mdlayher/netlink/nltest"

	"github.com/stackbox/stackbox/pkg/stack"
)

// TestEventsReplay feeds the recorded destroy events (a udp and a tcp6
// socket) to SocketEvents' decoding over an nltest connection.
func TestEventsReplay(t *testing.T) {
	var msgs []netlink.Message
	for _, r := range readRecording(t, "testdata/replies/events.bin") {
		var m netlink.Message
		if err := m.UnmarshalBinary(r.b); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	stop := errors.New("no more events")
	for _, tt := range []struct {
		name string
		q    stack.SocketQuery
		want []stack.Table
	}{
		{"all", stack.SocketQuery{}, []stack.Table{stack.TableUDP, stack.TableTCP}},
		{"ipv4", stack.SocketQuery{Families: 1 << afInet}, []stack.Table{stack.TableUDP}},
		{"filter", stack.SocketQuery{Filter: tableFilter(stack.TableTCP)}, []stack.Table{stack.TableTCP}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sent := false
			c := nltest.Dial(func(req []netlink.Message) ([]netlink.Message, error) {
				if req != nil {
					t.Fatalf("SocketEvents sent %v", req)
				}
				if sent {
					return nil, stop
				}
				sent = true
				return msgs, nil
			})
			var got []stack.Table
			err := newDiagConn(c).events(context.Background(), tt.q, func(s *stack.Socket) error {
				got = append(got, s.Table)
				return nil
			})
			if !errors.Is(err, stop) {
				t.Errorf("returned %v, want the connection's error", err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
				t.Errorf("events of tables %v, want %v", got, tt.want)
			}
		})
	}
}

// tableFilter accepts the sockets of one table.
type tableFilter stack.Table

func (f tableFilter) Match(s *stack.Socket) bool { return s.Table == stack.Table(f) }
