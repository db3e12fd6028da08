package nstat

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// JSON writes rows as nstat -j does: {"source":{"Name":value,...}}, on one
// line, or indented by four spaces when pretty (-p). Rates and overflow
// marks are not shown, and values are cut to their low 32 bits, as in
// nstat 6.1 (it hands them to json_writer's jsonw_uint_field, which takes
// an unsigned int; JSONRates has the whole values).
func JSON(w io.Writer, source string, rows []Row, pretty bool) error {
	j := newJSONWriter(w, false)
	j.beginObject()
	j.pretty = pretty // nstat turns pretty printing on after the first brace
	j.name(source)
	j.beginObject()
	var num [20]byte
	for _, r := range rows {
		j.name(r.Name)
		j.value(strconv.AppendUint(num[:0], uint64(uint32(r.Value)), 10))
	}
	j.endObject()
	j.endObject()
	return j.finish()
}

// JSONRates writes rows as stackbox's --json: nstat's layout with each
// counter an object holding its value and rate, and "overflow": true for
// counters that went down:
//
//	{"kernel":{"TcpActiveOpens":{"value":33,"rate":0.4}}}
func JSONRates(w io.Writer, source string, rows []Row, pretty bool) error {
	j := newJSONWriter(w, true)
	j.pretty = pretty
	j.beginObject()
	j.name(source)
	j.beginObject()
	var num [32]byte
	for _, r := range rows {
		j.name(r.Name)
		j.beginObject()
		j.name("value")
		j.value(strconv.AppendUint(num[:0], r.Value, 10))
		j.name("rate")
		j.value(appendJSONFloat(num[:0], r.Rate))
		if r.Overflow {
			j.name("overflow")
			j.value([]byte("true"))
		}
		j.endObject()
	}
	j.endObject()
	j.endObject()
	return j.finish()
}

// appendJSONFloat appends f in its shortest form, or null when JSON cannot
// hold it.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// jsonWriter writes JSON with the spacing of iproute2's json_writer: a
// comma between members, and with pretty printing a newline and four
// spaces per level before every member and closing brace.
type jsonWriter struct {
	w      *bufio.Writer
	depth  int
	pretty bool
	sep    byte // ',' once the current object has a member
	strict bool // escape keys as JSON requires, not as json_writer does
}

func newJSONWriter(w io.Writer, strict bool) *jsonWriter {
	return &jsonWriter{w: bufio.NewWriter(w), strict: strict}
}

func (j *jsonWriter) eol() {
	if !j.pretty {
		return
	}
	j.w.WriteByte('\n')
	for i := 0; i < j.depth; i++ {
		j.w.WriteString("    ")
	}
}

// eor writes the separator the next member needs.
func (j *jsonWriter) eor() {
	if j.sep != 0 {
		j.w.WriteByte(j.sep)
	}
	j.sep = ','
}

func (j *jsonWriter) beginObject() {
	j.eor()
	j.w.WriteByte('{')
	j.depth++
	j.sep = 0
}

func (j *jsonWriter) endObject() {
	j.depth--
	if j.sep != 0 {
		j.eol()
	}
	j.w.WriteByte('}')
	j.sep = ','
}

func (j *jsonWriter) name(s string) {
	j.eor()
	j.eol()
	j.sep = 0
	j.puts(s)
	j.w.WriteByte(':')
	if j.pretty {
		j.w.WriteByte(' ')
	}
}

func (j *jsonWriter) value(v []byte) {
	j.eor()
	j.w.Write(v)
}

// puts writes a quoted string. json_writer escapes only tab, newline,
// carriage return, form feed, backspace, backslash and the double quote,
// and passes every other byte through; strict mode also escapes the other
// control characters and replaces invalid UTF-8.
func (j *jsonWriter) puts(s string) {
	w := j.w
	w.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\t':
			w.WriteString(`\t`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\f':
			w.WriteString(`\f`)
		case '\b':
			w.WriteString(`\b`)
		case '\\':
			w.WriteString(`\\`)
		case '"':
			w.WriteString(`\"`)
		default:
			if !j.strict {
				w.WriteByte(c)
				break
			}
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(w, `\u%04x`, c)
				break
			}
			if c >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError && n == 1 {
					w.WriteString(`\ufffd`)
				} else {
					w.WriteString(s[i : i+n])
				}
				i += n
				continue
			}
			w.WriteByte(c)
		}
		i++
	}
	w.WriteByte('"')
}

// finish ends the output with a newline, as jsonw_destroy does.
func (j *jsonWriter) finish() error {
	j.w.WriteByte('\n')
	return j.w.Flush()
}
