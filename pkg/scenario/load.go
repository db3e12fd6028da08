package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds a scenario file; real ones are a few KB.
const maxFileSize = 1 << 20

// Load reads and parses the scenario file at path; errors name the path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return Parse(path, data)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse parses a scenario from data, naming it name in errors. On failure it
// returns an ErrorList: every syntax and type error if there are any, else
// every semantic error (unknown hosts, conflicts, bad times), at most 20.
func Parse(name string, data []byte) (*Scenario, error) {
	fail := func(line int, msg string) (*Scenario, error) {
		return nil, ErrorList{{File: name, Line: line, Msg: msg}}
	}
	if len(data) > maxFileSize {
		return fail(0, fmt.Sprintf("file too large (%d bytes, at most %d)", len(data), maxFileSize))
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(0, "empty scenario")
		}
		return fail(yamlError(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return fail(yamlError(err))
		}
		return fail(extra.Line, "more than one YAML document")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return fail(0, "empty scenario")
	}
	d := &decoder{file: name, lines: map[string]int{}}
	s := &Scenario{File: name}
	d.value(doc.Content[0], "", reflect.ValueOf(s).Elem())
	if len(d.errs) == 0 {
		d.check(s)
	}
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return s, nil
}

// yamlError splits a yaml library error into its line and message.
func yamlError(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, "yaml: " + m[2]
	}
	return 0, msg
}

// baseName returns the file name without its directory and .yaml/.yml.
func baseName(file string) string {
	b := filepath.Base(file)
	for _, ext := range []string{".yaml", ".yml"} {
		if s, ok := strings.CutSuffix(b, ext); ok {
			return s
		}
	}
	return b
}
