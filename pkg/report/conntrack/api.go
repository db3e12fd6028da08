// Package conntrack renders connection tracking flows, expectations,
// events and statistics as conntrack-tools 1.4.7 prints them (through
// libnetfilter_conntrack's default and XML formats), and as stackbox's
// JSON Lines and summary.
package conntrack

import (
	"io"
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Output is a set of conntrack's -o options.
type Output uint32

// Output options (conntrack -o).
const (
	Extended   Output = 1 << iota // -o extended: the layer 3 protocol too
	ShowID                        // -o id
	Timestamp                     // -o timestamp: events' receive time
	KTimestamp                    // -o ktimestamp: the flow's start/stop
	Labels                        // -o labels: label names
	XML                           // -o xml
	JSON                          // --json (stackbox): one object per line
)

// Printer writes flows, expectations and events to W in the format
// Output selects. It keeps a buffer between calls: each entry is one
// Write. A Printer is not safe for concurrent use.
type Printer struct {
	W      io.Writer
	Output Output
	// LabelNames maps a label bit to its name (LoadLabelNames). Labels are
	// printed when Output has Labels and LabelNames is not nil: conntrack
	// prints them whenever it loaded connlabel.conf, which it does for
	// -o labels and for -l, so set Labels for either.
	LabelNames []string

	// NoHeader leaves out the XML header and root element: conntrack -D
	// and -U print bare <flow> elements.
	NoHeader bool

	// Now is the clock for delta-time (nil: time.Now).
	Now func() time.Time
	// Location is the time zone of ktimestamp dates and of XML <when>
	// (nil: time.Local, as conntrack's localtime).
	Location *time.Location

	buf    []byte
	begun  bool
	header string // the XML root element opened ("" when none yet)
}

// Begin starts a listing. In XML, conntrack prints its header
// (<?xml ...?> and the root element) just before the first entry, and
// nothing at all for an empty table: Begin therefore only arms the
// Printer, and the header goes out with the first entry.
func (p *Printer) Begin() error {
	p.begun = true
	return nil
}

// End finishes a listing: in XML it closes the root element, when the
// header was printed (as conntrack does).
func (p *Printer) End() error {
	if p.header == "" {
		return nil
	}
	b := append(p.buf[:0], "</"...)
	b = append(b, p.header...)
	b = append(b, ">\n"...)
	p.buf = b
	p.header = ""
	_, err := p.W.Write(b)
	return err
}

// xmlHeader appends the XML header with root element root, once.
func (p *Printer) xmlHeader(b []byte, root string) []byte {
	if p.header != "" || p.NoHeader {
		return b
	}
	p.header = root
	b = append(b, `<?xml version="1.0" encoding="utf-8"?>`+"\n<"...)
	b = append(b, root...)
	return append(b, ">\n"...)
}

func (p *Printer) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Flow writes one flow as conntrack -L and -G print it.
func (p *Printer) Flow(f *stack.Flow) error {
	b := p.buf[:0]
	switch {
	case p.Output&JSON != 0:
		b = p.appendFlowJSON(b, f, 0, time.Time{}, nil)
	case p.Output&XML != 0:
		b = p.xmlHeader(b, "conntrack")
		b = p.appendFlowXML(b, f, 0, false, time.Time{})
	default:
		b = p.appendFlowText(b, f, 0)
	}
	b = append(b, '\n')
	p.buf = b
	_, err := p.W.Write(b)
	return err
}

// Event writes one flow event as conntrack -E prints it: the type
// prefix, with -o timestamp the receive time, and for an event a
// process caused, the [USERSPACE] suffix.
func (p *Printer) Event(ev *stack.FlowEvent) error {
	if ev.Flow == nil {
		return nil
	}
	b := p.buf[:0]
	switch {
	case p.Output&JSON != 0:
		b = p.appendFlowJSON(b, ev.Flow, ev.Type, ev.Time, ev)
	case p.Output&XML != 0:
		b = p.xmlHeader(b, "conntrack")
		b = p.appendFlowXML(b, ev.Flow, ev.Type, p.Output&Timestamp != 0, ev.Time)
		b = appendUserspace(b, ev)
	default:
		if p.Output&Timestamp != 0 {
			// printf("[%-.8ld.%-.6ld]\t"): zero-padded.
			b = append(b, '[')
			b = appendZeroPad(b, ev.Time.Unix(), 8)
			b = append(b, '.')
			b = appendZeroPad(b, int64(ev.Time.Nanosecond()/1000), 6)
			b = append(b, "]\t"...)
		}
		b = p.appendFlowText(b, ev.Flow, ev.Type)
		b = appendUserspace(b, ev)
	}
	b = append(b, '\n')
	p.buf = b
	_, err := p.W.Write(b)
	return err
}

// appendUserspace appends conntrack 1.4.7's note on an event caused by
// a process's request (in XML too, after the element).
func appendUserspace(b []byte, ev *stack.FlowEvent) []byte {
	if ev.PortID == 0 {
		return b
	}
	b = append(b, " [USERSPACE] portid="...)
	b = appendUint(b, uint64(ev.PortID))
	if ev.Program != "" {
		b = append(b, " progname="...)
		b = append(b, ev.Program...)
	}
	return b
}

// Expectation writes one expectation as conntrack -L expect prints it.
func (p *Printer) Expectation(e *stack.Expectation) error {
	return p.expectation(e, 0, time.Time{}, nil)
}

// ExpectationEvent writes one expectation event (conntrack -E expect).
func (p *Printer) ExpectationEvent(ev *stack.FlowEvent) error {
	if ev.Expectation == nil {
		return nil
	}
	return p.expectation(ev.Expectation, ev.Type, ev.Time, ev)
}

func (p *Printer) expectation(e *stack.Expectation, t stack.FlowEventType, when time.Time, ev *stack.FlowEvent) error {
	b := p.buf[:0]
	switch {
	case p.Output&JSON != 0:
		b = p.appendExpectJSON(b, e, t, ev)
	case p.Output&XML != 0:
		b = p.xmlHeader(b, "expect")
		if when.IsZero() {
			when = p.now()
		}
		b = p.appendExpectXML(b, e, t, p.Output&Timestamp != 0, when)
	default:
		if p.Output&Timestamp != 0 {
			// printf("[%-8ld.%-6ld]\t"): space-padded, left-justified.
			if when.IsZero() {
				when = p.now()
			}
			b = append(b, '[')
			b = appendSpacePad(b, when.Unix(), 8)
			b = append(b, '.')
			b = appendSpacePad(b, int64(when.Nanosecond()/1000), 6)
			b = append(b, "]\t"...)
		}
		b = appendExpectText(b, e, t)
	}
	b = append(b, '\n')
	p.buf = b
	_, err := p.W.Write(b)
	return err
}
