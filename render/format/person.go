package format

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/debrief-oss/debrief"
)

// A person is written "Name <email> @handle", each part optional, when that
// string reads back as the same person; otherwise as a small mapping with the
// keys name, email and handle.

func personString(p *debrief.Person) string {
	var parts []string
	if p.Name != "" {
		parts = append(parts, p.Name)
	}
	if p.Email != "" {
		parts = append(parts, "<"+p.Email+">")
	}
	if p.Handle != "" {
		parts = append(parts, "@"+p.Handle)
	}
	return strings.Join(parts, " ")
}

func noSpace(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\n\r")
}

// parsePerson reads "Name <email> @handle".
func parsePerson(s string) *debrief.Person {
	p := &debrief.Person{}
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); strings.HasPrefix(s[i+1:], "@") && noSpace(s[i+2:]) && !strings.ContainsAny(s[i+2:], "<>") {
		p.Handle = s[i+2:]
		s = strings.TrimSpace(s[:max(i, 0)])
	}
	if strings.HasSuffix(s, ">") {
		if i := strings.LastIndexByte(s, '<'); i >= 0 && (i == 0 || s[i-1] == ' ') {
			if e := s[i+1 : len(s)-1]; noSpace(e) && !strings.ContainsAny(e, "<>") {
				p.Email = e
				s = strings.TrimSpace(s[:i])
			}
		}
	}
	p.Name = s
	return p
}

func samePerson(a, b *debrief.Person) bool {
	return a.Name == b.Name && a.Email == b.Email && a.Handle == b.Handle
}

// personInline says whether p can be written as one string.
func personInline(p *debrief.Person) bool {
	s := personString(p)
	return s != "" && !strings.ContainsAny(s, "\n\r") && samePerson(parsePerson(s), p)
}

// personYAML is a person in the front matter.
type personYAML struct{ p *debrief.Person }

func (y personYAML) MarshalYAML() (any, error) {
	if personInline(y.p) {
		return personString(y.p), nil
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string) {
		if v != "" {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k},
				&yaml.Node{Kind: yaml.ScalarNode, Value: v})
		}
	}
	add("name", y.p.Name)
	add("email", y.p.Email)
	add("handle", y.p.Handle)
	if len(n.Content) == 0 {
		return "", nil
	}
	return n, nil
}

func (y *personYAML) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		var s string
		if err := n.Decode(&s); err != nil {
			return err
		}
		y.p = parsePerson(s)
		return nil
	case yaml.MappingNode:
		p := &debrief.Person{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: %s: want a string", v.Line, k.Value)
			}
			switch k.Value {
			case "name":
				p.Name = v.Value
			case "email":
				p.Email = v.Value
			case "handle":
				p.Handle = v.Value
			default:
				return fmt.Errorf("line %d: unknown key %q in a person (want name, email, handle)", k.Line, k.Value)
			}
		}
		y.p = p
		return nil
	}
	return fmt.Errorf("line %d: a person is \"Name <email> @handle\" or a mapping with name, email, handle", n.Line)
}

// personLine writes a person on an action's owner line: the string form,
// or a YAML flow mapping when the string would not read back.
func personLine(p *debrief.Person) (string, error) {
	if personInline(p) {
		return personString(p), nil
	}
	v, err := personYAML{p}.MarshalYAML()
	if err != nil {
		return "", err
	}
	n, ok := v.(*yaml.Node)
	if !ok {
		return "", nil
	}
	n.Style = yaml.FlowStyle
	for _, c := range n.Content {
		c.Style = yaml.DoubleQuotedStyle
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func readPersonLine(s string) (*debrief.Person, error) {
	if !strings.HasPrefix(s, "{") {
		return parsePerson(s), nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil {
		return nil, fmt.Errorf("cannot read person %s", s)
	}
	if len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("cannot read person %s", s)
	}
	var y personYAML
	if err := y.UnmarshalYAML(n.Content[0]); err != nil {
		return nil, fmt.Errorf("person %s: %s", s, strings.TrimPrefix(err.Error(), "line 1: "))
	}
	return y.p, nil
}
