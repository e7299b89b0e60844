package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Configs are the configurations of an organisation's teams: a default,
// and per team a file that changes it. A team's file overrides the
// default's rule severities and max_gap, and adds to its word lists.
type Configs struct {
	Default *Config
	Teams   map[string]*Config
}

// LoadConfigs reads one configuration file (every team uses it), or a
// folder holding default.yaml (optional) and one SLUG.yaml per team.
func LoadConfigs(path string) (*Configs, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	read := func(p string) (*Config, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return LoadConfig(p, f)
	}
	cs := &Configs{Default: &Config{}, Teams: map[string]*Config{}}
	if !info.IsDir() {
		if cs.Default, err = read(path); err != nil {
			return nil, err
		}
		return cs, nil
	}
	names, err := filepath.Glob(filepath.Join(path, "*.yaml"))
	if err != nil {
		return nil, err
	}
	more, _ := filepath.Glob(filepath.Join(path, "*.yml"))
	names = append(names, more...)
	sort.Strings(names)
	raw := map[string]*Config{}
	for _, n := range names {
		slug := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(n), ".yaml"), ".yml")
		if _, dup := raw[slug]; dup {
			return nil, &ConfigError{File: n, Msg: fmt.Sprintf("a second file for %q", slug)}
		}
		c, err := read(n)
		if err != nil {
			return nil, err
		}
		raw[slug] = c
	}
	if d, ok := raw["default"]; ok {
		cs.Default = d
		delete(raw, "default")
	}
	for slug, c := range raw {
		m, err := merge(cs.Default, c)
		if err != nil {
			return nil, &ConfigError{File: filepath.Join(path, slug+".yaml"), Msg: err.Error()}
		}
		cs.Teams[slug] = m
	}
	return cs, nil
}

// For is the configuration of a team (the default when it has none).
func (cs *Configs) For(team string) *Config {
	if cs == nil {
		return nil
	}
	if c, ok := cs.Teams[team]; ok {
		return c
	}
	return cs.Default
}

// merge lays a team's configuration over the default.
func merge(def, team *Config) (*Config, error) {
	m := &Config{Rules: map[string]Severity{}}
	for k, v := range def.Rules {
		m.Rules[k] = v
	}
	for k, v := range team.Rules {
		m.Rules[k] = v
	}
	cat := func(a, b []string) []string { return append(append([]string{}, a...), b...) }
	m.Words = Words{
		Blame: cat(def.Words.Blame, team.Words.Blame), Allow: cat(def.Words.Allow, team.Words.Allow),
		Vague: cat(def.Words.Vague, team.Words.Vague), People: cat(def.Words.People, team.Words.People),
	}
	m.Timeline = def.Timeline
	if team.Timeline.MaxGap != "" {
		m.Timeline = team.Timeline
	}
	return m, m.compile("merged", nil)
}
