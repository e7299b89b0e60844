package main

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/render"
)

// saveDiagrams writes the pictures of a Markdown export at path as SVG
// files next to it (NAME.timeline.svg, NAME.control.svg, NAME.fishbone.svg;
// see bundle.Pictures) and returns the options that link them from the
// document. Markdown cannot hold an SVG itself; other formats carry the
// timeline and the analysis as data, and standard output has nowhere to
// put a second file (the markdown-zip format holds them all in one).
func saveDiagrams(form, path string, rep *debrief.Report) (render.MarkdownOptions, error) {
	if form != bundle.Markdown && form != "md" {
		return render.MarkdownOptions{}, nil
	}
	dir, name := filepath.Split(path)
	pics, opts, err := bundle.Pictures(rep, strings.TrimSuffix(name, filepath.Ext(name)))
	if err != nil {
		return render.MarkdownOptions{}, err
	}
	for _, p := range pics {
		if err := writeAtomic(filepath.Join(dir, p.Name), func(w io.Writer) error { _, err := w.Write(p.Data); return err }); err != nil {
			return render.MarkdownOptions{}, err
		}
	}
	return opts, nil
}
