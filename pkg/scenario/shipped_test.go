package scenario

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/scenarios from pkg/scenario/scenarios")

const testdataDir = "../../testdata/scenarios"

func TestShippedNames(t *testing.T) {
	want := []string{"bulk", "burst", "ctfull", "rss", "storm", "synflood", "timewait", "web"}
	if got := Shipped(); !slices.Equal(got, want) {
		t.Fatalf("Shipped() = %v, want %v", got, want)
	}
}

func TestShippedLoad(t *testing.T) {
	for _, name := range Shipped() {
		s, err := LoadShipped(name)
		if err != nil {
			t.Errorf("LoadShipped(%q): %v", name, err)
			continue
		}
		if s.Name != name {
			t.Errorf("%s: name %q, want the file's name", name, s.Name)
		}
		if s.Description == "" || s.Duration <= 0 || len(s.Workloads) == 0 {
			t.Errorf("%s: want a description, a duration and workloads, got %q %v %d",
				name, s.Description, s.Duration, len(s.Workloads))
		}
		if data := mustShipped(t, name); !bytes.HasPrefix(data, []byte("# "+name+": ")) {
			t.Errorf("%s: want a first comment line explaining what it shows", name)
		}
		if !strings.HasPrefix(s.File, name) {
			t.Errorf("%s: File %q", name, s.File)
		}
	}
}

func TestTestdataCopies(t *testing.T) {
	if *update {
		old, _ := filepath.Glob(filepath.Join(testdataDir, "*.yaml"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range Shipped() {
			data, _ := ShippedFile(name)
			if err := os.WriteFile(filepath.Join(testdataDir, name+".yaml"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(testdataDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	if !slices.Equal(names, Shipped()) {
		t.Fatalf("testdata/scenarios holds %v, shipped are %v (run with -update)", names, Shipped())
	}
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(testdataDir, name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ShippedFile(name)
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/scenarios/%s.yaml differs from pkg/scenario/scenarios (run with -update)", name)
		}
		if _, err := Load(filepath.Join(testdataDir, name+".yaml")); err != nil {
			t.Errorf("Load: %v", err)
		}
	}
}

func TestResolve(t *testing.T) {
	s, err := Resolve("bulk")
	if err != nil || s.Name != "bulk" || s.File != "bulk.yaml" {
		t.Fatalf("Resolve(bulk) = %+v, %v", s, err)
	}

	// A file wins over a shipped name.
	dir := t.TempDir()
	t.Chdir(dir)
	data := strings.Replace(string(mustShipped(t, "storm")), "name: storm", "name: local", 1)
	if err := os.WriteFile("bulk", []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Resolve("bulk")
	if err != nil || s.Name != "local" || s.File != "bulk" {
		t.Fatalf("Resolve(bulk) with a file = %+v, %v", s, err)
	}

	// A directory of that name does not count as a file.
	if err := os.Mkdir("web", 0o755); err != nil {
		t.Fatal(err)
	}
	if s, err = Resolve("web"); err != nil || s.Name != "web" {
		t.Fatalf("Resolve(web) with a directory = %+v, %v", s, err)
	}

	_, err = Resolve("nope")
	want := `scenario "nope": no such file and no shipped scenario of that name (shipped: bulk, burst, ctfull, rss, storm, synflood, timewait, web)`
	if err == nil || err.Error() != want {
		t.Fatalf("Resolve(nope) = %v, want %s", err, want)
	}
	if _, err := LoadShipped("../scenario/scenarios/web"); err == nil {
		t.Fatal("LoadShipped with a path: want an error")
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("Load(missing) = %v, want an error naming the file", err)
	}
}

func mustShipped(t *testing.T, name string) []byte {
	t.Helper()
	data, err := ShippedFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
