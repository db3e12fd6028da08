package kernel

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"

	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/stack"
)

// TestReplayDump runs Sockets' dump over an nltest connection that
// answers with the recorded replies: the requests must be the recorded
// ones, in order, and the sockets those of the golden file.
func TestReplayDump(t *testing.T) {
	recs := readRecording(t, "testdata/replies/dump.bin")
	next := 0
	dc, _ := fakeDiag(func(req []byte) ([]netlink.Message, error) {
		if next >= len(recs) || !recs[next].sent {
			t.Fatalf("request %x beyond the recording", req)
		}
		want := append([]byte(nil), recs[next].b...)
		if !bytes.Equal(req, want) {
			t.Errorf("request %d:\n got %s\nwant %s", next, hex.EncodeToString(req), hex.EncodeToString(want))
		}
		next++
		var msgs []netlink.Message
		for ; next < len(recs) && !recs[next].sent; next++ {
			b := recs[next].b
			for len(b) >= nlmsgHdrLen {
				l := int(ne.Uint32(b))
				var m netlink.Message
				if err := m.UnmarshalBinary(b[:l]); err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, m)
				b = b[(l+3)&^3:]
			}
		}
		return msgs, nil
	})
	var socks []stack.Socket
	dd := &dumper{k: New(""), c: dc, q: fixtureQuery(), fn: func(s *stack.Socket) error {
		socks = append(socks, cloneSocket(s))
		return nil
	}}
	if err := dd.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if next != len(recs) {
		t.Errorf("used %d of %d records", next, len(recs))
	}
	checkRecordedDump(t, socks)
	if *update {
		return // TestDecodeRecordedDump writes the golden file
	}
	golden(t, "testdata/replies/dump.golden", socketsText(t, socks))
}
