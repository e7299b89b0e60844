// Package templatefile reads a retrospective template from a file, so that
// a team can keep its template in git beside its runbooks and load it into
// Debrief (`debrief template import`, the templates page, the API).
//
// Two shapes are read, both documented in docs/templates.md:
//
//   - YAML (.yaml, .yml): name, title, note and a list of sections, each
//     with key, title, kind, required and guidance.
//   - Markdown (.md): the template as a writer would see it: one heading
//     per section, the text under it as its guidance. Front matter may
//     give name, title and note; "(optional)" after a heading marks the
//     section optional. Headings are matched to Debrief's section keys by
//     the same synonyms the postmortem importer uses, so that "Root
//     causes" is the analysis and "Action items" holds the actions.
//
// The result is not validated against the product's rules (unique keys,
// limits, a note for a new version): the app does that when it is saved,
// and names the field.
package templatefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/postmortem"
)

// MaxSize is the largest template file read: a template is guidance, not a
// document, and 256 KiB is far more than any real one.
const MaxSize = 256 << 10

// Error is a file that cannot be read as a template, with the line where
// the problem is when there is one.
type Error struct {
	Name string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
	}
	return e.Name + ": " + e.Msg
}

// fileSection is a section as written in a YAML template file. Required
// is the file's word for it (a writer thinks "which must I fill in?");
// Debrief stores the opposite, Optional.
type fileSection struct {
	Key      string `yaml:"key"`
	Title    string `yaml:"title"`
	Kind     string `yaml:"kind"`
	Required *bool  `yaml:"required"`
	Guidance string `yaml:"guidance"`
}

type file struct {
	Name     string        `yaml:"name"`
	Title    string        `yaml:"title"`
	Note     string        `yaml:"note"`
	Sections []fileSection `yaml:"sections"`
}

// Parse reads a template from content; name is the file's name, used for
// errors, to choose the shape by its extension (YAML unless it ends in .md
// or .markdown) and as the template's name when the file gives none.
func Parse(name string, content []byte) (*debrief.Template, error) {
	switch {
	case len(content) > MaxSize:
		return nil, &Error{Name: name, Msg: fmt.Sprintf("is %d bytes; a template file may have at most %d.", len(content), MaxSize)}
	case bytes.IndexByte(content, 0) >= 0 || !utf8.Valid(content):
		return nil, &Error{Name: name, Msg: "is not a text file in UTF-8."}
	case len(bytes.TrimSpace(content)) == 0:
		return nil, &Error{Name: name, Msg: "is empty."}
	}
	ext := strings.ToLower(filepath.Ext(name))
	var (
		t   *debrief.Template
		err error
	)
	if ext == ".md" || ext == ".markdown" {
		t, err = parseMarkdown(name, content)
	} else {
		t, err = parseYAML(name, content)
	}
	if err != nil {
		return nil, err
	}
	if t.Name == "" {
		base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		t.Name = debrief.Slug(base, 60)
	}
	return t, nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)

func parseYAML(name string, content []byte) (*debrief.Template, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(content))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Name: name, Msg: "is empty."}
		}
		return nil, yamlError(name, err)
	}
	t := &debrief.Template{Name: strings.TrimSpace(f.Name), Title: strings.TrimSpace(f.Title), Note: strings.TrimSpace(f.Note)}
	for _, s := range f.Sections {
		sec := debrief.TemplateSection{Key: s.Key, Title: s.Title, Kind: s.Kind, Guidance: strings.TrimSpace(s.Guidance)}
		if s.Required != nil {
			sec.Optional = !*s.Required
		}
		t.Sections = append(t.Sections, sec)
	}
	if len(t.Sections) == 0 {
		return nil, &Error{Name: name, Msg: "has no sections: list them under \"sections:\", each with a title."}
	}
	return t, nil
}

// yamlError turns the YAML library's message into one naming the file and
// the line.
func yamlError(name string, err error) error {
	msg := err.Error()
	// A type error lists each problem; the first names the line.
	if te := (*yaml.TypeError)(nil); errors.As(err, &te) && len(te.Errors) > 0 {
		msg = "yaml: " + te.Errors[0]
	}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line := 0
		fmt.Sscanf(m[1], "%d", &line)
		return &Error{Name: name, Line: line, Msg: strings.TrimSpace(m[2])}
	}
	return &Error{Name: name, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

var optionalRe = regexp.MustCompile(`(?i)\s*[(\[]\s*optional\s*[)\]]\s*$`)

// frontMatter is what a Markdown template's front matter may say.
type frontMatter struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	Note  string `yaml:"note"`
}

func parseMarkdown(name string, content []byte) (*debrief.Template, error) {
	var fm frontMatter
	body := content
	offset := 0 // lines of front matter, to report lines of the file
	if bytes.HasPrefix(content, []byte("---\n")) || bytes.HasPrefix(content, []byte("---\r\n")) {
		rest := content[bytes.IndexByte(content, '\n')+1:]
		end := bytes.Index(rest, []byte("\n---"))
		if end < 0 {
			return nil, &Error{Name: name, Line: 1, Msg: "front matter starts with --- but never ends; close it with a line of ---."}
		}
		dec := yaml.NewDecoder(bytes.NewReader(rest[:end+1]))
		dec.KnownFields(true)
		if err := dec.Decode(&fm); err != nil && !errors.Is(err, io.EOF) {
			e := yamlError(name, err).(*Error)
			if e.Line > 0 {
				e.Line++ // the opening ---
			}
			return nil, e
		}
		after := rest[end+4:]
		if i := bytes.IndexByte(after, '\n'); i >= 0 {
			after = after[i+1:]
		} else {
			after = nil
		}
		offset = bytes.Count(content[:len(content)-len(after)], []byte("\n"))
		body = after
	}
	d, err := postmortem.Parse(name, body, postmortem.Options{})
	if err != nil {
		var pe *postmortem.Error
		if errors.As(err, &pe) {
			line := pe.Line
			if line > 0 {
				line += offset
			}
			return nil, &Error{Name: name, Line: line, Msg: pe.Msg}
		}
		return nil, err
	}
	t := &debrief.Template{Name: strings.TrimSpace(fm.Name), Title: strings.TrimSpace(fm.Title), Note: strings.TrimSpace(fm.Note)}
	if t.Title == "" {
		t.Title = strings.TrimSpace(d.Title)
	}
	lines := strings.Split(string(body), "\n")
	seen := map[string]int{}
	for _, s := range d.Sections {
		// Text before the first heading introduces the template; the
		// importer keeps it as a section of its own, under a heading the
		// file does not have.
		if s.Line == 0 || s.Line > len(lines) || !strings.Contains(lines[s.Line-1], s.Title) {
			continue
		}
		title := strings.TrimSpace(s.Title)
		optional := optionalRe.MatchString(title)
		title = optionalRe.ReplaceAllString(title, "")
		key := s.Key
		// Two headings with one meaning ("Trigger", "Root causes") keep
		// both, the second under a key of its own.
		if n := seen[key]; n > 0 {
			key = fmt.Sprintf("%s_%d", key, n+1)
		}
		seen[s.Key]++
		kind := debrief.SectionText
		switch s.Key {
		case "timeline":
			kind = debrief.SectionTimeline
		case "recommendations":
			kind = debrief.SectionActions
		}
		t.Sections = append(t.Sections, debrief.TemplateSection{
			Key: key, Title: title, Kind: kind, Optional: optional, Guidance: strings.TrimSpace(s.Body),
		})
	}
	if len(t.Sections) == 0 {
		return nil, &Error{Name: name, Msg: "has no headings: write one heading (## Summary) per section, with its guidance under it."}
	}
	return t, nil
}

// Write renders t as a YAML template file, the shape Parse reads back.
func Write(w io.Writer, t *debrief.Template) error {
	f := file{Name: t.Name, Title: t.Title, Note: t.Note}
	for _, s := range t.Sections {
		req := !s.Optional
		f.Sections = append(f.Sections, fileSection{Key: s.Key, Title: s.Title, Kind: s.Kind, Required: &req, Guidance: s.Guidance})
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&f); err != nil {
		return err
	}
	return enc.Close()
}
