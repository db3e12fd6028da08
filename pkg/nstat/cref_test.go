package nstat

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	report "github.com/stackbox/stackbox/pkg/report/nstat"
)

// cref compiles testdata/cref.c, a helper that asks glibc itself, and runs
// the queries through it. Tests that use it skip without a C compiler.
func cref(t *testing.T, queries []string) []string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("needs a C compiler (cc) to compare with glibc")
	}
	bin := filepath.Join(t.TempDir(), "cref")
	if out, err := exec.Command(cc, "-O0", "-o", bin, "testdata/cref.c").CombinedOutput(); err != nil {
		t.Skipf("cannot build the glibc helper: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdin = strings.NewReader(strings.Join(queries, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("glibc helper: %v", err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != len(queries) {
		t.Fatalf("glibc helper answered %d of %d queries", len(lines), len(queries))
	}
	return lines
}

func hx(s string) string {
	if s == "" {
		return "-"
	}
	return hex.EncodeToString([]byte(s))
}

// randomText draws short strings from an alphabet rich in what globs and
// scanf treat specially.
func randomText(r *rand.Rand, alphabet string, max int) string {
	n := r.Intn(max + 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

func TestFnmatchAgainstGlibc(t *testing.T) {
	type pair struct{ p, s string }
	pairs := []pair{
		{"Tcp*", "TcpActiveOpens"}, {"tcp*", "TcpActiveOpens"}, {"*Opens", "TcpPassiveOpens"},
		{"Tcp[AP]*", "TcpActiveOpens"}, {"Tcp[!A]*", "TcpActiveOpens"}, {"Tcp[^A]*", "TcpActiveOpens"},
		{"[[:upper:]]cp*", "TcpX"}, {"[[:lower:]]cp*", "TcpX"}, {"[[:foo:]]*", "TcpX"},
		{"[]]", "]"}, {"[!]]", "a"}, {"[a-]", "-"}, {"[a-c]", "B"}, {"[A-C]", "b"}, {"[z-a]", "q"},
		{"[", "["}, {"[abc", "[abc"}, {"a\\", "a"}, {"a\\*", "a*"}, {"\\A", "a"}, {"[\\]]", "]"},
		{"[[=a=]]", "a"}, {"[[=a=]]", "A"}, {"[[.a.]]", "a"}, {"[[.a.]-c]", "b"}, {"[[.ab.]]", "a"},
		{"[a-[.c.]]", "b"}, {"*?", ""}, {"?*?", "ab"}, {"**a", "ba"}, {"*[", "x["}, {"[[:alpha:]", "["},
		{"[[:alpha", "["}, {"[[:alpha:]x]", "x"}, {"[x[:alpha:]]", "Q"}, {"[!x[:digit:]]", "5"},
		{"[[:zz:]]", "z"}, {"[[=]", "="}, {"[[=a]", "a"}, {"[[.]", "."}, {"[a-\\]]", "b"},
	}
	r := rand.New(rand.NewSource(1))
	const patAlpha = "aAbB-[]!^\\*?:=.z0"
	const strAlpha = "aAbB-[]!^\\*?:=.z0"
	for i := 0; i < 20000; i++ {
		pairs = append(pairs, pair{randomText(r, patAlpha, 8), randomText(r, strAlpha, 5)})
	}
	// Class names inside brackets.
	classes := []string{"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit", "bogus"}
	for _, c := range classes {
		for b := 1; b < 256; b++ {
			pairs = append(pairs, pair{"[[:" + c + ":]]", string([]byte{byte(b)})})
		}
	}
	queries := make([]string, len(pairs))
	for i, p := range pairs {
		queries[i] = "F " + hx(p.p) + " " + hx(p.s)
	}
	answers := cref(t, queries)
	bad := 0
	for i, p := range pairs {
		want := answers[i] == "1"
		if got := Fnmatch(p.p, p.s, false); got != want {
			t.Errorf("Fnmatch(%q, %q) = %v, glibc says %v", p.p, p.s, got, want)
			if bad++; bad > 20 {
				t.FailNow()
			}
		}
	}
}

func TestScanAgainstGlibc(t *testing.T) {
	lines := []string{
		"IpInReceives 5", "IpInReceives 5 2.5", "IpInReceives -5", "IpInReceives +5 -2.5",
		"IpInReceives 99999999999999999999999", "IpInReceives -99999999999999999999999",
		"X 18446744073709551615", "X 18446744073709551616", "X 1 inf", "X 1 -Infinity", "X 1 infin",
		"X 1 nan", "X 1 NAN(123)", "X 1 0x", "X 1 0x1.8", "X 1 0x1p4", "X 1 0x.8p-1", "X 1 1e",
		"X 1 1e+", "X 1 1e5", "X 1 .5", "X 1 5.", "X 1 .", "X 1 +", "X 1 -", "X 1 e5", "X 1 1.5e-3x",
		"X 1 1e400", "X 1 -1e-400", "X 1 0x1p99999", "foo", "foo bar", "", " ", "\t\vX\f1\r2\n",
		"X 12abc", "X 0x10", "X +", "X -0 -0", "X 1 1.2.3", "X 1 0X1P1",
	}
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 5000; i++ {
		lines = append(lines, "N "+randomText(r, "0123456789+-.eExXpPaAfFiInN ", 12)+" "+randomText(r, "0123456789+-.eExXpPaAfFiInNty ", 10))
	}
	queries := make([]string, len(lines))
	for i, l := range lines {
		queries[i] = "S " + hx(l)
	}
	answers := cref(t, queries)
	for i, l := range lines {
		f := strings.Fields(answers[i])
		nr, _ := strconv.Atoi(f[0])
		wantVal, _ := strconv.ParseUint(f[1], 10, 64)
		e, ok := scanEntry([]byte(l))
		if ok != (nr >= 2) {
			t.Errorf("scan %q: ok = %v, glibc read %d fields", l, ok, nr)
			continue
		}
		if !ok {
			continue
		}
		if e.Value != wantVal {
			t.Errorf("scan %q: value %d, glibc %d", l, e.Value, wantVal)
		}
		if got := fmt.Sprintf("%x", e.Rate); !sameFloat(got, f[2], e.Rate) {
			t.Errorf("scan %q: rate %v (%s), glibc %s", l, e.Rate, got, f[2])
		}
	}
}

// sameFloat compares a rate with glibc's %a text of it.
func sameFloat(_ string, glibc string, f float64) bool {
	switch glibc {
	case "nan", "-nan":
		return math.IsNaN(f) && math.Signbit(f) == (glibc == "-nan")
	case "inf":
		return math.IsInf(f, 1)
	case "-inf":
		return math.IsInf(f, -1)
	}
	want, err := strconv.ParseFloat(glibc, 64)
	if err != nil {
		return false
	}
	return want == f && math.Signbit(want) == math.Signbit(f)
}

func TestFormatRateAgainstGlibc(t *testing.T) {
	values := []float64{0, math.Copysign(0, -1), 0.05, 0.15, 0.25, 0.35, -0.05, 1.25, 2.5, 1e6 + 0.05,
		123456.789, 1e300, -1e-300, math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(math.NaN(), -1), 0.95, 9.95, 99999.95}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 3000; i++ {
		values = append(values, float64(r.Intn(200000))/20, r.NormFloat64()*1000, math.Float64frombits(r.Uint64()))
	}
	queries := make([]string, len(values))
	for i, v := range values {
		queries[i] = fmt.Sprintf("P %016x", math.Float64bits(v))
	}
	answers := cref(t, queries)
	for i, v := range values {
		if got := "[" + report.FormatRate(v) + "]"; got != answers[i] {
			t.Errorf("FormatRate(%v) = %s, glibc %s", v, got, answers[i])
		}
	}
}

func TestScanInt32AgainstGlibc(t *testing.T) {
	texts := []string{"5", " 5", "+5", "-5", "5x", "x", "", "0x5", "2147483647", "2147483648", "4294967297",
		"99999999999999999999", "-99999999999999999999", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "\t\n12", "- 5", "--5"}
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 2000; i++ {
		texts = append(texts, randomText(r, "0123456789+- x", 22))
	}
	var queries []string
	for _, s := range texts {
		queries = append(queries, "A "+hx(s), "D "+hx(s))
	}
	answers := cref(t, queries)
	for i, s := range texts {
		v, ok := ScanInt32(s)
		atoi := int32(0)
		if ok {
			atoi = v
		}
		if got := strconv.Itoa(int(atoi)); got != answers[2*i] {
			t.Errorf("atoi(%q) = %s, glibc %s", s, got, answers[2*i])
		}
		want := "0 0"
		if ok {
			want = fmt.Sprintf("1 %d", v)
		}
		if answers[2*i+1] == "-1 0" && !ok {
			continue // EOF before any conversion
		}
		if want != answers[2*i+1] {
			t.Errorf("sscanf(%q, %%d) = %s, glibc %s", s, want, answers[2*i+1])
		}
	}
}
