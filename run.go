package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
)

const binaryName = "stackbox"

// run dispatches args (argv with argv[0]) to an applet.
func run(io *cli.IO, args []string) error {
	name := filepath.Base(args[0])
	if a := findApplet(name); a != nil {
		return runApplet(io, a, args[1:])
	}
	if len(args) < 2 {
		listApplets(io)
		return nil
	}
	args, err := leadingSim(args)
	if err != nil {
		return err
	}
	switch args[1] {
	case "-h", "--help", "help":
		listApplets(io)
		return nil
	case "--list":
		for _, a := range applets {
			fmt.Fprintln(io.Out, a.Name)
		}
		return nil
	case "--install":
		return install(io, args[2:])
	case "completion":
		return completion(io, args[2:])
	}
	if a := findApplet(args[1]); a != nil {
		return runApplet(io, a, args[2:])
	}
	return cli.Errorf(1, "%s: unknown applet %q (run %s to list them)", binaryName, args[1], binaryName)
}

func findApplet(name string) *cli.Applet {
	for i := range applets {
		if applets[i].Name == name {
			return &applets[i]
		}
	}
	return nil
}

func runApplet(io *cli.IO, a *cli.Applet, args []string) error {
	cmd := a.New(io)
	cmd.SetArgs(args)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	err := cmd.Execute()
	var exit *cli.ExitError
	if err != nil && !errors.As(err, &exit) && strings.HasPrefix(err.Error(), "unknown command ") {
		// cobra's own message for an applet's unknown subcommand (sim,
		// tune): a usage error, one line, exit status 2.
		return cli.Errorf(2, "%s: %v (see --help)", a.Name, err)
	}
	return err
}

func listApplets(io *cli.IO) {
	fmt.Fprintf(io.Out, "Usage: %s APPLET [ARGS...]\n       APPLET [ARGS...]   (through a link named after the applet)\n", binaryName)
	fmt.Fprintf(io.Out, "       %s --install DIR [--force]\n       %s completion bash|zsh|fish\n\nApplets:\n", binaryName, binaryName)
	names := make([]string, 0, len(applets))
	width := 0
	for _, a := range applets {
		names = append(names, a.Name)
		width = max(width, len(a.Name))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(io.Out, "  %-*s  %s\n", width, n, findApplet(n).Short)
	}
}

// rootCommand builds a cobra tree holding every applet, for completions.
func rootCommand(io *cli.IO) *cobra.Command {
	root := &cobra.Command{Use: binaryName, Short: "network stack toolbox"}
	for _, a := range applets {
		root.AddCommand(a.New(io))
	}
	return root
}

func completion(io *cli.IO, args []string) error {
	if len(args) != 1 {
		return cli.Errorf(2, "usage: %s completion bash|zsh|fish", binaryName)
	}
	root := rootCommand(io)
	switch strings.ToLower(args[0]) {
	case "bash":
		return root.GenBashCompletionV2(io.Out, true)
	case "zsh":
		return root.GenZshCompletion(io.Out)
	case "fish":
		return root.GenFishCompletion(io.Out, true)
	}
	return cli.Errorf(2, "%s completion: unknown shell %q (want bash, zsh or fish)", binaryName, args[0])
}

// leadingSim moves the target options written before the applet's name
// (`stackbox --sim NAME ethtool -G eth0 rx 4096`) after it, where every
// applet takes them: --sim, --at and --host, each with its value as the
// next word or after "=".
func leadingSim(args []string) ([]string, error) {
	var moved []string
	i := 1
	for i < len(args) {
		a := args[i]
		name, _, hasValue := strings.Cut(a, "=")
		if name != "--sim" && name != "--at" && name != "--host" {
			break
		}
		if hasValue {
			moved = append(moved, a)
			i++
			continue
		}
		if i+1 >= len(args) {
			return nil, cli.Errorf(2, "%s: option %s needs a value", binaryName, a)
		}
		moved = append(moved, a, args[i+1])
		i += 2
	}
	if len(moved) == 0 {
		return args, nil
	}
	if i >= len(args) {
		return nil, cli.Errorf(2, "%s: %s: no applet named after it", binaryName, strings.Join(moved, " "))
	}
	out := append([]string{args[0], args[i]}, moved...)
	return append(out, args[i+1:]...), nil
}
