package kernel

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// FuzzDecodeMessages feeds arbitrary datagrams to the sock_diag message
// walker and the decoders of every family: they must never panic.
func FuzzDecodeMessages(f *testing.F) {
	for _, file := range []string{"testdata/replies/dump.bin", "testdata/replies/events.bin"} {
		if _, err := os.Stat(file); err != nil {
			continue
		}
		var req []byte
		for _, r := range readRecording(f, file) {
			if r.sent {
				req = r.b
				continue
			}
			table := byte(stack.TableNone)
			if req != nil && (req[nlmsgHdrLen] == afInet || req[nlmsgHdrLen] == afInet6) {
				table = byte(requestTable(req))
			}
			f.Add(r.b, table)
		}
	}
	f.Add(msg(sockDiagByFamily, make([]byte, inetDiagMsgLen)), byte(stack.TableTCP))
	f.Fuzz(func(t *testing.T, data []byte, table byte) {
		var d decoder
		_ = walkMessages(data, "dump", func(typ uint16, b []byte) error {
			if len(b) == 0 {
				return nil
			}
			var s *stack.Socket
			var err error
			switch b[0] {
			case afInet, afInet6:
				s, err = d.decodeInet(stack.Table(table%11), b)
			case afUnix:
				s, err = d.decodeUnix(allTables(), b)
			case afPacket:
				s, err = d.decodePacket(allTables(), b)
			case afNetlink:
				s, err = d.decodeNetlink(b)
			default:
				// Any family byte: try every decoder.
				_, _ = d.decodeInet(stack.TableTCP, b)
				_, _ = d.decodeInet(stack.TableMPTCP, b)
				_, _ = d.decodeUnix(allTables(), b)
				_, _ = d.decodePacket(allTables(), b)
				_, _ = d.decodeNetlink(b)
				return nil
			}
			if err == nil && s == nil && b[0] != afUnix && b[0] != afPacket {
				t.Fatal("no socket and no error")
			}
			return nil
		})
	})
}

// FuzzParseProcNet feeds arbitrary /proc/net tables to their parser.
func FuzzParseProcNet(f *testing.F) {
	for _, name := range []string{"tcp", "tcp6", "udp", "raw"} {
		if b, err := os.ReadFile("testdata/nettables/" + name); err == nil {
			f.Add(string(b), name == "tcp6")
		}
	}
	f.Fuzz(func(t *testing.T, text string, v6 bool) {
		var d decoder
		family := uint8(afInet)
		if v6 {
			family = afInet6
		}
		for _, table := range []stack.Table{stack.TableTCP, stack.TableUDP, stack.TableRaw} {
			err := d.parseProcNet("tcp", strings.NewReader(text), table, family, func(s *stack.Socket) error {
				if !s.Local.Addr.IsValid() {
					t.Fatalf("socket without an address from %q", text)
				}
				return nil
			})
			if err != nil && !strings.HasPrefix(err.Error(), "tcp:") {
				t.Fatalf("error %q does not name the file", err)
			}
		}
	})
}

// FuzzParseSummary feeds arbitrary sockstat and snmp files to their
// parsers.
func FuzzParseSummary(f *testing.F) {
	for _, name := range []string{"sockstat", "sockstat6", "snmp"} {
		if b, err := os.ReadFile("testdata/summary/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var st sockstat
		if err := parseSockstat("sockstat", bytes.NewReader(data), &st); err != nil && !strings.HasPrefix(err.Error(), "sockstat:") {
			t.Fatalf("error %q does not name the file", err)
		}
		_ = summary(&st, 0)
		if _, err := parseSnmpValue("snmp", bytes.NewReader(data), "Tcp", "CurrEstab"); err != nil && !strings.HasPrefix(err.Error(), "snmp") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}
