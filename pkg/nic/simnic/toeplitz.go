package simnic

// DefaultKey is the default 40-byte Toeplitz key, the one in Microsoft's
// RSS specification that many drivers (ixgbe, i40e, ice) use as their
// default when the kernel does not give them a random one.
var DefaultKey = [40]byte{
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
}

// Toeplitz computes the Toeplitz hash of input under key, as the RSS
// specification defines it: for every set bit i of the input (most
// significant bit of the first byte first), the 32 key bits starting at
// bit i are XORed into the result. Key bits past the end of the key are
// zero.
func Toeplitz(key, input []byte) uint32 {
	var h uint32
	for i, b := range input {
		for bit := 0; bit < 8; bit++ {
			if b&(0x80>>bit) != 0 {
				h ^= keyWord(key, i*8+bit)
			}
		}
	}
	return h
}

// keyWord returns the 32 bits of key starting at bit off.
func keyWord(key []byte, off int) uint32 {
	var w uint64
	for j := 0; j < 5; j++ {
		w <<= 8
		if k := off/8 + j; k < len(key) {
			w |= uint64(key[k])
		}
	}
	return uint32(w >> (8 - uint(off%8)))
}

// toeplitzInputMax is the longest hash input: IPv6 addresses and ports.
const toeplitzInputMax = 36

// toeplitzTable holds, for every input byte position and byte value, what
// that byte contributes to the hash, so that hashing a packet costs one
// lookup per input byte.
type toeplitzTable [toeplitzInputMax][256]uint32

func (t *toeplitzTable) init(key []byte) {
	for i := range t {
		var bits [8]uint32
		for b := range bits {
			bits[b] = keyWord(key, i*8+b)
		}
		for v := range 256 {
			var h uint32
			for b := range 8 {
				if v&(0x80>>b) != 0 {
					h ^= bits[b]
				}
			}
			t[i][v] = h
		}
	}
}

func (t *toeplitzTable) hash(input []byte) uint32 {
	var h uint32
	for i, b := range input {
		h ^= t[i][b]
	}
	return h
}
