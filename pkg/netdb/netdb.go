// Package netdb reads the system's service and protocol databases
// (/etc/services and /etc/protocols) the way glibc's files backend does,
// without cgo or name services: ServiceByPort answers like getservbyport,
// PortByService like getservbyname and ProtocolByNumber like
// getprotobynumber. Files are parsed once, lazily, on first use; a DB
// built with New reads the paths it is given, which tests use.
package netdb

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"sync"
)

// DB is a services and protocols database. The zero value is not usable;
// build one with New or use Default.
type DB struct {
	servicesPath  string
	protocolsPath string

	svcOnce sync.Once
	svc     *services

	protoOnce sync.Once
	proto     *protocols
}

type serviceKey struct {
	port  uint16
	proto string
}

type nameKey struct {
	name  string
	proto string
}

type services struct {
	byPort     map[serviceKey]string // first entry in file order
	byPortAny  map[uint16]string     // first entry for the port, any protocol
	byName     map[nameKey]uint16    // names and aliases, first entry wins
	byNameAny  map[string]uint16
	entryCount int
}

type protocols struct {
	byNumber map[uint8]string
	byName   map[string]uint8
}

// New returns a database reading the given files when first asked. An
// empty path, or a file that cannot be read, gives an empty table.
func New(servicesPath, protocolsPath string) *DB {
	return &DB{servicesPath: servicesPath, protocolsPath: protocolsPath}
}

var defaultDB = New("/etc/services", "/etc/protocols")

// Default returns the database of /etc/services and /etc/protocols.
func Default() *DB { return defaultDB }

// ServiceByPort returns the name of the first /etc/services entry for port
// and proto ("tcp", "udp", ...), as glibc's getservbyport does; an empty
// proto matches any protocol.
func ServiceByPort(port uint16, proto string) (string, bool) {
	return defaultDB.ServiceByPort(port, proto)
}

// PortByService returns the port of the first /etc/services entry whose
// name or alias is name, for proto (empty: any), as getservbyname does.
func PortByService(name, proto string) (uint16, bool) {
	return defaultDB.PortByService(name, proto)
}

// ProtocolByNumber returns the name of IP protocol n from /etc/protocols.
func ProtocolByNumber(n uint8) (string, bool) { return defaultDB.ProtocolByNumber(n) }

// ProtocolByName returns the number of the IP protocol named (or aliased)
// name in /etc/protocols.
func ProtocolByName(name string) (uint8, bool) { return defaultDB.ProtocolByName(name) }

// ServiceByPort is the method form of the package function.
func (db *DB) ServiceByPort(port uint16, proto string) (string, bool) {
	s := db.services()
	var name string
	var ok bool
	if proto == "" {
		name, ok = s.byPortAny[port]
	} else {
		name, ok = s.byPort[serviceKey{port, proto}]
	}
	return name, ok
}

// PortByService is the method form of the package function.
func (db *DB) PortByService(name, proto string) (uint16, bool) {
	s := db.services()
	var port uint16
	var ok bool
	if proto == "" {
		port, ok = s.byNameAny[name]
	} else {
		port, ok = s.byName[nameKey{name, proto}]
	}
	return port, ok
}

// ProtocolByNumber is the method form of the package function.
func (db *DB) ProtocolByNumber(n uint8) (string, bool) {
	name, ok := db.protocols().byNumber[n]
	return name, ok
}

// ProtocolByName is the method form of the package function.
func (db *DB) ProtocolByName(name string) (uint8, bool) {
	n, ok := db.protocols().byName[name]
	return n, ok
}

func (db *DB) services() *services {
	db.svcOnce.Do(func() {
		data, _ := readFile(db.servicesPath)
		db.svc = parseServices(data)
	})
	return db.svc
}

func (db *DB) protocols() *protocols {
	db.protoOnce.Do(func() {
		data, _ := readFile(db.protocolsPath)
		db.proto = parseProtocols(data)
	})
	return db.proto
}

func readFile(path string) ([]byte, error) {
	if path == "" {
		return nil, os.ErrNotExist
	}
	return os.ReadFile(path)
}

// fields splits a database line into its whitespace separated words,
// dropping a comment that starts with '#'.
func fields(line []byte, dst [][]byte) [][]byte {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	dst = dst[:0]
	for len(line) > 0 {
		i := 0
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		line = line[i:]
		j := 0
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j > 0 {
			dst = append(dst, line[:j])
		}
		line = line[j:]
	}
	return dst
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

// parseServices parses the text of an /etc/services file. Malformed lines
// are skipped, as glibc skips them.
func parseServices(data []byte) *services {
	s := &services{
		byPort:    make(map[serviceKey]string),
		byPortAny: make(map[uint16]string),
		byName:    make(map[nameKey]uint16),
		byNameAny: make(map[string]uint16),
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var f [][]byte
	for sc.Scan() {
		f = fields(sc.Bytes(), f)
		if len(f) < 2 {
			continue
		}
		slash := bytes.IndexByte(f[1], '/')
		if slash <= 0 || slash == len(f[1])-1 {
			continue
		}
		port, err := strconv.ParseUint(string(f[1][:slash]), 10, 16)
		if err != nil {
			continue
		}
		p := uint16(port)
		proto := string(f[1][slash+1:])
		name := string(f[0])
		s.entryCount++
		k := serviceKey{p, proto}
		if _, dup := s.byPort[k]; !dup {
			s.byPort[k] = name
		}
		if _, dup := s.byPortAny[p]; !dup {
			s.byPortAny[p] = name
		}
		names := append([][]byte{f[0]}, f[2:]...)
		for _, n := range names {
			nk := nameKey{string(n), proto}
			if _, dup := s.byName[nk]; !dup {
				s.byName[nk] = p
			}
			if _, dup := s.byNameAny[string(n)]; !dup {
				s.byNameAny[string(n)] = p
			}
		}
	}
	return s
}

// parseProtocols parses the text of an /etc/protocols file.
func parseProtocols(data []byte) *protocols {
	p := &protocols{byNumber: make(map[uint8]string), byName: make(map[string]uint8)}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var f [][]byte
	for sc.Scan() {
		f = fields(sc.Bytes(), f)
		if len(f) < 2 {
			continue
		}
		n, err := strconv.ParseUint(string(f[1]), 10, 8)
		if err != nil {
			continue
		}
		num := uint8(n)
		if _, dup := p.byNumber[num]; !dup {
			p.byNumber[num] = string(f[0])
		}
		for _, alias := range append([][]byte{f[0]}, f[2:]...) {
			if _, dup := p.byName[string(alias)]; !dup {
				p.byName[string(alias)] = num
			}
		}
	}
	return p
}
