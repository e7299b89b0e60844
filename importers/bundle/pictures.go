package bundle

import (
	"archive/zip"
	"bytes"
	"io"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/render/diagram"
	"github.com/debrief-oss/debrief/render/timeline"
)

// Picture is one SVG file a Markdown document links: its file name (beside
// the document) and its bytes.
type Picture struct {
	Name string
	Data []byte
}

// Pictures draws the pictures of rep's Markdown document, named after base
// (the document's file name without ".md"): the timeline (BASE.timeline.svg,
// when an event is shown), the control structure (BASE.control.svg, when
// the analysis has components) and the fishbone (BASE.fishbone.svg, when it
// has contributing factors). It returns them with the options that link
// them from the document by those relative names.
//
// Markdown cannot hold a picture, only link one. The pictures are files
// beside the document rather than data: URIs because GitHub and GitLab
// strip data: images from rendered Markdown, while a relative link to an
// SVG beside the file renders there, in editors' previews and in
// browsers alike.
func Pictures(rep *debrief.Report, base string) ([]Picture, render.MarkdownOptions, error) {
	var pics []Picture
	var opts render.MarkdownOptions
	if visibleEvents(rep) {
		var buf bytes.Buffer
		if err := timeline.WriteReport(&buf, rep, false); err != nil {
			return nil, opts, err
		}
		opts.TimelineSVG = base + ".timeline.svg"
		pics = append(pics, Picture{Name: opts.TimelineSVG, Data: buf.Bytes()})
	}
	if an := rep.Analysis; an != nil && len(an.Items) > 0 {
		if len(an.OfKind(debrief.KindComponent)) > 0 {
			opts.ControlStructureSVG = base + ".control.svg"
			pics = append(pics, Picture{Name: opts.ControlStructureSVG, Data: diagram.ControlStructure(an)})
		}
		if len(an.OfKind(debrief.KindFactor)) > 0 {
			title := ""
			if rep.Incident != nil {
				title = rep.Incident.Title
			}
			opts.FishboneSVG = base + ".fishbone.svg"
			pics = append(pics, Picture{Name: opts.FishboneSVG, Data: diagram.Fishbone(an, title)})
		}
	}
	return pics, opts, nil
}

// visibleEvents says whether the Markdown document shows any event (hidden
// ones never are), so that a timeline picture has something to draw.
func visibleEvents(rep *debrief.Report) bool {
	for _, ev := range rep.Events {
		if !ev.Hidden {
			return true
		}
	}
	return false
}

// writeMarkdownZip writes the Markdown document and the pictures it links
// as one zip: NAME.md at the top with NAME.*.svg beside it, so that the
// links resolve once it is unpacked (or committed to a repository). The
// entries carry the incident's last change as their time, so the same
// incident gives the same bytes.
func writeMarkdownZip(w io.Writer, rep *debrief.Report) error {
	base := "retrospective"
	modified := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if rep.Incident != nil {
		base = Filename(rep.Incident, Markdown)
		base = base[:len(base)-len(".md")]
		if !rep.Incident.UpdatedAt.IsZero() {
			modified = rep.Incident.UpdatedAt.UTC()
		}
	}
	pics, opts, err := Pictures(rep, base)
	if err != nil {
		return err
	}
	var md bytes.Buffer
	if err := render.MarkdownWith(&md, rep, opts); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	files := append([]Picture{{Name: base + ".md", Data: md.Bytes()}}, pics...)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}
