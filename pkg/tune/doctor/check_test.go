package doctor

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack"
)

// healthy is a snapshot of a quiet host with the kernel's defaults.
func healthy() *Snapshot {
	return &Snapshot{
		Target: "test", Elapsed: 10 * time.Second, TCPMemPages: 10,
		Counters: map[string]uint64{"TcpOutSegs": 100000, "TcpRetransSegs": 50, "TcpExtListenOverflows": 0,
			"TcpExtListenDrops": 0, "TcpExtTCPTimeWaitOverflow": 0, "TcpExtTCPMemoryPressures": 0},
		Softnet: []stack.SoftnetStat{{CPU: 0, Processed: 100000, TimeSqueeze: 3}, {CPU: 1, Processed: 5000}},
		Sockets: &stack.SocketSummary{TCPTimeWait: 100},
		Ports:   PortUse{InRange: 100, Top: "10.0.0.2:80", Count: 100},
		Flows:   &FlowState{Count: stack.FlowCount{Entries: 100, Max: 262144}, Stats: map[string]uint64{}},
		Sysctls: map[string]string{
			"net.core.netdev_max_backlog": "1000", "net.core.netdev_budget": "300", "net.core.netdev_budget_usecs": "2000",
			"net.core.somaxconn": "4096", "net.ipv4.tcp_max_syn_backlog": "1024", "net.ipv4.tcp_syncookies": "1",
			"net.ipv4.tcp_max_tw_buckets": "65536", "net.ipv4.tcp_tw_reuse": "2", "net.ipv4.ip_local_port_range": "32768 60999",
			"net.netfilter.nf_conntrack_max": "262144", "net.ipv4.tcp_mem": "94000 125000 188000",
			"net.core.rmem_max": "212992", "net.core.wmem_max": "212992", "net.ipv4.tcp_rmem": "4096 131072 6291456",
			"net.ipv4.tcp_wmem": "4096 16384 4194304", "net.ipv4.tcp_congestion_control": "cubic", "net.core.default_qdisc": "fq_codel",
		},
		NICs: []NICState{{Name: "eth0", Rings: &nic.Rings{RX: nic.U32(512), RXMax: nic.U32(4096)},
			Stats: []nic.Stat{{Name: "rx_packets", Value: 1000}, {Name: "rx_missed_errors", Value: 0}}}},
		Files: &Files{Allocated: 1000, Max: 100000, Procs: []ProcFiles{{PID: 7, Name: "nginx", Open: 100, SoftLimit: 1024}}},
	}
}

func TestHealthy(t *testing.T) {
	r := Diagnose(healthy(), Commands{})
	if len(r.Findings) != 0 || len(r.Skipped) != 0 || len(r.Checks) != len(checks) {
		t.Errorf("healthy: findings %+v, skipped %+v, checks %v", r.Findings, r.Skipped, r.Checks)
	}
}

func TestChecks(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(s *Snapshot)
		check  string
		sev    Severity
		fix    string // a fix the finding must give
		evid   string // an evidence name it must give
	}{
		{"softnet drops", func(s *Snapshot) { s.Softnet[1].Dropped = 5 },
			"softnet-drops", Warning, "sysctl -w net.core.netdev_max_backlog=2000", "cpu1 dropped"},
		{"squeeze", func(s *Snapshot) { s.Softnet[0].TimeSqueeze = 100 },
			"softnet-squeeze", Warning, "sysctl -w net.core.netdev_budget=600", "cpu0 time_squeeze"},
		{"ring drops, small ring", func(s *Snapshot) { s.NICs[0].Stats[1].Value = 77 },
			"nic-ring-drops", Warning, "ethtool -G eth0 rx 4096", "eth0 rx_missed_errors"},
		{"ring drops at max", func(s *Snapshot) {
			s.NICs[0].Rings.RX = nic.U32(4096)
			s.NICs[0].Channels = &nic.Channels{Combined: nic.U32(2), CombinedMax: nic.U32(8)}
			s.NICs[0].Stats = append(s.NICs[0].Stats, nic.Stat{Name: "rx_queue_0_drops", Value: 3})
		}, "nic-ring-drops", Warning, "ethtool -L eth0 combined 8", "eth0 rx_queue_0_drops"},
		{"listen", func(s *Snapshot) {
			s.Counters["TcpExtListenOverflows"] = 9
			s.Listeners = []Listener{{"*:80", 129, 128}}
		},
			"listen-overflow", Warning, "sysctl -w net.core.somaxconn=8192", "listener *:80 accept queue"},
		{"retrans", func(s *Snapshot) { s.Counters["TcpRetransSegs"] = 2000 },
			"retransmissions", Warning, "sysctl -w net.ipv4.tcp_congestion_control=bbr", "TcpRetransSegs"},
		{"retrans critical", func(s *Snapshot) { s.Counters["TcpRetransSegs"] = 6000 },
			"retransmissions", Critical, "", "retransmitted"},
		{"time wait", func(s *Snapshot) { s.Sockets.TCPTimeWait = 60000 },
			"time-wait", Warning, "sysctl -w net.ipv4.tcp_max_tw_buckets=262144", "TIME_WAIT sockets"},
		{"time wait overflow", func(s *Snapshot) { s.Counters["TcpExtTCPTimeWaitOverflow"] = 1 },
			"time-wait", Warning, "sysctl -w net.ipv4.tcp_tw_reuse=1", "TcpExtTCPTimeWaitOverflow"},
		{"ports", func(s *Snapshot) { s.Ports.Count = 25000 },
			"local-ports", Warning, `sysctl -w net.ipv4.ip_local_port_range="1024 65535"`, "sockets to 10.0.0.2:80"},
		{"conntrack fill", func(s *Snapshot) { s.Flows.Count.Entries = 250000 },
			"conntrack", Warning, "sysctl -w net.netfilter.nf_conntrack_max=524288", "fill"},
		{"conntrack drop", func(s *Snapshot) { s.Flows.Stats["drop"] = 1 },
			"conntrack", Critical, "", "drop"},
		{"memory pressure", func(s *Snapshot) { s.TCPMemPages = 130000 },
			"socket-memory", Warning, `sysctl -w net.ipv4.tcp_mem="188000 250000 376000"`, "sockstat TCP mem (pages)"},
		{"memory high", func(s *Snapshot) { s.TCPMemPages = 190000 },
			"socket-memory", Critical, "", "net.ipv4.tcp_mem"},
		{"file-max", func(s *Snapshot) { s.Files.Allocated = 96000 },
			"file-descriptors", Critical, "sysctl -w fs.file-max=200000", "fs.file-max"},
		{"rlimit", func(s *Snapshot) { s.Files.Procs[0].Open = 900 },
			"file-descriptors", Warning, "prlimit --pid 7 --nofile=4096:1048576", "RLIMIT_NOFILE soft limit"},
		{"rmem half tuned", func(s *Snapshot) { s.Sysctls["net.ipv4.tcp_rmem"] = "4096 87380 16777216" },
			"buffer-limits", Info, "sysctl -w net.core.rmem_max=16777216", "net.core.rmem_max"},
		{"wmem half tuned", func(s *Snapshot) { s.Sysctls["net.core.wmem_max"] = "1048576" },
			"buffer-limits", Info, "sysctl -w net.core.wmem_max=4194304", "net.ipv4.tcp_wmem"},
		{"bbr without fq", func(s *Snapshot) { s.Sysctls["net.ipv4.tcp_congestion_control"] = "bbr" },
			"bbr-pacing", Warning, "sysctl -w net.core.default_qdisc=fq", "net.core.default_qdisc"},
		{"bbr socket without fq", func(s *Snapshot) { s.Congestion = []string{"bbr", "cubic"} },
			"bbr-pacing", Warning, "sysctl -w net.core.default_qdisc=fq", "algorithms in use"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := healthy()
			tt.change(s)
			r := Diagnose(s, DefaultCommands)
			if len(r.Findings) != 1 {
				t.Fatalf("findings %+v, want one of %s", r.Findings, tt.check)
			}
			f := r.Findings[0]
			if f.Check != tt.check || f.Severity != tt.sev {
				t.Errorf("finding %s %v, want %s %v", f.Check, f.Severity, tt.check, tt.sev)
			}
			if tt.fix != "" && !contains(f.Fix, tt.fix) {
				t.Errorf("fixes %q, want %q among them", f.Fix, tt.fix)
			}
			found := false
			for _, e := range f.Evidence {
				found = found || e.Name == tt.evid
			}
			if !found {
				t.Errorf("evidence %+v, want %q", f.Evidence, tt.evid)
			}
			if f.Title == "" || f.Meaning == "" {
				t.Errorf("finding without title or meaning: %+v", f)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestThresholdEdges(t *testing.T) {
	s := healthy()
	s.Counters["TcpRetransSegs"] = 999 // 0.999%
	s.Sockets.TCPTimeWait = 52428      // just under 80% of 65536
	s.Flows.Count.Entries = 209715     // just under 80%
	s.Ports.Count = 22385              // just under 80% of 28232
	s.Softnet[0].TimeSqueeze = 99      // under 1 per 1000 of 100000
	s.Counters["TcpOutSegs"], s.Counters["TcpRetransSegs"] = 999, 999
	if r := Diagnose(s, DefaultCommands); len(r.Findings) != 0 {
		t.Errorf("under every threshold: %+v", r.Findings)
	}
}

func TestSkipped(t *testing.T) {
	s := healthy()
	s.Softnet, s.NICs, s.Flows, s.Files, s.TCPMemPages = nil, nil, nil, nil, -1
	r := Diagnose(s, DefaultCommands)
	var names []string
	for _, k := range r.Skipped {
		names = append(names, k.Check)
	}
	want := "softnet-drops softnet-squeeze nic-ring-drops conntrack socket-memory file-descriptors"
	if strings.Join(names, " ") != want {
		t.Errorf("skipped %v, want %s", names, want)
	}
}

func TestNetnsCommands(t *testing.T) {
	s := healthy()
	s.NICs[0].Stats[1].Value = 1
	s.Softnet[0].Dropped = 1
	r := Diagnose(s, NetnsCommands("blue"))
	if len(r.Findings) != 2 || r.Findings[0].Fix[0] != "ip netns exec blue sysctl -w net.core.netdev_max_backlog=2000" ||
		r.Findings[1].Fix[0] != "stackbox ethtool --netns blue -G eth0 rx 4096" {
		t.Errorf("fixes: %+v", r.Findings)
	}
}

func TestDelta(t *testing.T) {
	a, b := healthy(), healthy()
	b.Counters["TcpOutSegs"] = 101000
	b.Counters["TcpRetransSegs"] = 150 // 100 of 1000 in the interval: 10%
	b.Softnet[0].Processed, b.Softnet[0].Dropped = 100100, 4
	a.Softnet[0].Dropped = 4 // nothing new
	b.NICs[0].Stats[1].Value = 5
	b.Flows.Stats["early_drop"] = 3
	a.Flows.Stats["early_drop"] = 3
	d := Delta(a, b, 2*time.Second)
	if d.Counters["TcpOutSegs"] != 1000 || d.Softnet[0].Dropped != 0 || d.NICs[0].Stats[1].Value != 5 || d.Flows.Stats["early_drop"] != 0 {
		t.Fatalf("delta: %+v", d)
	}
	r := Diagnose(d, DefaultCommands)
	if !r.Has("retransmissions") || !r.Has("nic-ring-drops") || r.Has("softnet-drops") || r.Has("conntrack") || len(r.Findings) != 2 {
		t.Errorf("findings over the interval: %+v", r.Findings)
	}
	if !r.Interval || r.Elapsed() != 2*time.Second {
		t.Errorf("interval %v %v", r.Interval, r.Elapsed())
	}
	var b2 bytes.Buffer
	if err := r.WriteText(&b2); err != nil || !strings.Contains(b2.String(), "counters over the last 2s") {
		t.Errorf("text: %v\n%s", err, b2.String())
	}
}

func TestJSON(t *testing.T) {
	s := healthy()
	s.Counters["TcpExtListenOverflows"] = 3
	r := Diagnose(s, DefaultCommands)
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != 1 || back.Findings[0].Severity != Warning || back.Findings[0].Check != "listen-overflow" ||
		!strings.Contains(b.String(), `"severity": "warning"`) {
		t.Errorf("round trip: %+v\n%s", back, b.String())
	}
	if back.Worst() != Warning {
		t.Errorf("worst %v", back.Worst())
	}
}

func TestText(t *testing.T) {
	s := healthy()
	s.Counters["TcpExtListenOverflows"] = 3
	s.Files = nil
	var b bytes.Buffer
	if err := Diagnose(s, DefaultCommands).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"tune doctor: test, counters over 10s of uptime\n",
		"\nWARNING  listen-overflow: 3 connections overflowed a listen queue in 10s of uptime (0.3/s)\n",
		"  evidence:\n    TcpExtListenOverflows         3\n",
		"  meaning:\n    A listening socket's",
		"  fix:\n    sysctl -w net.core.somaxconn=8192\n",
		"\nskipped:\n  file-descriptors: no file descriptor figures on this target\n",
		"\n11 checks, 1 finding (0 critical, 1 warning, 0 info)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 100 {
			t.Errorf("long line %q", l)
		}
	}
}

func TestParsers(t *testing.T) {
	mem, err := ParseSockstatMem([]byte("sockets: used 5\nTCP: inuse 3 orphan 0 tw 1 alloc 4 mem 17\nUDP: inuse 0 mem 2\n"))
	if err != nil || mem != 17 {
		t.Errorf("sockstat: %d %v", mem, err)
	}
	for _, bad := range []string{"", "TCP: inuse 3\n", "TCP: mem x\n", "TCP: mem -1\n"} {
		if _, err := ParseSockstatMem([]byte(bad)); err == nil {
			t.Errorf("sockstat %q: no error", bad)
		}
	}
	lim := "Limit                     Soft Limit           Hard Limit           Units     \n" +
		"Max open files            1024                 524288               files     \n"
	if n, ok := ParseLimitsNofile([]byte(lim)); !ok || n != 1024 {
		t.Errorf("limits: %d %v", n, ok)
	}
	if _, ok := ParseLimitsNofile([]byte("Max open files            unlimited            unlimited            files\n")); ok {
		t.Error("unlimited: ok")
	}
}

func FuzzParseSockstatMem(f *testing.F) {
	f.Add([]byte("TCP: inuse 3 orphan 0 tw 1 alloc 4 mem 17\n"))
	f.Add([]byte("TCP: mem"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, err := ParseSockstatMem(b); err == nil && n < 0 {
			t.Errorf("negative %d", n)
		}
	})
}

func FuzzParseLimitsNofile(f *testing.F) {
	f.Add([]byte("Max open files            1024                 524288               files\n"))
	f.Add([]byte("Max open files"))
	f.Fuzz(func(t *testing.T, b []byte) { ParseLimitsNofile(b) })
}
