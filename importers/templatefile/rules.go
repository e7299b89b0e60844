package templatefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/debrief-oss/debrief"
)

// rulesFile is a YAML file of template rules (docs/templates.md#rules).
type rulesFile struct {
	Rules []struct {
		Name          string   `yaml:"name"`
		Types         []string `yaml:"types"`
		Severities    []string `yaml:"severities"`
		Template      string   `yaml:"template"`
		Retrospective string   `yaml:"retrospective"`
	} `yaml:"rules"`
}

// ParseRules reads a YAML file of template rules, in the order they are
// tried. Whether the templates and severities exist is the app's to say.
func ParseRules(name string, content []byte) ([]*debrief.TemplateRule, error) {
	switch {
	case len(content) > MaxSize:
		return nil, &Error{Name: name, Msg: fmt.Sprintf("is %d bytes; a rules file may have at most %d.", len(content), MaxSize)}
	case bytes.IndexByte(content, 0) >= 0 || !utf8.Valid(content):
		return nil, &Error{Name: name, Msg: "is not a text file in UTF-8."}
	}
	var f rulesFile
	dec := yaml.NewDecoder(bytes.NewReader(content))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Name: name, Msg: "is empty; list the rules under \"rules:\"."}
		}
		return nil, yamlError(name, err)
	}
	out := make([]*debrief.TemplateRule, 0, len(f.Rules))
	for _, r := range f.Rules {
		out = append(out, &debrief.TemplateRule{Name: r.Name, Types: r.Types, Severities: r.Severities,
			Template: r.Template, Retrospective: r.Retrospective})
	}
	return out, nil
}
