package scenario

import (
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder fills the scenario types from a YAML node tree, walking the
// structs' yaml tags, and records every problem with its line and field path.
type decoder struct {
	file  string
	errs  ErrorList
	lines map[string]int // field path -> line, for later semantic errors
}

func (d *decoder) errorf(line int, field, format string, args ...any) {
	if len(d.errs) >= maxErrors {
		return
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// line returns the line of the field at path, or of its closest parent.
func (d *decoder) line(path string) int {
	for path != "" {
		if l, ok := d.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// scalarParsers turn a scalar's text into a value of their type.
var scalarParsers = map[reflect.Type]func(string) (any, error){
	reflect.TypeFor[time.Duration](): func(s string) (any, error) { return ParseDuration(s) },
	reflect.TypeFor[Bitrate]():       func(s string) (any, error) { return ParseBitrate(s) },
	reflect.TypeFor[Size]():          func(s string) (any, error) { return ParseSize(s) },
	reflect.TypeFor[Percent]():       func(s string) (any, error) { return ParsePercent(s) },
	reflect.TypeFor[PerSecond]():     func(s string) (any, error) { return ParsePerSecond(s) },
	reflect.TypeFor[QueueLimit]():    func(s string) (any, error) { return ParseQueueLimit(s) },
	reflect.TypeFor[SizeDist]():      func(s string) (any, error) { return ParseSizeDist(s) },
	reflect.TypeFor[TimeDist]():      func(s string) (any, error) { return ParseTimeDist(s) },
	reflect.TypeFor[netip.Addr]():    func(s string) (any, error) { return parseAddr(s) },
	reflect.TypeFor[netip.Prefix]():  func(s string) (any, error) { return parsePrefix(s) },
	reflect.TypeFor[Endpoint]():      func(s string) (any, error) { return parseEndpoint(s) },
	reflect.TypeFor[HexBytes]():      func(s string) (any, error) { return parseHexBytes(s) },
	reflect.TypeFor[net.HardwareAddr](): func(s string) (any, error) {
		mac, err := net.ParseMAC(s)
		if err != nil || len(mac) != 6 {
			return nil, fmt.Errorf("bad MAC address %q (want six hex bytes like 02:00:00:00:00:01)", s)
		}
		return mac, nil
	},
}

func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("bad address %q (want an IPv4 or IPv6 address)", s)
	}
	return a, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	switch s {
	case "default":
		return netip.MustParsePrefix("0.0.0.0/0"), nil
	case "default6":
		return netip.MustParsePrefix("::/0"), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad prefix %q (want an address and a length, like 10.0.0.1/24 or fd00::1/64)", s)
	}
	return p, nil
}

func parseEndpoint(s string) (Endpoint, error) {
	node, iface, hasIface := strings.Cut(s, ":")
	if !validName(node) || hasIface && !validIfName(iface) {
		return Endpoint{}, fmt.Errorf("bad endpoint %q (want host:interface or a switch name)", s)
	}
	return Endpoint{Node: node, Interface: iface}, nil
}

func parseHexBytes(s string) (HexBytes, error) {
	b, err := hex.DecodeString(strings.ReplaceAll(s, ":", ""))
	if err != nil || len(b) == 0 || strings.Contains(s, ":") && len(s) != 3*len(b)-1 {
		return nil, fmt.Errorf("bad hex bytes %q (want bytes like 6d:5a:56)", s)
	}
	return b, nil
}

// validName reports whether s can name a host, switch or workload.
func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validIfName reports whether s can name an interface (IFNAMSIZ-1 bytes).
func validIfName(s string) bool {
	return validName(s) && len(s) <= 15 && s != "." && s != ".."
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a single value"
}

var (
	sysctlsType      = reflect.TypeFor[Sysctls]()
	firewallRuleType = reflect.TypeFor[FirewallRule]()
	lineType         = reflect.TypeFor[int]()
)

// value decodes n into v, which is addressable.
func (d *decoder) value(n *yaml.Node, path string, v reflect.Value) {
	d.lines[path] = n.Line
	if n.Kind == yaml.AliasNode {
		d.errorf(n.Line, path, "aliases are not supported")
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // not set: keep the default
	}
	t := v.Type()
	if parse, ok := scalarParsers[t]; ok {
		if !d.scalar(n, path) {
			return
		}
		x, err := parse(n.Value)
		if err != nil {
			d.errorf(n.Line, path, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(x))
		return
	}
	if t == sysctlsType {
		d.sysctls(n, path, v)
		return
	}
	if t == firewallRuleType {
		if d.scalar(n, path) {
			v.Set(reflect.ValueOf(FirewallRule{Text: n.Value, Line: n.Line}))
		}
		return
	}
	switch t.Kind() {
	case reflect.String:
		if d.scalar(n, path) {
			v.SetString(n.Value)
		}
	case reflect.Bool:
		if !d.scalar(n, path) {
			return
		}
		switch n.Value {
		case "true", "on":
			v.SetBool(true)
		case "false", "off":
			v.SetBool(false)
		default:
			d.errorf(n.Line, path, "bad boolean %q (want true, false, on or off)", n.Value)
		}
	case reflect.Int, reflect.Int64, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if !d.scalar(n, path) {
			return
		}
		var limit uint64 = math.MaxInt64
		switch t.Kind() {
		case reflect.Uint16:
			limit = math.MaxUint16
		case reflect.Uint32:
			limit = math.MaxUint32
		case reflect.Uint64:
			limit = math.MaxUint64
		}
		x, err := strconv.ParseUint(n.Value, 10, 64)
		if err != nil || x > limit {
			if limit < math.MaxInt64 {
				d.errorf(n.Line, path, "bad number %q (want a whole number from 0 to %d)", n.Value, limit)
			} else {
				d.errorf(n.Line, path, "bad number %q (want a whole number, 0 or more)", n.Value)
			}
			return
		}
		if t.Kind() == reflect.Int || t.Kind() == reflect.Int64 {
			v.SetInt(int64(x))
		} else {
			v.SetUint(x)
		}
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		d.value(n, path, p.Elem())
		v.Set(p)
	case reflect.Slice:
		if !d.want(n, yaml.SequenceNode, path) {
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.value(item, path+"["+strconv.Itoa(i)+"]", s.Index(i))
		}
		v.Set(s)
	case reflect.Array:
		if !d.want(n, yaml.SequenceNode, path) {
			return
		}
		if len(n.Content) != t.Len() {
			d.errorf(n.Line, path, "want %d items, got %d", t.Len(), len(n.Content))
			return
		}
		for i, item := range n.Content {
			d.value(item, path+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	case reflect.Struct:
		d.structure(n, path, v)
	default:
		d.errorf(n.Line, path, "internal error: cannot decode %s", t)
	}
}

// scalar reports whether n is a single value, recording an error if not.
func (d *decoder) scalar(n *yaml.Node, path string) bool {
	return d.want(n, yaml.ScalarNode, path)
}

func (d *decoder) want(n *yaml.Node, kind yaml.Kind, path string) bool {
	if n.Kind == kind {
		return true
	}
	want := &yaml.Node{Kind: kind}
	d.errorf(n.Line, path, "want %s, not %s", kindName(want), kindName(n))
	return false
}

// field is one settable field of a struct, by its yaml name.
type field struct {
	name  string
	index []int
}

// fields lists the yaml fields of t in declaration order, inline structs
// flattened in place.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			for _, sub := range fields(f.Type) {
				out = append(out, field{sub.name, append([]int{i}, sub.index...)})
			}
			continue
		}
		out = append(out, field{name, []int{i}})
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (d *decoder) structure(n *yaml.Node, path string, v reflect.Value) {
	if !d.want(n, yaml.MappingNode, path) {
		return
	}
	if f, ok := v.Type().FieldByName("Line"); ok && f.Type == lineType && f.Tag.Get("yaml") == "-" {
		v.FieldByIndex(f.Index).SetInt(int64(n.Line))
	}
	fs := fields(v.Type())
	seen := make([]bool, len(fs))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k.Line, path, "want a field name, not %s", kindName(k))
			continue
		}
		at := -1
		for j, f := range fs {
			if f.name == k.Value {
				at = j
				break
			}
		}
		fp := join(path, k.Value)
		if at < 0 {
			names := make([]string, len(fs))
			for j, f := range fs {
				names[j] = f.name
			}
			d.errorf(k.Line, fp, "unknown field (want one of: %s)", strings.Join(names, ", "))
			continue
		}
		if seen[at] {
			d.errorf(k.Line, fp, "field set twice")
			continue
		}
		seen[at] = true
		d.value(val, fp, v.FieldByIndex(fs[at].index))
		d.lines[fp] = k.Line // errors about a field point at its key
	}
}

// sysctls decodes a mapping of sysctl names to values, keeping file order.
func (d *decoder) sysctls(n *yaml.Node, path string, v reflect.Value) {
	if !d.want(n, yaml.MappingNode, path) {
		return
	}
	var out Sysctls
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || !validSysctl(k.Value) {
			d.errorf(k.Line, path, "bad sysctl name %q (want a dotted name like net.ipv4.tcp_syncookies)", k.Value)
			continue
		}
		fp := join(path, k.Value)
		d.lines[fp] = k.Line
		dup := false
		for _, s := range out {
			dup = dup || s.Name == k.Value
		}
		if dup {
			d.errorf(k.Line, fp, "sysctl set twice")
			continue
		}
		if val.Kind != yaml.ScalarNode || val.Tag == "!!null" {
			msg := "want a single value, not " + kindName(val)
			if val.Kind == yaml.ScalarNode {
				msg = "missing value"
			}
			d.errorf(val.Line, fp, "%s", msg)
			continue
		}
		out = append(out, Sysctl{Name: k.Value, Value: val.Value, Line: k.Line})
	}
	v.Set(reflect.ValueOf(out))
}

// validSysctl reports whether s looks like a dotted sysctl name.
func validSysctl(s string) bool {
	if !strings.Contains(s, ".") || len(s) > 256 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !validName(part) {
			return false
		}
	}
	return true
}
