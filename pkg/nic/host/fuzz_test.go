package host

import "testing"

func FuzzParseRings(f *testing.F) {
	f.Add([]byte{8, 0, 2, 0, 0, 16, 0, 0, 5, 0, 11, 0, 2, 0, 0, 0})
	f.Add([]byte{4, 0, 13, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseRings(b)
	})
}

func FuzzParseChannels(f *testing.F) {
	f.Add([]byte{8, 0, 2, 0, 2, 0, 0, 0, 8, 0, 9, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseChannels(b)
	})
}

func FuzzParseCoalesce(f *testing.F) {
	f.Add([]byte{8, 0, 3, 0, 0, 0, 0, 0, 5, 0, 11, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseCoalesce(b)
	})
}

func FuzzParseFeatures(f *testing.F) {
	f.Add([]byte{12, 0, 2, 0x80, 8, 0, 2, 0, 1, 0, 0, 0}, []byte{})
	f.Fuzz(func(t *testing.T, b, s []byte) {
		names, _ := parseStrset(s)
		_, _ = parseFeatures(b, names)
	})
}

func FuzzParsePause(f *testing.F) {
	f.Add([]byte{5, 0, 2, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parsePause(b)
	})
}

func FuzzParseTSInfo(f *testing.F) {
	f.Add([]byte{8, 0, 5, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseTSInfo(b)
	})
}

func FuzzParseLink(f *testing.F) {
	f.Add([]byte{8, 0, 5, 0, 0x10, 0x27, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseLinkModes(b)
		_, _ = parseLinkInfo(b)
		_, _ = parseWoL(b)
		_, _, _ = parseDebug(b)
		_, _ = parseLinkState(b)
	})
}

func FuzzParseFeaturesSetReply(f *testing.F) {
	f.Add([]byte{20, 0, 3, 0x80, 8, 0, 2, 0, 2, 0, 0, 0, 8, 0, 4, 0, 1, 0, 0, 0}, 2)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 256 {
			return
		}
		names := make([]string, n)
		_, _ = parseFeaturesSetReply(b, names, map[int]bool{0: true})
	})
}
