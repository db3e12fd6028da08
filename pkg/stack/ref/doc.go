// Package ref is the reference stack: a deterministic, discrete-event
// simulation of a Linux-like TCP/IP stack, running a scenario (hosts,
// links, settings, workloads; package scenario) in virtual time on one
// event loop (package sim) with one seeded random generator.
//
// A Network holds the hosts and the links between them. Each Host has its
// interfaces, addresses, routes and neighbours, a sysctl tree (package
// sysctl) with Linux's names and defaults, MIB counters with Linux's names
// incremented where Linux increments them, its sockets, a netfilter
// ruleset and a conntrack table. Packets are plain structs (Packet), taken
// from and returned to a free list, so that a simulation allocates with the
// packets in flight rather than with the bytes sent; application data is
// counted, not carried.
//
// Nothing here starts a goroutine or iterates a map into output: the same
// scenario and seed give the same events, counters and sockets on any
// machine and any GOMAXPROCS.
package ref
