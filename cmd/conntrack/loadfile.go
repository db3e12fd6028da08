package conntrack

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

// loadCmdText names the commands -R refuses.
var loadCmdText = map[int]string{
	cmdList: "-L", cmdGet: "-G", cmdEvent: "-E", cmdVersion: "-V", cmdHelp: "-h",
	cmdExpList: "-L expect", cmdExpCreate: "-C expect", cmdExpDelete: "-D expect",
	cmdExpGet: "-G expect", cmdExpFlush: "-F expect", cmdExpEvent: "-E expect",
	cmdCount: "-C", cmdExpCount: "-C expect", cmdStats: "-S", cmdExpStats: "-S expect",
}

// loadFile runs the commands of file (conntrack -R): every line is parsed
// first, then the commands run in order.
func (r *runner) loadFile(name string) error {
	var in io.Reader
	if name == "-" {
		in = r.opts.IO.In
		if in == nil {
			in = os.Stdin
		}
	} else {
		open := r.opts.Open
		if open == nil {
			open = func(n string) (io.ReadCloser, error) { return os.Open(n) }
		}
		f, err := open(name)
		if err != nil {
			return paramErrorf("Failed to open file %s for reading", name)
		}
		defer f.Close()
		in = f
	}
	cmds, err := r.parseFile(in)
	if err != nil {
		return err
	}
	for _, c := range cmds {
		switch c.cmd {
		case cmdCreate, cmdAdd, cmdUpdate, cmdDelete, cmdFlush:
		default:
			text, ok := loadCmdText[c.cmd]
			if !ok {
				text = "unknown"
			}
			return paramErrorf("Cannot use command `%s' with --load-file", text)
		}
	}
	for _, c := range cmds {
		r.count = 0
		if err := r.run(c); err != nil {
			return err
		}
	}
	return nil
}

// parseFile reads lines as conntrack's fgets loop does (10239 bytes at
// most per read) and parses each.
func (r *runner) parseFile(in io.Reader) ([]*command, error) {
	br := bufio.NewReader(in)
	var cmds []*command
	const chunk = 10239
	for {
		line, err := readChunk(br, chunk)
		if len(line) == 0 && err != nil {
			break
		}
		args, skip, perr := lineArgs(line)
		if perr != nil {
			return nil, perr
		}
		if skip {
			continue
		}
		c, perr := parseArgsLabels(args, r.knownLabel)
		r.printWarnings(c)
		if perr != nil {
			return nil, perr
		}
		cmds = append(cmds, c)
	}
	return cmds, nil
}

// readChunk reads up to n bytes, stopping after a newline (fgets).
func readChunk(br *bufio.Reader, n int) ([]byte, error) {
	var b []byte
	for len(b) < n {
		c, err := br.ReadByte()
		if err != nil {
			return b, err
		}
		b = append(b, c)
		if c == '\n' {
			break
		}
	}
	return b, nil
}

// lineArgs splits one line into arguments as conntrack's
// add_param_to_argv does: blanks separate, double quotes group, and a
// backslash inside quotes escapes. skip is set for blank and comment
// lines.
func lineArgs(line []byte) (args []string, skip bool, err error) {
	line = bytes.TrimLeft(line, " \t")
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i] // C strings end at NUL
	}
	if len(line) > 0 && (line[0] == '\n' || line[0] == '#') {
		return nil, true, nil
	}
	var param []byte
	quoteOpen, escaped := false, false
	add := func(c byte) error {
		param = append(param, c)
		if len(param) >= 1024 {
			return paramErrorf("Parameter too long!")
		}
		return nil
	}
	flush := func() error {
		if len(args)+2 >= 255 {
			return paramErrorf("too many arguments")
		}
		args = append(args, string(param))
		param = param[:0]
		return nil
	}
	for _, c := range line {
		if quoteOpen {
			switch {
			case escaped:
				if err := add(c); err != nil {
					return nil, false, err
				}
				escaped = false
				continue
			case c == '\\':
				escaped = true
				continue
			case c == '"':
				quoteOpen = false
			default:
				if err := add(c); err != nil {
					return nil, false, err
				}
				continue
			}
		} else if c == '"' {
			quoteOpen = true
			continue
		}
		switch c {
		case '"':
		case ' ', '\t', '\n':
			if len(param) == 0 {
				continue
			}
		default:
			if err := add(c); err != nil {
				return nil, false, err
			}
			continue
		}
		if err := flush(); err != nil {
			return nil, false, err
		}
	}
	if len(param) > 0 {
		if err := flush(); err != nil {
			return nil, false, err
		}
	}
	return args, false, nil
}
