package main

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/render/diagram"
)

// saveDiagrams writes the analysis's diagrams as SVG files next to a
// Markdown export at path (NAME.control.svg, NAME.fishbone.svg) and returns
// the options that link them from the document. Markdown cannot hold an
// SVG itself; other formats carry the analysis as data, and standard
// output has nowhere to put a second file.
func saveDiagrams(form, path string, rep *debrief.Report) (render.MarkdownOptions, error) {
	var opts render.MarkdownOptions
	if (form != "markdown" && form != "md") || rep.Analysis == nil || len(rep.Analysis.Items) == 0 {
		return opts, nil
	}
	base := strings.TrimSuffix(path, filepath.Ext(path))
	if len(rep.Analysis.OfKind(debrief.KindComponent)) > 0 {
		svg := diagram.ControlStructure(rep.Analysis)
		if err := writeAtomic(base+".control.svg", func(w io.Writer) error { _, err := w.Write(svg); return err }); err != nil {
			return opts, err
		}
		opts.ControlStructureSVG = filepath.Base(base) + ".control.svg"
	}
	if len(rep.Analysis.OfKind(debrief.KindFactor)) > 0 {
		svg := diagram.Fishbone(rep.Analysis, rep.Incident.Title)
		if err := writeAtomic(base+".fishbone.svg", func(w io.Writer) error { _, err := w.Write(svg); return err }); err != nil {
			return opts, err
		}
		opts.FishboneSVG = filepath.Base(base) + ".fishbone.svg"
	}
	return opts, nil
}
