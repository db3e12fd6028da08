package ss

import (
	"io"
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// benchSockets makes n established TCP sockets with tcp_info, half IPv4
// and half IPv6, the shape of a busy server.
func benchSockets(n int) []stack.Socket {
	socks := make([]stack.Socket, n)
	for i := range socks {
		s := &socks[i]
		s.Table, s.Protocol, s.State = stack.TableTCP, 6, stack.StateEstablished
		if i%2 == 0 {
			s.Family = afInet
			s.Local = stack.Endpoint{Addr: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Port: 443}
			s.Peer = stack.Endpoint{Addr: netip.AddrFrom4([4]byte{192, 168, byte(i >> 16), byte(i >> 3)}), Port: uint16(32768 + i%28000)}
		} else {
			s.Family = afInet6
			s.Local = stack.Endpoint{Addr: netip.MustParseAddr("2001:db8::1"), Port: 8080}
			s.Peer = stack.Endpoint{Addr: netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i), 14: byte(i >> 8)}), Port: uint16(40000 + i%20000)}
		}
		s.RecvQ, s.SendQ, s.Inode, s.Cookie = uint32(i%7), uint32(i%1000), uint32(100000+i), uint64(i)
		s.TCP = &stack.TCPInfo{Len: 232, Options: 7, SndWscale: 7, RcvWscale: 7, RTO: 204000, RTT: 1234 + uint32(i%100), RTTVar: 300,
			SndMSS: 1448, RcvMSS: 1448, AdvMSS: 1448, SndCwnd: 10, SndSsthresh: 1 << 31, Reordering: 3, BytesAcked: uint64(i) * 1000,
			BytesReceived: uint64(i) * 77, SegsOut: 100, SegsIn: 90, PacingRate: 12345678, DeliveryRate: 1234567, MinRTT: 1000,
			LastDataSent: 100, LastDataRecv: 200, LastAckRecv: 300, RcvSpace: 14480, RcvSsthresh: 64088, SndWnd: 65535, Delivered: 50}
		s.Cong = "cubic"
	}
	return socks
}

func benchmarkRender(b *testing.B, o Options) {
	socks := benchSockets(80000)
	o.Tables, o.States = 1<<stack.TableTCP, ssAll
	o.Numeric = true
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := NewWriter(io.Discard, o)
		for j := range socks {
			w.Socket(&socks[j])
		}
		w.Flush()
	}
}

// BenchmarkRender renders 80000 sockets like ss -tan and ss -tani.
func BenchmarkRender(b *testing.B) {
	b.Run("tan", func(b *testing.B) { benchmarkRender(b, Options{}) })
	b.Run("tani", func(b *testing.B) { benchmarkRender(b, Options{Info: true}) })
	b.Run("tan-resolve-services", func(b *testing.B) {
		socks := benchSockets(80000)
		o := Options{Tables: 1 << stack.TableTCP, States: ssAll, DB: testDB(), EphemeralPorts: [2]uint16{32768, 60999}}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			w := NewWriter(io.Discard, o)
			for j := range socks {
				w.Socket(&socks[j])
			}
			w.Flush()
		}
	})
	b.Run("json-tani", func(b *testing.B) { benchmarkRender(b, Options{Info: true, JSON: true}) })
}
