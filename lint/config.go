package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is one team's configuration of the rules, read from a YAML file:
//
//	rules:
//	  blame/root-cause: off        # off, error, warning or info
//	  summary/one-paragraph: warning
//	words:
//	  blame: ["dropped the ball"]  # more phrases flagged by blame/custom
//	  allow: ["root cause analysis template"]  # phrases never flagged
//	  vague: ["streamline"]        # more vague verbs for recommendations/vague
//	  people: ["ops"]              # more words that name people
//	timeline:
//	  max_gap: 90m                 # timeline/gap threshold
//
// docs/lint.md describes it.
type Config struct {
	Rules    map[string]Severity `yaml:"rules"`
	Words    Words               `yaml:"words"`
	Timeline TimelineConfig      `yaml:"timeline"`

	allowRe []*regexp.Regexp
	blameRe *regexp.Regexp
	vagueRe *regexp.Regexp
	gap     time.Duration
}

// Words are the team's additions to the rules' word lists.
type Words struct {
	Blame  []string `yaml:"blame"`
	Allow  []string `yaml:"allow"`
	Vague  []string `yaml:"vague"`
	People []string `yaml:"people"`
}

// TimelineConfig tunes the timeline rules.
type TimelineConfig struct {
	MaxGap string `yaml:"max_gap"`
}

// ConfigError is a problem in a configuration file: the file, the line
// when known, and the field ("rules.blame/foo", "words.allow[2]").
type ConfigError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// MaxConfigSize is the largest configuration file read.
const MaxConfigSize = 1 << 20

// LoadConfig reads and checks a configuration. name is used in errors.
func LoadConfig(name string, r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxConfigSize+1))
	if err != nil {
		return nil, &ConfigError{File: name, Msg: err.Error()}
	}
	if len(data) > MaxConfigSize {
		return nil, &ConfigError{File: name, Msg: fmt.Sprintf("larger than %d bytes", MaxConfigSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlConfigError(name, err)
	}
	cfg := &Config{}
	if len(doc.Content) == 0 {
		return cfg, cfg.compile(name, nil)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{File: name, Line: root.Line, Msg: "want a mapping with rules, words and timeline"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlConfigError(name, err)
	}
	return cfg, cfg.compile(name, root)
}

var yamlLineRe = regexp.MustCompile(`line (\d+): (.*)`)

// yamlConfigError turns the YAML library's message into a ConfigError
// with the line and, for unknown fields, the field's name.
func yamlConfigError(name string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line := 0
		fmt.Sscan(m[1], &line)
		text := m[2]
		if f := regexp.MustCompile(`field (\S+) not found in type lint\.(\w+)`).FindStringSubmatch(text); f != nil {
			return &ConfigError{File: name, Line: line, Field: fieldPrefix(f[2]) + f[1], Msg: "unknown field (known: " + knownFields(f[2]) + ")"}
		}
		text = regexp.MustCompile(`into (?:lint\.)?\w+|in type lint\.\w+`).ReplaceAllStringFunc(text, func(s string) string {
			return strings.NewReplacer("lint.Severity", "a severity", "lint.Words", "words", "lint.TimelineConfig", "timeline", "lint.Config", "the configuration", "[]string", "a list of strings", "map[string]lint.Severity", "a mapping of rule ids").Replace(s)
		})
		return &ConfigError{File: name, Line: line, Msg: text}
	}
	return &ConfigError{File: name, Msg: msg}
}

func fieldPrefix(typ string) string {
	switch typ {
	case "Words":
		return "words."
	case "TimelineConfig":
		return "timeline."
	}
	return ""
}

func knownFields(typ string) string {
	switch typ {
	case "Words":
		return "blame, allow, vague, people"
	case "TimelineConfig":
		return "max_gap"
	}
	return "rules, words, timeline"
}

// lineOf finds the line of a key under a mapping path in the document.
func lineOf(root *yaml.Node, path ...string) int {
	n := root
	line := 0
	for _, p := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == p {
				line, next = n.Content[i].Line, n.Content[i+1]
				break
			}
		}
		n = next
	}
	return line
}

// compile checks the configuration and prepares its word lists.
func (c *Config) compile(name string, root *yaml.Node) error {
	ids := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		field := "rules." + id
		if RuleByID(id) == nil {
			return &ConfigError{File: name, Line: lineOf(root, "rules", id), Field: field, Msg: "no such rule (see docs/lint.md or `debrief lint --rules`)"}
		}
		switch s := Severity(strings.ToLower(string(c.Rules[id]))); s {
		case Off, Error, Warning, Info:
			c.Rules[id] = s
		default:
			return &ConfigError{File: name, Line: lineOf(root, "rules", id), Field: field, Msg: fmt.Sprintf("severity %q: want off, error, warning or info", c.Rules[id])}
		}
	}
	lists := []struct {
		field string
		words []string
	}{{"blame", c.Words.Blame}, {"allow", c.Words.Allow}, {"vague", c.Words.Vague}, {"people", c.Words.People}}
	for _, l := range lists {
		for i, w := range l.words {
			w = strings.TrimSpace(w)
			l.words[i] = w
			if w == "" {
				return &ConfigError{File: name, Line: lineOf(root, "words", l.field), Field: fmt.Sprintf("words.%s[%d]", l.field, i), Msg: "empty word"}
			}
			if len(w) > 200 {
				return &ConfigError{File: name, Line: lineOf(root, "words", l.field), Field: fmt.Sprintf("words.%s[%d]", l.field, i), Msg: "longer than 200 bytes"}
			}
		}
	}
	c.allowRe = nil
	for _, w := range c.Words.Allow {
		c.allowRe = append(c.allowRe, phraseRe([]string{w}))
	}
	c.blameRe = nil
	if len(c.Words.Blame) > 0 {
		c.blameRe = phraseRe(c.Words.Blame)
	}
	c.vagueRe = nil
	if len(c.Words.Vague) > 0 {
		c.vagueRe = verbRe(append(append([]string{}, vagueVerbs...), c.Words.Vague...))
	}
	c.gap = 0
	if c.Timeline.MaxGap != "" {
		d, err := time.ParseDuration(c.Timeline.MaxGap)
		if err != nil || d <= 0 {
			return &ConfigError{File: name, Line: lineOf(root, "timeline", "max_gap"), Field: "timeline.max_gap", Msg: fmt.Sprintf("%q is not a positive duration such as 90m or 2h", c.Timeline.MaxGap)}
		}
		c.gap = d
	}
	return nil
}

// phraseRe matches any of the phrases as whole words, any case, any
// white space between words.
func phraseRe(words []string) *regexp.Regexp {
	q := make([]string, 0, len(words))
	for _, w := range words {
		parts := strings.Fields(w)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		p := strings.Join(parts, `\s+`)
		if isWordByte(w[0]) {
			p = `\b` + p
		}
		if isWordByte(w[len(w)-1]) {
			p += `\b`
		}
		q = append(q, p)
	}
	return regexp.MustCompile(`(?i)(?:` + strings.Join(q, "|") + `)`)
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// severity is the rule's severity under this configuration.
func (c *Config) severity(r *Rule) Severity {
	if s, ok := c.Rules[r.ID]; ok {
		return s
	}
	return r.Severity
}

func (c *Config) maxGap() time.Duration {
	if c.gap > 0 {
		return c.gap
	}
	return 2 * time.Hour
}
