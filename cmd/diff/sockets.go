package diff

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// sockKey identifies a socket across two stacks: its table, state and
// both ends.
type sockKey struct {
	Netid string `json:"netid"`
	State string `json:"state"`
	Local string `json:"local"`
	Peer  string `json:"peer"`
}

// stateRow is one line of the state histogram.
type stateRow struct {
	Netid string `json:"netid"`
	State string `json:"state"`
	A     int    `json:"a"`
	B     int    `json:"b"`
	Diff  int    `json:"diff"`
}

// sockView is the sockets view of two stacks.
type sockView struct {
	States []stateRow `json:"states"`
	OnlyA  []sockKey  `json:"only_a"`
	OnlyB  []sockKey  `json:"only_b"`
}

// diffQuery selects every TCP and UDP socket, in every state.
var diffQuery = stack.SocketQuery{
	Tables: stack.TableSet(0).With(stack.TableUDP).With(stack.TableTCP),
	States: stack.StatesAll | 1<<stack.StateNewSynRecv,
}

// readSockets lists t's TCP and UDP sockets as keys, sorted.
func readSockets(ctx context.Context, t Target) ([]sockKey, error) {
	var out []sockKey
	err := t.Sockets(ctx, diffQuery, func(s *stack.Socket) error {
		st := s.State
		if st == stack.StateNewSynRecv {
			st = stack.StateSynRecv
		}
		out = append(out, sockKey{s.Table.Netid(), st.String(), endpoint(s.Local), endpoint(s.Peer)})
		return nil
	})
	slices.SortFunc(out, compareKeys)
	return out, err
}

func compareKeys(a, b sockKey) int {
	return cmp.Or(cmp.Compare(a.Netid, b.Netid), cmp.Compare(a.State, b.State),
		cmp.Compare(a.Local, b.Local), cmp.Compare(a.Peer, b.Peer))
}

// endpoint writes an address and port as ss does, "*" for a wildcard.
func endpoint(e stack.Endpoint) string {
	addr := "*"
	if e.Addr.IsValid() && !e.Addr.IsUnspecified() {
		addr = e.Addr.String()
		if e.Addr.Is6() && !e.Addr.Is4In6() {
			addr = "[" + addr + "]"
		}
	}
	port := "*"
	if e.Port != 0 {
		port = strconv.Itoa(int(e.Port))
	}
	return addr + ":" + port
}

// diffSockets builds the view of two sorted socket lists; all keeps the
// histogram's equal lines.
func diffSockets(a, b []sockKey, all bool) sockView {
	v := sockView{States: []stateRow{}, OnlyA: []sockKey{}, OnlyB: []sockKey{}}
	type hk struct{ netid, state string }
	count := map[hk]*stateRow{}
	var order []hk
	tally := func(k sockKey, side int) {
		key := hk{k.Netid, k.State}
		r := count[key]
		if r == nil {
			r = &stateRow{Netid: k.Netid, State: k.State}
			count[key] = r
			order = append(order, key)
		}
		if side == 0 {
			r.A++
		} else {
			r.B++
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var c int
		switch {
		case i == len(a):
			c = 1
		case j == len(b):
			c = -1
		default:
			c = compareKeys(a[i], b[j])
		}
		switch {
		case c < 0:
			v.OnlyA = append(v.OnlyA, a[i])
			tally(a[i], 0)
			i++
		case c > 0:
			v.OnlyB = append(v.OnlyB, b[j])
			tally(b[j], 1)
			j++
		default:
			tally(a[i], 0)
			tally(b[j], 1)
			i, j = i+1, j+1
		}
	}
	slices.SortFunc(order, func(x, y hk) int {
		return cmp.Or(cmp.Compare(x.netid, y.netid), cmp.Compare(stateRank(x.state), stateRank(y.state)))
	})
	for _, k := range order {
		r := count[k]
		r.Diff = r.B - r.A
		if all || r.Diff != 0 {
			v.States = append(v.States, *r)
		}
	}
	return v
}

// stateRank orders states as the kernel numbers them.
func stateRank(name string) int {
	for s := stack.State(0); s < 14; s++ {
		if s.String() == name {
			return int(s)
		}
	}
	return 99
}

// showSockets prints the sockets view and reports whether a and b differ.
func showSockets(ctx context.Context, opts *Options, a, b *TargetSpec, ta, tb Target) (bool, error) {
	sa, err := readSockets(ctx, ta)
	if err != nil {
		return false, fmt.Errorf("%s: %w", a, err)
	}
	sb, err := readSockets(ctx, tb)
	if err != nil {
		return false, fmt.Errorf("%s: %w", b, err)
	}
	v := diffSockets(sa, sb, opts.All)
	differ := len(v.OnlyA) > 0 || len(v.OnlyB) > 0
	w := bufio.NewWriter(opts.IO.Out)
	if opts.JSON {
		err = json.NewEncoder(w).Encode(struct {
			View string `json:"view"`
			A    string `json:"a"`
			B    string `json:"b"`
			sockView
		}{"sockets", a.Text, b.Text, v})
	} else {
		err = writeSocketsText(w, a, b, &v)
	}
	if err != nil {
		return differ, err
	}
	return differ, w.Flush()
}

func writeSocketsText(w io.Writer, a, b *TargetSpec, v *sockView) error {
	rows := make([][]string, len(v.States))
	for i, r := range v.States {
		rows[i] = []string{r.Netid, r.State, strconv.Itoa(r.A), strconv.Itoa(r.B), signed(int64(r.Diff))}
	}
	if err := writeTable(w, []string{"netid", "state", a.Text, b.Text, "B-A"}, rows, []bool{false, false, true, true, true}); err != nil {
		return err
	}
	for _, side := range []struct {
		name  string
		socks []sockKey
	}{{"A (" + a.Text + ")", v.OnlyA}, {"B (" + b.Text + ")", v.OnlyB}} {
		fmt.Fprintf(w, "\nonly in %s: %d\n", side.name, len(side.socks))
		if len(side.socks) == 0 {
			continue
		}
		rows := make([][]string, len(side.socks))
		for i, s := range side.socks {
			rows[i] = []string{s.Netid, s.State, s.Local, s.Peer}
		}
		if err := writeTable(w, []string{"netid", "state", "local", "peer"}, rows, nil); err != nil {
			return err
		}
	}
	return nil
}
