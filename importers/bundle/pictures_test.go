package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// pictureReport has a shown and a hidden event, and an analysis with
// components and contributing factors: all three pictures.
func pictureReport() *debrief.Report {
	at := time.Date(2024, 5, 1, 14, 3, 0, 0, time.UTC)
	return &debrief.Report{
		Incident: &debrief.Incident{ID: 42, Title: `Checkout <down> & "out"`, UpdatedAt: at.Add(time.Hour)},
		Events: []*debrief.Event{
			{ID: 1, At: at, Text: "Alert <fires> & pages", Source: "pagerduty", Kind: debrief.EventAlert},
			{ID: 2, At: at.Add(time.Minute), Text: "lunch order", Source: "slack", Hidden: true},
			{ID: 3, At: at.Add(9 * time.Minute), Text: "Rolled back", Source: "slack", Kind: debrief.EventDeploy},
		},
		Analysis: &debrief.Analysis{Items: []*debrief.AnalysisItem{
			{Kind: debrief.KindComponent, Ref: "B1", Title: "Pipeline <ci>"},
			{Kind: debrief.KindComponent, Ref: "B2", Title: "Checkout"},
			{Kind: debrief.KindControl, Ref: "C1", Title: "Canary", Controller: "B1", Process: "B2"},
			{Kind: debrief.KindFactor, Ref: "CF1", Title: "Night & traffic", Category: "Environment"},
		}},
	}
}

// wellFormed parses an SVG with encoding/xml to its end.
func wellFormed(t *testing.T, name string, data []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", name, root)
	}
}

var imageLink = regexp.MustCompile(`!\[[^\]]*\]\(<([^>]*)>\)`)

func TestMarkdownZipHoldsItsPictures(t *testing.T) {
	rep := pictureReport()
	var buf bytes.Buffer
	if err := Write(&buf, rep, MarkdownZip); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	base := "incident-42-checkout-down-out"
	md, ok := files[base+".md"]
	if !ok {
		t.Fatalf("no %s.md in the zip: %v", base, zr.File)
	}
	links := imageLink.FindAllStringSubmatch(string(md), -1)
	if len(links) != 3 {
		t.Fatalf("%d picture links, want timeline, control structure and fishbone:\n%s", len(links), md)
	}
	for _, l := range links {
		data, ok := files[l[1]]
		if !ok {
			t.Errorf("the document links %q, which the zip does not hold", l[1])
			continue
		}
		wellFormed(t, l[1], data)
	}
	for _, want := range []string{".timeline.svg", ".control.svg", ".fishbone.svg"} {
		if _, ok := files[base+want]; !ok {
			t.Errorf("no %s%s in the zip", base, want)
		}
	}
	if len(files) != 4 {
		t.Errorf("%d files in the zip, want the document and three pictures", len(files))
	}
	// Hidden events are left out of the picture as out of the document.
	if bytes.Contains(files[base+".timeline.svg"], []byte("lunch order")) || bytes.Contains(md, []byte("lunch order")) {
		t.Error("a hidden event is in the export")
	}
	// The same incident gives the same bytes.
	var again bytes.Buffer
	Write(&again, rep, MarkdownZip)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two exports of the same incident differ")
	}
	if Filename(rep.Incident, MarkdownZip) != base+".zip" || ContentType(MarkdownZip) != "application/zip" || IncludeHidden(MarkdownZip) {
		t.Error("file name, media type or hidden events of markdown-zip")
	}
}

func TestPicturesOnlyWhatThereIs(t *testing.T) {
	rep := &debrief.Report{Incident: &debrief.Incident{ID: 1, Title: "Quiet"},
		Events: []*debrief.Event{{At: time.Now(), Text: "chatter", Hidden: true}}}
	pics, opts, err := Pictures(rep, "x")
	if err != nil || len(pics) != 0 || opts != (render.MarkdownOptions{}) {
		t.Fatalf("pictures %v, options %+v, %v", pics, opts, err)
	}
	var md strings.Builder
	if err := render.MarkdownWith(&md, rep, opts); err != nil || strings.Contains(md.String(), ".svg") {
		t.Errorf("a document without pictures names one: %v\n%s", err, md.String())
	}
}
