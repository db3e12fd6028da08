// Package cc is the reference stack's TCP congestion control, modelled on
// Linux's pluggable congestion control (struct tcp_congestion_ops in
// include/net/tcp.h, net/ipv4/tcp_cong.c).
//
// An Algorithm is one connection's instance of an algorithm ("reno",
// "cubic"); it keeps its private per-connection variables (Linux's
// inet_csk_ca area) and reads and writes the part of the socket that
// congestion control owns through a *State (Linux's tcp_sock fields). The
// TCP engine calls the hooks at the points Linux's tcp_input.c and
// tcp_output.c call the ops; each hook's documentation on Algorithm says
// where. Nothing in this package allocates on the per-ACK path, reads a
// wall clock or keeps global mutable state: time is whatever the engine
// puts in State with SetClock.
//
// The shared helpers of tcp_cong.c (tcp_slow_start, tcp_cong_avoid_ai,
// tcp_reno_ssthresh, tcp_reno_undo_cwnd) and tcp.h (tcp_in_slow_start,
// tcp_is_cwnd_limited) are methods of State and functions of this package.
package cc
