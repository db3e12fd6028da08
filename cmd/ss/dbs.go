package ss

import (
	"github.com/stackbox/stackbox/pkg/stack"
)

// db is one of ss's socket tables, numbered as in ss 6.1. Some (vsock,
// tipc, xdp) are accepted for compatibility and dump nothing.
type db int

const (
	dbTCP db = iota
	dbMPTCP
	dbDCCP
	dbUDP
	dbRaw
	dbUnixDgram
	dbUnixStream
	dbUnixSeq
	dbPacketDgram
	dbPacketRaw
	dbNetlink
	dbSCTP
	dbVsockStream
	dbVsockDgram
	dbTIPC
	dbXDP
	dbMax
)

type dbSet uint32

func (s dbSet) has(d db) bool { return s&(1<<d) != 0 }

// single reports whether at most one table is selected (ss then hides the
// Netid column).
func (s dbSet) single() bool { return s&(s-1) == 0 }

const (
	ssAll  = stack.StatesAll
	ssConn = ssAll &^ (1<<stack.StateListen | 1<<stack.StateClose | 1<<stack.StateTimeWait | 1<<stack.StateSynRecv)
	ssEst  = stack.StateSet(1 << stack.StateEstablished)
	ssCl   = stack.StateSet(1 << stack.StateClose)
)

// famMask is a bit set of address families, bit n for AF n.
type famMask uint64

func fam(af int) famMask { return 1 << uint(af) }

// Linux's address family numbers (the reference stack uses them too, so
// they are spelled out rather than taken from x/sys/unix per GOOS).
const (
	afUnix  = 1
	afInet  = 2
	afInet6 = 10
	afNL    = 16
	afPack  = 17
	afTIPC  = 30
	afVsock = 40
	afXDP   = 44
)

const inetFams = famMask(1<<afInet | 1<<afInet6)

// dbDefaults are ss's default_dbs: the states and families each table
// brings in when it is selected.
var dbDefaults = [dbMax]struct {
	states   stack.StateSet
	families famMask
}{
	dbTCP:         {ssConn, inetFams},
	dbMPTCP:       {ssConn, inetFams},
	dbDCCP:        {ssConn, inetFams},
	dbUDP:         {ssEst, inetFams},
	dbRaw:         {ssEst, inetFams},
	dbUnixDgram:   {ssCl, fam(afUnix)},
	dbUnixStream:  {ssConn, fam(afUnix)},
	dbUnixSeq:     {ssConn, fam(afUnix)},
	dbPacketDgram: {ssCl, fam(afPack)},
	dbPacketRaw:   {ssCl, fam(afPack)},
	dbNetlink:     {ssCl, fam(afNL)},
	dbSCTP:        {ssConn, inetFams},
	dbVsockStream: {ssConn, fam(afVsock)},
	dbVsockDgram:  {ssConn, fam(afVsock)},
	dbTIPC:        {ssConn, fam(afTIPC)},
	dbXDP:         {ssCl, fam(afXDP)},
}

const (
	unixDBs   = dbSet(1<<dbUnixDgram | 1<<dbUnixStream | 1<<dbUnixSeq)
	packetDBs = dbSet(1<<dbPacketDgram | 1<<dbPacketRaw)
	vsockDBs  = dbSet(1<<dbVsockStream | 1<<dbVsockDgram)
	inetDBs   = dbSet(1<<dbTCP | 1<<dbUDP | 1<<dbDCCP | 1<<dbSCTP | 1<<dbMPTCP | 1<<dbRaw)
)

// afDefaults are ss's default_afs: the tables and states a family brings in.
var afDefaults = map[int]struct {
	dbs    dbSet
	states stack.StateSet
}{
	afInet:  {inetDBs, ssConn},
	afInet6: {inetDBs, ssConn},
	afUnix:  {unixDBs, ssConn},
	afPack:  {packetDBs, ssCl},
	afNL:    {1 << dbNetlink, ssCl},
	afVsock: {vsockDBs, ssConn},
	afTIPC:  {1 << dbTIPC, ssConn},
	afXDP:   {1 << dbXDP, ssCl},
}

// afOrder lists the families in numeric order, for filter_merge_defaults.
var afOrder = []int{afUnix, afInet, afInet6, afNL, afPack, afTIPC, afVsock, afXDP}

// dbNames is ss's db_name_tbl: the names -A accepts.
var dbNames = []struct {
	name string
	dbs  []db
}{
	{"all", []db{dbUDP, dbDCCP, dbTCP, dbMPTCP, dbRaw, dbUnixStream, dbUnixDgram, dbUnixSeq,
		dbPacketRaw, dbPacketDgram, dbNetlink, dbSCTP, dbVsockStream, dbVsockDgram, dbXDP}},
	{"inet", []db{dbUDP, dbDCCP, dbTCP, dbMPTCP, dbSCTP, dbRaw}},
	{"udp", []db{dbUDP}},
	{"dccp", []db{dbDCCP}},
	{"tcp", []db{dbTCP}},
	{"mptcp", []db{dbMPTCP}},
	{"sctp", []db{dbSCTP}},
	{"raw", []db{dbRaw}},
	{"unix", []db{dbUnixStream, dbUnixDgram, dbUnixSeq}},
	{"unix_stream", []db{dbUnixStream}},
	{"u_str", []db{dbUnixStream}},
	{"unix_dgram", []db{dbUnixDgram}},
	{"u_dgr", []db{dbUnixDgram}},
	{"unix_seqpacket", []db{dbUnixSeq}},
	{"u_seq", []db{dbUnixSeq}},
	{"packet", []db{dbPacketRaw, dbPacketDgram}},
	{"packet_raw", []db{dbPacketRaw}},
	{"p_raw", []db{dbPacketRaw}},
	{"packet_dgram", []db{dbPacketDgram}},
	{"p_dgr", []db{dbPacketDgram}},
	{"netlink", []db{dbNetlink}},
	{"vsock", []db{dbVsockStream, dbVsockDgram}},
	{"vsock_stream", []db{dbVsockStream}},
	{"v_str", []db{dbVsockStream}},
	{"vsock_dgram", []db{dbVsockDgram}},
	{"v_dgr", []db{dbVsockDgram}},
	{"tipc", []db{dbTIPC}},
	{"xdp", []db{dbXDP}},
}

// selection is ss's struct filter while options are parsed.
type selection struct {
	dbs       dbSet
	states    stack.StateSet
	families  famMask
	doDefault bool
	preferred int // preferred_family
}

func newSelection() selection { return selection{doDefault: true} }

func (f *selection) setDB(d db, enable bool) {
	if enable {
		f.states |= dbDefaults[d].states
		f.dbs |= 1 << d
	} else {
		f.dbs &^= 1 << d
	}
	f.doDefault = false
}

func (f *selection) setAF(af int) {
	f.states |= afDefaults[af].states
	f.families |= fam(af)
	f.doDefault = false
	f.preferred = af
}

// parseDB applies one -A word; ok is false for an unknown name.
func (f *selection) parseDB(s string) bool {
	enable := true
	if len(s) > 0 && s[0] == '!' {
		enable = false
		s = s[1:]
	}
	for _, e := range dbNames {
		if e.name == s {
			for _, d := range e.dbs {
				f.setDB(d, enable)
			}
			return true
		}
	}
	return false
}

func (f *selection) setDefaultDBs() {
	for _, d := range []db{dbUDP, dbDCCP, dbTCP, dbMPTCP, dbRaw, dbUnixStream, dbUnixDgram, dbUnixSeq,
		dbPacketRaw, dbPacketDgram, dbNetlink, dbSCTP, dbVsockStream, dbVsockDgram} {
		f.setDB(d, true)
	}
}

// mergeDefaults is ss's filter_merge_defaults: tables bring in their
// families and families their tables.
func (f *selection) mergeDefaults() {
	for d := db(0); d < dbMax; d++ {
		if f.dbs.has(d) && dbDefaults[d].families&f.families == 0 {
			f.families |= dbDefaults[d].families
		}
	}
	for _, af := range afOrder {
		if f.families&fam(af) == 0 {
			continue
		}
		if def := afDefaults[af]; def.dbs&f.dbs == 0 {
			f.dbs |= def.dbs
		}
	}
}

// tables maps the selected dbs to the stack's tables.
func (f *selection) tables() stack.TableSet {
	var ts stack.TableSet
	pairs := []struct {
		d db
		t stack.Table
	}{
		{dbTCP, stack.TableTCP}, {dbMPTCP, stack.TableMPTCP}, {dbUDP, stack.TableUDP},
		{dbDCCP, stack.TableDCCP}, {dbSCTP, stack.TableSCTP},
		{dbRaw, stack.TableRaw}, {dbUnixDgram, stack.TableUnixDgram},
		{dbUnixStream, stack.TableUnixStream}, {dbUnixSeq, stack.TableUnixSeqpacket},
		{dbPacketDgram, stack.TablePacketDgram}, {dbPacketRaw, stack.TablePacketRaw},
		{dbNetlink, stack.TableNetlink},
	}
	for _, p := range pairs {
		if f.dbs.has(p.d) && f.families&tableFamilies(p.t) != 0 {
			ts = ts.With(p.t)
		}
	}
	return ts
}

// tableFamilies is the family mask a table's sockets belong to: ss skips a table
// whose family is not selected (a filter address "unix:*" leaves only
// AF_UNIX, say).
func tableFamilies(t stack.Table) famMask {
	switch {
	case t.IsInet():
		return inetFams
	case t.IsUnix():
		return fam(afUnix)
	case t.IsPacket():
		return fam(afPack)
	case t == stack.TableNetlink:
		return fam(afNL)
	}
	return 0
}

// inetFamilies returns the stack.SocketQuery Families bits.
func (f *selection) inetFamilies() uint32 {
	var m uint32
	if f.families&fam(afInet) != 0 {
		m |= 1 << afInet
	}
	if f.families&fam(afInet6) != 0 {
		m |= 1 << afInet6
	}
	return m
}
