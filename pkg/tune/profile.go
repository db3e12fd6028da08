package tune

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Kind tells sysctl settings from NIC settings.
type Kind string

// Setting kinds.
const (
	KindSysctl Kind = "sysctl"
	KindNIC    Kind = "nic"
)

// Op is a setting's modifier.
type Op string

// Modifiers: set the value, only raise to it, only lower to it.
const (
	OpSet   Op = ""
	OpRaise Op = ">"
	OpLower Op = "<"
)

// Setting is one line of a profile.
type Setting struct {
	Kind Kind `json:"kind"`
	// Name is the sysctl's dotted name; for a NIC setting GROUP.PARAM.
	Name string `json:"name"`
	// Dev is the NIC a NIC setting is for; "" is every NIC.
	Dev string `json:"dev,omitempty"`
	// Group and Param split a NIC setting's name.
	Group string `json:"group,omitempty"`
	Param string `json:"param,omitempty"`
	Op    Op     `json:"op,omitempty"`
	// Value is the value without the modifier, fields separated by
	// single spaces: numbers, words, "on"/"off", or for rings and
	// channels "max" or "max/N" (the NIC's maximum, divided by N).
	Value string `json:"value"`
	Line  int    `json:"line,omitempty"`
}

// Key returns the setting as a profile writes its key.
func (s Setting) Key() string {
	if s.Kind == KindNIC {
		return s.Group + "." + s.Param
	}
	return s.Name
}

// Profile is a named list of settings, applied in order.
type Profile struct {
	Name    string    `json:"name"`
	Summary string    `json:"summary,omitempty"`
	Source  string    `json:"source"` // "built-in" or the file's path
	Set     []Setting `json:"settings"`
}

// maxProfileSize bounds a profile file.
const maxProfileSize = 1 << 20

// ParseError is a syntax error in a profile.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Parse reads a profile in tune's format (see the package doc), file
// naming it in errors.
func Parse(file string, data []byte) (*Profile, error) {
	if len(data) > maxProfileSize {
		return nil, &ParseError{file, 0, fmt.Sprintf("larger than %d bytes", maxProfileSize)}
	}
	p := &Profile{Source: file}
	section, dev := "", ""
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 0, 4096), maxProfileSize+1)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' || text[0] == ';' {
			continue
		}
		perr := func(format string, args ...any) error {
			return &ParseError{file, line, fmt.Sprintf(format, args...)}
		}
		for _, c := range text {
			if c < ' ' && c != '\t' || c == 0x7f {
				return nil, perr("control character in line")
			}
		}
		if text[0] == '[' {
			if !strings.HasSuffix(text, "]") {
				return nil, perr("section header without ']'")
			}
			f := strings.Fields(text[1 : len(text)-1])
			switch {
			case len(f) == 1 && (f[0] == "main" || f[0] == "sysctl" || f[0] == "nic"):
				section, dev = f[0], ""
			case len(f) == 2 && f[0] == "nic":
				if !validDev(f[1]) {
					return nil, perr("bad interface name %q", f[1])
				}
				section, dev = "nic", f[1]
			default:
				return nil, perr("unknown section %q (want [main], [sysctl], [nic] or [nic NAME])", text)
			}
			continue
		}
		key, val, ok := strings.Cut(text, "=")
		if !ok {
			return nil, perr("want KEY = VALUE")
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if i := strings.Index(val, " #"); i >= 0 {
			val = strings.TrimSpace(val[:i])
		}
		if key == "" {
			return nil, perr("empty key")
		}
		switch section {
		case "":
			return nil, perr("setting %q outside a section", key)
		case "main":
			switch key {
			case "summary":
				p.Summary = val
			case "name":
				if !validProfileName(val) {
					return nil, perr("bad profile name %q", val)
				}
				p.Name = val
			default:
				return nil, perr("unknown [main] key %q (want name or summary)", key)
			}
			continue
		}
		s := Setting{Kind: KindSysctl, Line: line}
		if section == "nic" {
			s.Kind, s.Dev = KindNIC, dev
		}
		if val != "" && (val[0] == '>' || val[0] == '<') {
			s.Op, val = Op(val[:1]), strings.TrimSpace(val[1:])
		}
		s.Value = normalize(val)
		if s.Value == "" {
			return nil, perr("%s: empty value", key)
		}
		if err := s.check(key); err != nil {
			return nil, perr("%v", err)
		}
		if slices.ContainsFunc(p.Set, func(o Setting) bool { return o.Kind == s.Kind && o.Dev == s.Dev && o.Name == s.Name }) {
			return nil, perr("%s set twice", key)
		}
		p.Set = append(p.Set, s)
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{file, line + 1, err.Error()}
	}
	return p, nil
}

// check validates a setting's key and value and fills its names.
func (s *Setting) check(key string) error {
	if s.Kind == KindSysctl {
		key = strings.ReplaceAll(key, "/", ".")
		if !validName(key) {
			return fmt.Errorf("bad sysctl name %q", key)
		}
		s.Name = key
		if s.Op != OpSet {
			for _, f := range strings.Fields(s.Value) {
				if _, err := strconv.ParseInt(f, 10, 64); err != nil {
					return fmt.Errorf("%s: %s needs integers, not %q", key, s.Op, f)
				}
			}
		}
		return nil
	}
	g, p, ok := strings.Cut(key, ".")
	if !ok || !slices.Contains(NICGroups, g) {
		return fmt.Errorf("bad NIC setting %q (want rings.X, channels.X, coalesce.X or offload.X)", key)
	}
	s.Group, s.Param, s.Name = g, p, key
	if g == GroupOffload {
		if !validFeature(p) {
			return fmt.Errorf("bad offload name %q", p)
		}
		if s.Op != OpSet || (s.Value != "on" && s.Value != "off") {
			return fmt.Errorf("%s: want on or off", key)
		}
		return nil
	}
	if !slices.Contains(groupParams(g), p) {
		return fmt.Errorf("unknown %s parameter %q (want one of %s)", g, p, strings.Join(groupParams(g), ", "))
	}
	if strings.HasPrefix(p, "adaptive-") {
		if s.Op != OpSet || (s.Value != "on" && s.Value != "off") {
			return fmt.Errorf("%s: want on or off", key)
		}
		return nil
	}
	if _, _, err := relative(s.Value); err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	if strings.HasPrefix(s.Value, "max") && g == GroupCoalesce {
		return fmt.Errorf("%s: coalescing has no maximum", key)
	}
	return nil
}

// relative parses a NIC value: a number (div 0), "max" (div 1) or
// "max/N".
func relative(v string) (n uint32, div uint32, err error) {
	if rest, ok := strings.CutPrefix(v, "max"); ok {
		if rest == "" {
			return 0, 1, nil
		}
		d, ok := strings.CutPrefix(rest, "/")
		if !ok {
			return 0, 0, fmt.Errorf("bad value %q (want N, max or max/N)", v)
		}
		x, err := strconv.ParseUint(d, 10, 32)
		if err != nil || x == 0 {
			return 0, 0, fmt.Errorf("bad divisor in %q", v)
		}
		return 0, uint32(x), nil
	}
	x, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("bad value %q (want N, max or max/N)", v)
	}
	return uint32(x), 0, nil
}

func validDev(s string) bool {
	if s == "" || len(s) > 15 || s == "." || s == ".." {
		return false
	}
	return !strings.ContainsAny(s, "/:[]= \t\"'#;")
}

func validFeature(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func validProfileName(s string) bool {
	return validFeature(s) && s[0] != '-'
}

// String writes the profile back in its file format; Parse reads it
// back to the same settings.
func (p *Profile) String() string {
	var b strings.Builder
	if p.Name != "" || p.Summary != "" {
		b.WriteString("[main]\n")
		if p.Name != "" {
			fmt.Fprintf(&b, "name = %s\n", p.Name)
		}
		if p.Summary != "" {
			fmt.Fprintf(&b, "summary = %s\n", p.Summary)
		}
	}
	section := ""
	for _, s := range p.Set {
		want := "[sysctl]"
		if s.Kind == KindNIC {
			want = "[nic]"
			if s.Dev != "" {
				want = "[nic " + s.Dev + "]"
			}
		}
		if want != section {
			fmt.Fprintf(&b, "%s\n", want)
			section = want
		}
		fmt.Fprintf(&b, "%s = %s%s\n", s.Key(), s.Op, s.Value)
	}
	return b.String()
}

// Load reads a profile: a built-in one by name, else a file (a path, or
// NAME.conf in dir when dir is not empty). A file's profile is named
// after the file unless its [main] section names it.
func Load(name, dir string) (*Profile, error) {
	if p := Builtin(name); p != nil {
		return p, nil
	}
	path := name
	if dir != "" && !strings.ContainsRune(name, '/') {
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(dir, name+".conf")
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("profile %q: not built in, and %v", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxProfileSize {
		return nil, fmt.Errorf("profile %s: larger than %d bytes", path, maxProfileSize)
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil && st.Size() > 0 {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	p, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if p.Name == "" {
		p.Name = strings.TrimSuffix(filepath.Base(path), ".conf")
	}
	return p, nil
}
