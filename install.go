package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stackbox/stackbox/pkg/cli"
)

// install creates a link named after every applet in a directory, pointing
// at this binary. It refuses to replace a file that is not already a link
// to stackbox unless --force is given.
func install(io *cli.IO, args []string) error {
	fset := flag.NewFlagSet("install", flag.ContinueOnError)
	fset.SetOutput(io.ErrOut)
	force := fset.Bool("force", false, "replace existing files")
	if err := fset.Parse(args); err != nil {
		return cli.Exit(2)
	}
	if fset.NArg() != 1 {
		return cli.Errorf(2, "usage: %s --install DIR [--force]", binaryName)
	}
	dir := fset.Arg(0)
	self, err := os.Executable()
	if err != nil {
		return cli.Errorf(1, "%s --install: %v", binaryName, err)
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return cli.Errorf(1, "%s --install: %v", binaryName, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return cli.Errorf(1, "%s --install: %s is not a directory", binaryName, dir)
	}
	return installLinks(io, self, dir, *force)
}

func installLinks(io *cli.IO, self, dir string, force bool) error {
	var failed bool
	for _, a := range applets {
		link := filepath.Join(dir, a.Name)
		if err := installLink(self, link, force); err != nil {
			fmt.Fprintf(io.ErrOut, "%s --install: %v\n", binaryName, err)
			failed = true
			continue
		}
		fmt.Fprintf(io.Out, "%s -> %s\n", link, self)
	}
	if failed {
		return cli.Exit(1)
	}
	return nil
}

// installLink makes link a symbolic link to self.
func installLink(self, link string, force bool) error {
	st, err := os.Lstat(link)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.Symlink(self, link)
	case err != nil:
		return err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if target, err := filepath.EvalSymlinks(link); err == nil && target == self {
			return nil // already ours
		}
	}
	if !force {
		return fmt.Errorf("%s exists and is not a link to %s (use --force to replace it)", link, self)
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory", link)
	}
	tmp := link + ".stackbox-tmp"
	os.Remove(tmp)
	if err := os.Symlink(self, tmp); err != nil {
		return err
	}
	return os.Rename(tmp, link)
}
