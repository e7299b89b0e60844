package bundle

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/render/format"
	"github.com/debrief-oss/debrief/render/timeline"
)

// The export formats.
const (
	// Markdown is a document to read and send.
	Markdown = "markdown"
	// Debrief is Debrief's own format, to keep in git and import again.
	Debrief = "debrief"
	// JSON is the report in the API's schema.
	JSON = "json"
	// SVG is the picture of the timeline (render/timeline).
	SVG = "svg"
	// MarkdownZip is the Markdown document with the pictures it links
	// (timeline, control structure, fishbone) as SVG files beside it, in
	// one zip: for the web page and the API, which have no folder to
	// save the pictures in (see Pictures).
	MarkdownZip = "markdown-zip"
)

// Formats lists the export formats, in the order they are offered.
var Formats = []string{Markdown, Debrief, JSON, SVG, MarkdownZip}

// ValidFormat reports whether form is an export format; "md" is taken for
// markdown.
func ValidFormat(form string) bool {
	return form == "md" || slices.Contains(Formats, form)
}

// IncludeHidden reports whether an export in form keeps hidden timeline
// events: Debrief's format and JSON are lossless, the Markdown document is
// for readers.
func IncludeHidden(form string) bool { return form == Debrief || form == JSON }

// Ext is the file extension of form.
func Ext(form string) string {
	switch form {
	case Debrief:
		return ".debrief.md"
	case JSON:
		return ".json"
	case SVG:
		return ".timeline.svg"
	case MarkdownZip:
		return ".zip"
	}
	return ".md"
}

// ContentType is the media type of form.
func ContentType(form string) string {
	switch form {
	case JSON:
		return "application/json"
	case SVG:
		return "image/svg+xml"
	case MarkdownZip:
		return "application/zip"
	}
	return "text/markdown; charset=utf-8"
}

// Filename is the name of inc's file in form, made from its id and title.
func Filename(inc *debrief.Incident, form string) string {
	return strings.TrimSuffix(render.MarkdownFilename(inc), ".md") + Ext(form)
}

// Write writes rep in form.
func Write(w io.Writer, rep *debrief.Report, form string) error {
	return WriteWith(w, rep, form, render.MarkdownOptions{})
}

// WriteWith writes rep in form; a Markdown document links the diagrams
// opts names (saved beside it by the caller).
func WriteWith(w io.Writer, rep *debrief.Report, form string, opts render.MarkdownOptions) error {
	switch form {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		// Empty lists are [], never null, as everywhere in the API.
		out := *rep
		out.Events, out.Actions = nonNil(out.Events), nonNil(out.Actions)
		return enc.Encode(&out)
	case Debrief:
		return format.Write(w, rep)
	case SVG:
		return timeline.WriteReport(w, rep, false)
	case Markdown, "md":
		return render.MarkdownWith(w, rep, opts)
	case MarkdownZip:
		return writeMarkdownZip(w, rep)
	}
	return fmt.Errorf("bundle: no export format %q", form)
}
