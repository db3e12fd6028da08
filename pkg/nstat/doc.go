// Package nstat is what iproute2's nstat 6.1 does between reading the
// counters and printing them: the counter database and its order, the
// history file (its path, format, safety checks, lock and ageing), the
// deltas against it, the glob patterns (glibc's fnmatch with
// FNM_CASEFOLD), the daemon (its abstract unix socket, its protocol and
// its moving-average rates) and the client side of that protocol.
//
// # Tables
//
// The history file and the daemon's replies are the same text: a "#" line
// naming the source of the values ("kernel", or the daemon's
// "PID.RANDOM sampling_interval=S time_const=T"), then one line per
// counter, "NAME VALUE RATE". Source.ReadTable reads them as nstat's
// load_good_table does, quirks included: lines are read in pieces of at
// most 4095 bytes, a line is cut at its first NUL, the last byte of a "#"
// line is dropped, a source is kept to 127 bytes, a line without a name
// and a value is an error, a missing or unreadable rate is zero, and the
// constants nstat drops (IpForwarding, IpDefaultTTL, TcpRtoAlgorithm,
// TcpRtoMin, TcpRtoMax, TcpMaxConn, TcpCurrEstab) are dropped.
//
// # History
//
// OpenHistory opens the file as nstat does (O_RDWR|O_CREAT|O_NOFOLLOW,
// mode 0600 less the umask), takes an exclusive flock that is held until
// Close, and refuses a file with more than one link or another owner.
// Those refusals, and the errors of the system calls, are typed so that
// the applet prints nstat's messages.
//
// # Daemon
//
// A Server samples the counters every scan interval, keeps nstat's
// exponentially weighted moving average of each counter's rate, and
// answers every client that connects to its abstract socket with the
// table, then closes the connection; at most five answers are written at
// a time, later clients are closed at once. Dial finds a daemon as nstat's
// client does and checks the peer's credentials.
package nstat
