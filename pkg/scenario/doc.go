// Package scenario loads the scenario files the reference stack runs: the
// hosts, switches and links of a topology, each host's sysctls and NIC
// settings, the workloads, a seed and a duration.
//
// The types are plain data with every default filled in; the simulator and
// the NIC model give them behaviour and check what only they know (sysctl
// names, qdisc and congestion control names, NIC limits).
//
// # A scenario file
//
//	name: web                      # default: the file's base name
//	description: free text
//	seed: 42                       # default 1
//	duration: 5s                   # required: virtual time to run
//	hosts:
//	  - name: server
//	    cpus: 4                    # default 1
//	    interfaces:
//	      - name: eth0             # at most 15 bytes
//	        addresses: [10.0.2.10/24, fd00::10/64]
//	        mtu: 1500              # default 1500
//	        mac: 02:00:00:00:00:01 # default: derived by the simulator
//	        txqueuelen: 1000
//	        qdisc: fq_codel
//	        nic:                   # NIC model settings; absent = model defaults
//	          model: ixgbe
//	          rings: {rx: 512, tx: 512, rx_max: 4096, tx_max: 4096}
//	          channels: {combined: 4, combined_max: 8}   # also rx, tx, other(_max)
//	          coalesce: {rx_usecs: 50, rx_frames: 64, tx_usecs: 50, tx_frames: 64, adaptive_rx: on, adaptive_tx: off}
//	          offloads: {tso: on, gso: on, gro: on, lro: off, rx_checksum: on, tx_checksum: on, sg: on, rxhash: on}
//	          rss: {key: "6d:5a:56:da", indirection: [0, 1, 2, 3]}
//	    routes:
//	      - to: default            # or default6, or a prefix like 10.0.1.0/24
//	        via: 10.0.2.1          # a gateway in an interface's subnet
//	        dev: eth0              # optional
//	    sysctls:                   # applied in file order; values kept as text
//	      net.ipv4.ip_forward: 1   # a host with ip_forward routes
//	      net.ipv4.tcp_rmem: 4096 131072 6291456
//	    firewall:                  # netfilter; absent = no rules, no conntrack
//	      conntrack: on            # track connections without a rule needing it
//	      input:                   # also prerouting, forward, output, postrouting
//	        policy: DROP           # ACCEPT (default) or DROP
//	        rules:                 # iptables syntax without the chain, tried in order
//	          - -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
//	          - -p tcp --dport 80 -j ACCEPT
//	switches:
//	  - name: sw0                  # a learning switch
//	links:
//	  - name: uplink               # optional
//	    endpoints: [server:eth0, sw0]  # host:interface, or a switch
//	    bandwidth: 1Gbit           # required
//	    delay: 2ms                 # one way
//	    jitter: 100us              # extra delay, uniform in [0, jitter]
//	    loss: 0.1%
//	    reorder: 0.5%
//	    queue: 1000p               # or bytes: 256KB; default 1000p
//	workloads:
//	  - name: http                 # default: the kind; shown as the process
//	    start: 100ms               # default 0
//	    stop: 5s                   # default: the duration
//	    reqresp: {...}             # exactly one of the kinds below
//
// # Workload kinds
//
// Every kind that connects names a server host, an optional address (one of
// the server's; default its first address of a family the clients have) and
// a port (default per kind). Socket options (socket:, server_socket:) are
// nodelay, cork, sndbuf, rcvbuf, congestion, maxseg, keepalive, keepidle,
// keepintvl, keepcnt and linger.
//
//	bulk:     client, server, address, port (5201), streams (1), bytes (0 = until stop),
//	          write (128KiB), reverse, backlog, socket, server_socket
//	reqresp:  clients [list], server, address, port (80), concurrency (1), request (100B),
//	          response (1KB), think, service, rate (0 = closed loop), requests,
//	          new_connection, backlog, accept_rate, socket, server_socket
//	storm:    client, server, address, port (8080), rate, concurrency, count, request (100B),
//	          response (1KB), closer (client|server), backlog, accept_rate, socket, server_socket
//	udp:      client, server, address, port (5201), size (1472B), rate or interval,
//	          burst (1), flows (1), count, server_socket
//	synflood: source, server, address, port (80), rate (required), spoof (a prefix), count
//	idle:     client, server, address, port (22), count (1), backlog, socket, server_socket
//
// # Units
//
//   - Durations: a number and ns, us (µs), ms, s, m or h: "1.5s", "200ms",
//     "40us", "1m"; never negative.
//   - Bit rates: a number and bit, Kbit, Mbit or Gbit, decimal (1Kbit = 1000
//     bit/s), optionally "/s": "1Gbit", "2.5Mbit/s". "bps" is refused because
//     tc reads it as bytes per second.
//   - Sizes: SI units are decimal and IEC units binary, as their names say:
//     1KB = 1000 bytes, 1KiB = 1024; B, KB, MB, GB, KiB, MiB, GiB; a bare
//     integer is bytes.
//   - Percentages: "0.1%", from 0% to 100% in steps of 0.0001%.
//   - Queue limits: packets "1000p", or a size "256KB".
//   - Event rates: "100/s" or a bare number per second.
//   - Distributions of sizes or durations: "4KB" (fixed), "exp:4KB"
//     (exponential with that mean), "uniform:1KB-8KB".
//   - Booleans: true, false, on, off.
//
// # Errors
//
// Problems are reported as "file:line: field: message", for example
//
//	web.yaml:12: links[0].bandwidth: bad rate "1Gbitt" (want a number and a unit: bit, Kbit, Mbit, Gbit)
//
// Parse returns an ErrorList with every problem found, one a line, at most
// 20: all syntax, unknown-field and bad-value errors if there are any (the
// semantic checks would only repeat them), else all semantic errors
// (unknown hosts, duplicate names, address conflicts, a workload's address
// not on its server, times outside the scenario).
//
// # Shipped scenarios
//
// The scenarios in scenarios/ are built in: Shipped lists them, LoadShipped
// loads one by name and Resolve takes a file path or a name (a file wins).
// testdata/scenarios/ at the repository root holds identical copies.
package scenario
