// Package ssprof profiles the ss applet in process, on a namespace filled
// by bench/sockfill (see bench/README.md):
//
//	NS=name go test -run '^$' -bench SS -benchtime 20x -cpuprofile cpu.prof ./bench/ssprof
//
// ARGS replaces the arguments after -N NS (default -tan).
package ssprof

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/cmd/ss"
	"github.com/stackbox/stackbox/pkg/cli"
)

func BenchmarkSS(b *testing.B) {
	ns := os.Getenv("NS")
	if ns == "" {
		b.Skip("set NS to a namespace filled with bench/sockfill")
	}
	args := []string{"-N", ns, "-tan"}
	if a := os.Getenv("ARGS"); a != "" {
		args = append(args[:2], strings.Fields(a)...)
	}
	for i := 0; i < b.N; i++ {
		cmd := ss.NewCmd(&cli.IO{Out: io.Discard, ErrOut: os.Stderr, Getenv: os.Getenv})
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			b.Fatal(err)
		}
	}
}
