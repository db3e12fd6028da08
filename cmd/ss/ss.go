// Package ss is the ss applet: iproute2's ss over a stack.Stack.
package ss

import (
	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
)

// NewCmd builds the ss command.
func NewCmd(io *cli.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ss [OPTIONS] [FILTER]",
		Short: "investigate sockets",
		RunE: func(cmd *cobra.Command, args []string) error {
			return nil
		},
	}
	return cmd
}
