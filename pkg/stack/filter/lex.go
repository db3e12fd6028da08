package filter

import (
	"bufio"
	"strings"
)

// tokKind is a token of ss's filter grammar (the terminals of ssfilter.y).
type tokKind uint8

const (
	tNone tokKind = iota
	tEOF
	tNot    // "!", "not"
	tAnd    // "&", "&&", "and"
	tOr     // "|", "||", "or"
	tLParen // "("
	tRParen // ")"
	tDst    // "dst"
	tSrc    // "src"
	tDport  // "dport"
	tSport  // "sport"
	tDev    // "dev"
	tFwmark // "fwmark"
	tCgroup // "cgroup"
	tGE     // ">=", "ge", "geq"
	tLE     // "<=", "le", "leq"
	tNE     // "!=", "ne", "neq"
	tEq     // "=", "==", "eq"
	tGT     // ">", "gt"
	tLT     // "<", "lt"
	tAuto   // "autobound"
	// Value tokens: what follows a keyword, already converted.
	tHost       // an address or port (HOSTCOND)
	tDevCond    // an interface (DEVCOND)
	tMarkMask   // a mark and mask (MARKMASK)
	tCgroupCond // a cgroup (CGROUPCOND)
)

// token is one lexed token with its value.
type token struct {
	kind   tokKind
	host   *hostCond
	dev    uint32
	mark   uint32
	mask   uint32
	cgroup uint64
}

// fgetsSize is the size of ss's line buffer for filter files.
const fgetsSize = 1024

// lexer splits the filter words and file into tokens as ss's yylex does.
type lexer struct {
	args []string
	ai   int
	line string // the unread part of the current word or file line

	file    *bufio.Reader
	fileEOF bool

	// keyword is the last keyword seen (ss's tok_type): it decides how a
	// word that is not a keyword or operator is read. It is never reset.
	keyword tokKind
}

// word returns the next whitespace-separated word, reading further
// command-line words and then file lines as needed; ok is false at the
// end of the input.
func (l *lexer) word() (w string, ok bool, err error) {
	for {
		if w, ok := l.splitWord(); ok {
			return w, true, nil
		}
		if l.ai < len(l.args) {
			l.line = l.args[l.ai]
			l.ai++
			continue
		}
		if l.file == nil || l.fileEOF {
			return "", false, nil
		}
		line, err := l.readLine()
		if err != nil {
			return "", false, err
		}
		if l.fileEOF {
			return "", false, nil
		}
		l.line = line
	}
}

// readLine reads the next file line like ss's fgets loop, skipping
// comment lines and lines starting with '0'.
func (l *lexer) readLine() (string, error) {
	for {
		chunk, err := l.fgets()
		if err != nil {
			l.fileEOF = true
			return "", nil
		}
		// ss measures the line with strnlen: a NUL ends it.
		if i := strings.IndexByte(chunk, 0); i >= 0 {
			chunk = chunk[:i]
		}
		if len(chunk) == 0 {
			return "", &Error{Msg: "Invalid line\n", Code: 255}
		}
		if len(chunk) >= fgetsSize-1 {
			return "", &Error{Msg: "Too long line in filter\n", Code: 255}
		}
		chunk = strings.TrimSuffix(chunk, "\n")
		if chunk != "" && (chunk[0] == '#' || chunk[0] == '0') {
			continue
		}
		return chunk, nil
	}
}

// fgets reads up to fgetsSize-1 bytes, stopping after a newline; the
// error is set only when nothing was read.
func (l *lexer) fgets() (string, error) {
	var b []byte
	for len(b) < fgetsSize-1 {
		c, err := l.file.ReadByte()
		if err != nil {
			if len(b) > 0 {
				break
			}
			return "", err
		}
		b = append(b, c)
		if c == '\n' {
			break
		}
	}
	return string(b), nil
}

// splitWord takes the next word off l.line like iproute2's
// get_token_from_line: words are separated by spaces and tabs, and a
// backslash makes the next character part of the word.
func (l *lexer) splitWord() (string, bool) {
	s := l.line
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i == len(s) {
		l.line = ""
		return "", false
	}
	start := i
	escaped := false
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		if s[i] == '\\' {
			escaped = true
			i++
			if i == len(s) {
				break
			}
		}
		i++
	}
	w := s[start:i]
	if i < len(s) {
		i++ // the separator
	}
	l.line = s[i:]
	if escaped {
		w = unescapeWord(w)
	}
	return w, true
}

// unescapeWord drops each backslash and keeps the character after it.
func unescapeWord(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for i := 0; i < len(w); i++ {
		if w[i] == '\\' {
			i++
			if i == len(w) {
				break
			}
		}
		b.WriteByte(w[i])
	}
	return b.String()
}

// keywordKind classifies a word that is an operator or keyword.
func keywordKind(w string) tokKind {
	switch w {
	case "!", "not":
		return tNot
	case "&", "&&", "and":
		return tAnd
	case "|", "||", "or":
		return tOr
	case "(":
		return tLParen
	case ")":
		return tRParen
	case "dst":
		return tDst
	case "src":
		return tSrc
	case "dport":
		return tDport
	case "sport":
		return tSport
	case "dev":
		return tDev
	case "fwmark":
		return tFwmark
	case "cgroup":
		return tCgroup
	case ">=", "ge", "geq":
		return tGE
	case "<=", "le", "leq":
		return tLE
	case "!=", "ne", "neq":
		return tNE
	case "=", "==", "eq":
		return tEq
	case ">", "gt":
		return tGT
	case "<", "lt":
		return tLT
	case "autobound":
		return tAuto
	}
	return tNone
}
