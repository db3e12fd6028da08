package scenario

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// shipped holds the scenarios built into the binary; testdata/scenarios/ at
// the repository root holds identical copies (a test keeps them so).
//
//go:embed scenarios/*.yaml
var shipped embed.FS

// Shipped returns the names of the built-in scenarios, sorted.
func Shipped() []string {
	entries, _ := fs.ReadDir(shipped, "scenarios")
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// ShippedFile returns the YAML text of the built-in scenario name.
func ShippedFile(name string) ([]byte, error) {
	if !validName(name) || strings.Contains(name, "/") {
		return nil, notShipped(name)
	}
	data, err := shipped.ReadFile("scenarios/" + name + ".yaml")
	if err != nil {
		return nil, notShipped(name)
	}
	return data, nil
}

func notShipped(name string) error {
	return fmt.Errorf("scenario %q: no such file and no shipped scenario of that name (shipped: %s)",
		name, strings.Join(Shipped(), ", "))
}

// LoadShipped parses the built-in scenario name; errors name it "name.yaml".
func LoadShipped(name string) (*Scenario, error) {
	data, err := ShippedFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(name+".yaml", data)
}

// Resolve loads arg as a scenario file when a file of that name exists, and
// as a shipped scenario's name otherwise.
func Resolve(arg string) (*Scenario, error) {
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		return Load(arg)
	}
	return LoadShipped(arg)
}
