package sysctl

// ReferenceMemory is the RAM of the reference machine New describes: 16 GiB.
// Linux sizes several defaults from memory at boot; a fixed reference keeps
// the tree the same on every machine. NewWithMemory takes another size.
const ReferenceMemory = 16 << 30

const pageSize = 4096

// MemoryDerived lists the sysctls whose defaults Linux computes from the
// machine's memory; applyMemory gives the formulas. A fresh namespace on a
// machine of another size shows other values for these.
var MemoryDerived = []string{
	"fs.file-max",
	"net.ipv4.tcp_max_orphans",
	"net.ipv4.tcp_max_syn_backlog",
	"net.ipv4.tcp_max_tw_buckets",
	"net.ipv4.tcp_mem",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.udp_mem",
	"net.netfilter.nf_conntrack_buckets",
	"net.netfilter.nf_conntrack_max",
}

// applyMemory sets the memory-derived defaults for a machine of ram bytes,
// after Linux 6.18's boot-time code. The kernel starts from counts of pages
// (nr_free_buffer_pages, nr_kernel_pages, totalram_pages) that are a little
// below the RAM size; the tree takes them all as ram/4096, which is what
// makes the result deterministic. For 16 GiB (4 Mi pages) that gives:
//
//	TCP established hash (alloc_large_system_hash, one bucket per 128 KiB,
//	rounded up to a power of two, 512 Ki at most): 131072 buckets, hence
//	tcp_max_tw_buckets 65536 and tcp_max_orphans 65536 (half of it) and
//	tcp_max_syn_backlog 1024 (1/128 of it, at least 128);
//	tcp_mem (limit = pages/16): 196608 262144 393216;
//	udp_mem (limit = pages/8): 393216 524288 786432;
//	tcp_rmem[2] = min(32 MiB, pages*32), tcp_wmem[2] = min(4 MiB, pages*32):
//	the caps, 33554432 and 4194304, for any machine above 1 GiB;
//	nf_conntrack_buckets and nf_conntrack_max: 262144 above 4 GiB, 65536
//	above 1 GiB, else one 8-byte bucket per 16 KiB (at least 1024);
//	fs.file-max: 10% of memory in KiB, 1677721 (the kernel first takes out
//	1.5 times the memory in use at boot, so real machines show a little less).
func applyMemory(t *Tree, ram int64) {
	pages := max(ram/pageSize, 1)

	// TCP established hash: tcp_init's alloc_large_system_hash call.
	ehash := (pages + 255) &^ 255 // round up to 1 MiB of pages
	ehash >>= 17 - 12             // one bucket per 2^17 bytes
	ehash = max(ehash, pageSize/8)
	ehash = min(roundUpPow2(ehash), 512*1024)
	t.ints[TCPMaxTwBuckets] = ehash / 2
	t.ints[TCPMaxOrphans] = ehash / 2
	t.ints[TCPMaxSynBacklog] = max(128, ehash/128)

	setMem := func(k Knob, limit int64) {
		limit = max(limit, 128)
		t.ints[k] = limit / 4 * 3
		t.ints[k+1] = limit
		t.ints[k+2] = limit / 4 * 3 * 2
	}
	setMem(TCPMemLow, pages/16)
	setMem(UDPMemLow, pages/8)

	share := pages << (12 - 7) // 1/128 of memory, in bytes
	t.ints[TCPWmemMax] = max(64<<10, min(4<<20, share))
	t.ints[TCPRmemMax] = max(131072, min(32<<20, share))

	var buckets int64
	switch {
	case pages > 4<<30/pageSize:
		buckets = 262144
	case pages > 1<<30/pageSize:
		buckets = 65536
	default:
		buckets = max(pages*pageSize/16384/8, 1024)
	}
	t.ints[NfConntrackBuckets] = buckets
	t.ints[NfConntrackMax] = buckets

	t.ints[FsFileMax] = max(pages*(pageSize/1024)/10, 8192)
}

func roundUpPow2(n int64) int64 {
	p := int64(1)
	for p < n {
		p <<= 1
	}
	return p
}
