package ss

import (
	"bufio"
	"math"
)

// The columns of ss's output, in order (ss.c's enum col_id).
const (
	colNetid = iota
	colState
	colRecvQ
	colSendQ
	colAddr
	colServ
	colRAddr
	colRServ
	colProc
	colExt
	colMax
)

type column struct {
	rightAlign bool
	header     string
	ldelim     string
	disabled   bool
	width      int // computed at each render, including the delimiter
	maxLen     int // longest flushed token, kept across renders
}

func defaultColumns() [colMax]column {
	return [colMax]column{
		{header: "Netid"},
		{header: "State", ldelim: " "},
		{header: "Recv-Q", ldelim: " "},
		{header: "Send-Q", ldelim: " "},
		{header: "Local Address:", ldelim: " ", rightAlign: true},
		{header: "Port"},
		{header: "Peer Address:", ldelim: " ", rightAlign: true},
		{header: "Port"},
		{header: "Process"},
		{},
	}
}

// ss keeps its output in a chain of 1 MiB chunks holding 2-byte length
// prefixed, 2-byte aligned tokens, and renders (computes column widths and
// prints) whenever a line ends with BUF_CHUNKS_MAX chunks allocated. The
// widths of each batch depend on where those renders fall, so the table
// below keeps the tokens in a plain arena but accounts for space exactly
// as ss's chunks would.
const (
	bufChunk     = 1024 * 1024
	chunkData    = bufChunk - 16 // struct buf_chunk: next and end pointers
	bufChunksMax = 5
	tokenMax     = math.MaxUint16
)

// table buffers tokens in arena as ss does in its chunks: a 2-byte
// little-endian length, then the data; curHdr is where the current
// token's length goes once it is known.
type table struct {
	cols   [colMax]column
	cur    int // the current field
	arena  []byte
	curHdr int
	head   bool // a chunk is allocated

	chunks int // chunks allocated
	chTok  int // offset of the current token's length field in its chunk
	chEnd  int // end of the content of the current chunk
	curLen int // length of the current token

	screen  int  // screen width used to spread spare space
	compact bool // not a terminal: no spreading
}

// newHead allocates the first chunk; the arena is empty then.
func (t *table) newHead() {
	t.head = true
	t.chunks = 1
	t.chTok, t.chEnd, t.curLen = 0, 2, 0
	t.curHdr = 0
}

// commit accounts for the bytes appended to the arena since start, which
// make up one out() of ss: it drops them for a disabled column, moves the
// token to a new chunk when they do not fit, and cuts the token at 65535
// bytes.
func (t *table) commit(start int) {
	if t.cols[t.cur].disabled {
		t.arena = t.arena[:start]
		return
	}
	if !t.head {
		// Make room for the first token's length before its data.
		t.arena = append(t.arena, 0, 0)
		copy(t.arena[start+2:], t.arena[start:len(t.arena)-2])
		t.newHead()
		t.curHdr = start
		start += 2
	}
	n := len(t.arena) - start
	avail := chunkData - t.chEnd
	if n >= avail && t.chTok != 0 {
		// Copy the token to a new chunk and print again.
		t.chunks++
		t.chTok = 0
		t.chEnd = 2 + t.curLen
		avail = chunkData - t.chEnd
	}
	if n > avail {
		n = avail
	}
	if n > tokenMax-t.curLen {
		n = tokenMax - t.curLen
	}
	if n < 0 {
		n = 0
	}
	t.arena = t.arena[:start+n]
	t.chEnd += n
	t.curLen += n
}

// flush ends the current field's token (ss's field_flush).
func (t *table) flush() {
	c := &t.cols[t.cur]
	if c.disabled {
		return
	}
	if !t.head {
		t.newHead()
		t.arena = append(t.arena[:0], 0, 0)
	}
	if t.curLen > c.maxLen {
		c.maxLen = t.curLen
	}
	pad := t.curLen % 2
	if chunkData-t.chEnd-pad < 2 {
		t.chunks++
		t.chTok, t.chEnd = 0, 2
	} else {
		t.chTok = t.chEnd + pad
		t.chEnd = t.chTok + 2
	}
	t.arena[t.curHdr] = byte(t.curLen)
	t.arena[t.curHdr+1] = byte(t.curLen >> 8)
	t.curLen = 0
	t.curHdr = len(t.arena)
	t.arena = append(t.arena, 0, 0)
}

// next moves to the next field, rendering first when a line ends with the
// buffer full (ss's field_next).
func (t *table) next(out *bufio.Writer) {
	if t.cur == colExt && t.chunks >= bufChunksMax {
		t.render(out)
		return
	}
	t.flush()
	if t.cur == colExt {
		t.cur = 0
	} else {
		t.cur++
	}
}

// set walks to field id (ss's field_set).
func (t *table) set(id int, out *bufio.Writer) {
	for t.cur != id {
		t.next(out)
	}
}

// calcWidth is ss's render_calc_width.
func (t *table) calcWidth() {
	screen := t.screen
	if t.compact {
		screen = math.MaxInt32
	}
	first := true
	for i := range t.cols {
		c := &t.cols[i]
		if c.disabled {
			continue
		}
		if !first && c.maxLen != 0 {
			c.width = c.maxLen + len(c.ldelim)
		} else {
			c.width = c.maxLen
		}
		if c.width > screen {
			c.width = screen
		}
		if c.width != 0 {
			first = false
		}
	}
	if t.compact {
		return
	}
	length, linecols, eol := 0, 0, -1
	for c := 0; c < colMax; c++ {
		if t.cols[c].width == 0 {
			continue
		}
		linecols++
		length += t.cols[c].width
		last := true
		for x := c + 1; x < colMax; x++ {
			if t.cols[x].width != 0 {
				last = false
				break
			}
		}
		if !last && length < screen {
			continue
		}
		if length != screen {
			if length > screen {
				length -= t.cols[c].width
				c--
				linecols--
			}
			pad := screen - length
			spacing, rem := 0, 0
			if linecols > 0 {
				spacing, rem = pad/linecols, pad%linecols
			}
			for x := c; x > eol; x-- {
				if t.cols[x].width == 0 {
					continue
				}
				t.cols[x].width += spacing
				if rem > 0 {
					t.cols[x].width++
					rem--
				}
			}
		}
		eol = c
		length, linecols = 0, 0
	}
}

var spaces = []byte("                                                                                                                                ")

func writeSpaces(out *bufio.Writer, n int) {
	for n > 0 {
		k := n
		if k > len(spaces) {
			k = len(spaces)
		}
		out.Write(spaces[:k])
		n -= k
	}
}

// render prints the buffered tokens with their spacing and frees the
// buffer (ss's render).
func (t *table) render(out *bufio.Writer) {
	if !t.head {
		return
	}
	t.calcWidth()
	f := 0
	for f < colMax && t.cols[f].width == 0 {
		f++
	}
	if f == colMax {
		f = 0
		for f < colExt && t.cols[f].disabled {
			f++
		}
	}
	t.arena[t.curHdr] = byte(t.curLen)
	t.arena[t.curHdr+1] = byte(t.curLen >> 8)
	lineStarted := false
	for pos := 0; pos+2 <= len(t.arena); {
		n := int(t.arena[pos]) | int(t.arena[pos+1])<<8
		data := t.arena[pos+2 : pos+2+n]
		pos += 2 + n
		c := &t.cols[f]
		printed := 0
		if lineStarted {
			out.WriteString(c.ldelim)
			printed = len(c.ldelim)
		}
		lineStarted = true
		if c.width != 0 && c.rightAlign {
			if s := c.width - n - printed; s > 0 {
				writeSpaces(out, s)
				printed += s
			}
		}
		out.Write(data)
		printed += n
		if c.width != 0 && !c.rightAlign {
			writeSpaces(out, c.width-printed)
		}
		for {
			if f == colExt {
				out.WriteByte('\n')
				f = 0
				lineStarted = false
			} else {
				f++
			}
			if !t.cols[f].disabled {
				break
			}
		}
	}
	if lineStarted {
		out.WriteByte('\n')
	}
	t.arena = t.arena[:0]
	t.head = false
	t.chunks = 0
	t.curLen = 0
	t.cur = 0
}
