package nstat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
)

// SocketName is the abstract unix socket an nstat daemon run by uid
// listens on, in Go's notation ("@nstat0" is "\0nstat0"). Abstract
// sockets belong to a network namespace: each namespace has its own.
func SocketName(uid int) string { return "@nstat" + strconv.Itoa(uid) }

// DaemonSource is the source line of a daemon's tables: its pid, the first
// value of glibc's random() (nstat never seeds it, so it is always
// 1804289383), the sampling interval and the time constant in seconds.
func DaemonSource(pid int, scanMS, timeConstMS int32) string {
	return fmt.Sprintf("%d.%d sampling_interval=%d time_const=%d", pid, 1804289383, scanMS/1000, timeConstMS/1000)
}

// SocketError is a step of creating the daemon's socket that failed.
// nstat prints "nstat: OP: ERROR" and exits 255.
type SocketError struct {
	Op  string // "socket", "bind" or "listen"
	Err error  // a syscall.Errno
}

func (e *SocketError) Error() string { return e.Op + ": " + e.Err.Error() }

func (e *SocketError) Unwrap() error { return e.Err }

// Listener returns a listener accepting on a socket made by Listen (or
// inherited from the process that made it). f may be closed afterwards.
func Listener(f *os.File) (net.Listener, error) {
	return net.FileListener(f)
}

// ReadDaemon reads a daemon's reply on conn (which it closes) into a
// table, updating src from its source line. It gives up when ctx is done.
func ReadDaemon(ctx context.Context, conn net.Conn, src *Source) ([]Entry, error) {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	entries, err := src.ReadTable(conn)
	if err != nil && ctx.Err() != nil {
		return entries, ctx.Err()
	}
	return entries, err
}

// MaxAnswers is how many clients a Server answers at a time (nstat's
// limit of five children); a client that comes while as many answers are
// being written is closed without one.
const MaxAnswers = 5

// Server is nstat's daemon: it reads the counters every ScanMS, keeps
// their rates (see Averager), and answers each client with the table of
// the last reading.
type Server struct {
	Averager
	// Source is the source line of its tables (see DaemonSource).
	Source string
	// Read reads the counters in nstat's order. A failed reading is
	// skipped, as nstat skips files it cannot open.
	Read func(ctx context.Context) ([]Entry, error)
	// Dump writes the answer to a client.
	Dump func(w io.Writer, source string, db []Entry) error
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Serve reads the counters, then answers the clients ln accepts and
// reads the counters again every ScanMS until ctx is done or ln fails.
// It closes ln. The first reading after the start is taken as the
// interval since the epoch, as nstat does (the counters' rates start at
// zero).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer ln.Close()
	now := s.Now
	if now == nil {
		now = time.Now
	}
	db, _ := s.Read(ctx)

	conns := make(chan net.Conn)
	failed := make(chan error, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
					failed <- err
					return
				}
				time.Sleep(10 * time.Millisecond) // EMFILE and the like: nstat retries
				continue
			}
			select {
			case conns <- c:
			case <-ctx.Done():
				c.Close()
				return
			}
		}
	}()

	done := make(chan struct{}, MaxAnswers)
	active := 0
	var snap int64 // milliseconds since the epoch; nstat starts from zero
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		t := now().UnixMilli()
		tdiff := t - snap
		if tdiff >= int64(s.ScanMS) {
			if fresh, err := s.Read(ctx); err == nil {
				db = s.Update(db, fresh, int32(tdiff))
			}
			snap = t
			tdiff = 0
		}
		timer.Reset(time.Duration(int64(s.ScanMS)-tdiff) * time.Millisecond)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-failed:
			return err
		case c := <-conns:
			if active >= MaxAnswers {
				c.Close()
				break
			}
			active++
			snapshot := append([]Entry(nil), db...)
			go func() {
				s.Dump(c, s.Source, snapshot)
				c.Close()
				done <- struct{}{}
			}()
		case <-done:
			active--
		case <-timer.C:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}
