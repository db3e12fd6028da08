package scenario

import (
	"testing"
	"time"
)

// everything sets every field the schema has at least once.
const everything = `name: all
description: every field
seed: 18446744073709551615
duration: 10s
hosts:
  - name: server
    cpus: 4
    interfaces:
      - name: eth0
        addresses: [10.0.2.10/24, fd00::10/64]
        mtu: 9000
        mac: 02:00:00:00:00:01
        txqueuelen: 500
        qdisc: fq_codel
        nic:
          model: ixgbe
          rings: {rx: 512, tx: 512, rx_max: 4096, tx_max: 4096}
          channels: {rx: 0, tx: 0, other: 1, combined: 4, rx_max: 0, tx_max: 0, other_max: 1, combined_max: 8}
          coalesce: {rx_usecs: 50, rx_frames: 64, tx_usecs: 50, tx_frames: 64, adaptive_rx: on, adaptive_tx: false}
          offloads: {tso: on, gso: on, gro: on, lro: off, rx_checksum: on, tx_checksum: on, sg: on, rxhash: on}
          rss: {key: "6d:5a:56:da", indirection: [0, 1, 2, 3]}
    routes:
      - to: default
        via: 10.0.2.1
        dev: eth0
        metric: 10
      - to: default6
        dev: eth0
    sysctls:
      net.ipv4.ip_forward: 1
  - name: client
    interfaces:
      - name: eth0
        addresses: [10.0.2.11/24, fd00::11/64]
switches:
  - name: sw0
links:
  - name: a
    endpoints: [server:eth0, sw0]
    bandwidth: 2.5Gbit/s
    delay: 2ms
    jitter: 100us
    loss: 0.1%
    reorder: 0.5%
    queue: 256KB
  - endpoints: [client:eth0, sw0]
    bandwidth: 100Mbit
workloads:
  - name: b
    bulk: {client: client, server: server, address: "fd00::10", port: 1, streams: 2, bytes: 1MiB, write: 4KB,
      reverse: true, backlog: 5, socket: {nodelay: true, cork: false, sndbuf: 1MB, rcvbuf: 2MB, congestion: bbr,
      maxseg: 1400, keepalive: true, keepidle: 10s, keepintvl: 2s, keepcnt: 3, linger: 0s}, server_socket: {rcvbuf: 4MiB}}
  - name: r
    start: 1s
    stop: 2s
    reqresp: {clients: [client], server: server, concurrency: 3, request: uniform:1KB-2KB, response: 10KB,
      think: exp:5ms, service: uniform:1ms-2ms, rate: 50/s, requests: 9, new_connection: true, backlog: 7, accept_rate: 10}
  - name: s
    storm: {client: client, server: server, rate: 100/s, concurrency: 4, count: 50, request: 1B, response: 0,
      closer: server, backlog: 8, accept_rate: 5/s}
  - name: u
    udp: {client: client, server: server, size: 64B, interval: 1ms, burst: 8, flows: 16, count: 1000}
  - name: f
    synflood: {source: client, server: server, rate: 1000/s, spoof: 198.51.100.0/24, count: 10}
  - name: i
    idle: {client: client, server: server, count: 5, socket: {keepalive: on, keepidle: 7200s}}
`

func TestParseEverything(t *testing.T) {
	s, err := Parse("all.yaml", []byte(everything))
	if err != nil {
		t.Fatal(err)
	}
	ifc := s.Hosts[0].Interfaces[0]
	if ifc.MTU != 9000 || ifc.MAC.String() != "02:00:00:00:00:01" || ifc.TxQueueLen != 500 || ifc.Qdisc != "fq_codel" {
		t.Errorf("interface %+v", ifc)
	}
	n := ifc.NIC
	if n.Model != "ixgbe" || *n.Channels.Other != 1 || *n.Channels.RX != 0 || *n.Coalesce.AdaptiveTX ||
		string(n.RSS.Key) != "\x6d\x5a\x56\xda" || len(n.RSS.Indirection) != 4 || *n.Offloads.LRO {
		t.Errorf("nic %+v", n)
	}
	if r := s.Hosts[0].Routes; r[0].Metric != 10 || r[1].To.String() != "::/0" || r[1].Via.IsValid() {
		t.Errorf("routes %+v", r)
	}
	if l := s.Links[0]; l.Bandwidth != 2.5e9 || l.Queue.Bytes != 256000 || l.Reorder != 5000 {
		t.Errorf("link %+v", l)
	}
	b := s.Workloads[0].Bulk
	if b.Address.String() != "fd00::10" || b.Bytes != 1<<20 || b.Socket.Linger == nil || *b.Socket.Linger != 0 ||
		b.Socket.KeepIdle != 10*time.Second || b.ServerSocket.RcvBuf != 4<<20 || b.Socket.Congestion != "bbr" {
		t.Errorf("bulk %+v", b)
	}
	r := s.Workloads[1].ReqResp
	if r.Request.Kind != DistUniform || r.Rate != 50 || !r.NewConnection || r.AcceptRate != 10 || r.Address.String() != "10.0.2.10" {
		t.Errorf("reqresp %+v", r)
	}
	if st := s.Workloads[2].Storm; st.Closer != CloserServer || st.Response != 0 || st.Request != 1 || st.Port != 8080 {
		t.Errorf("storm %+v", st)
	}
	if u := s.Workloads[3].UDP; u.Burst != 8 || u.Flows != 16 || u.Interval != time.Millisecond {
		t.Errorf("udp %+v", u)
	}
	if f := s.Workloads[4].SYNFlood; f.Spoof.String() != "198.51.100.0/24" || f.Count != 10 || f.Port != 80 {
		t.Errorf("synflood %+v", f)
	}
	if i := s.Workloads[5].Idle; i.Count != 5 || !i.Socket.Keepalive || i.Port != 22 {
		t.Errorf("idle %+v", i)
	}
}
