// Command sockmix creates the socket mix of package sockmix in its network
// namespace, prints one line per group of sockets, then "ready", and holds
// the sockets until its standard input closes or it is signalled.
//
// Usage (as root, inside a throwaway namespace):
//
//	ip netns exec NS sockmix -dir /tmp/sbtXXXX [-dev IF -dev4 ADDR -dev6 ADDR]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stackbox/stackbox/internal/sockmix"
)

func main() {
	var cfg sockmix.Config
	flag.StringVar(&cfg.Dir, "dir", "", "directory for unix sockets with path names (required)")
	flag.StringVar(&cfg.Dev, "dev", "", "extra interface to put sockets on")
	flag.StringVar(&cfg.Dev4, "dev4", "", "IPv4 address of the extra interface")
	flag.StringVar(&cfg.Dev6, "dev6", "", "IPv6 address of the extra interface")
	flag.BoolVar(&cfg.NoMPTCP, "no-mptcp", false, "leave out MPTCP sockets")
	flag.Parse()
	if cfg.Dir == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: sockmix -dir DIR [-dev IF -dev4 ADDR -dev6 ADDR] [-no-mptcp]")
		os.Exit(2)
	}
	m, err := sockmix.Build(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, e := range m.Entries {
		fmt.Printf("%s: %s\n", e.Kind, e.Desc)
	}
	for _, s := range m.Skipped {
		fmt.Printf("skipped: %s\n", s)
	}
	if err := m.Settle(5 * time.Second); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ready")

	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-done:
	case <-sig:
	}
	m.Close()
}
