// Package stack is the seam between stackbox's applets and the network stacks
// they inspect: the host kernel (package kernel) and the reference stack
// (package ref). Applets turn their arguments into a query, ask a Stack, and
// hand the plain values it returns to package report. Only the
// implementations of Stack know where the values come from.
package stack
