package notify_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/notify"

	"github.com/debrief-oss/debrief/notify/smtptest"
)

// A title with a line break cannot add a header, and any text arrives as
// written.
func TestMailIsSafeAndExact(t *testing.T) {
	smtp := smtptest.New(t)
	m := &notify.Mailer{Addr: smtp.Addr, From: "Debrief <debrief@example.com>"}
	subject := "Relance : « Alerte » due\r\nBcc: victim@example.com"
	body := "Ligne 1 — été\n.leading dot\nLigne 3 with = sign and a long line " + strings.Repeat("x", 100)
	if err := m.Send(context.Background(), []string{"ada@example.com"}, subject, body); err != nil {
		t.Fatal(err)
	}
	got := smtp.All()
	if len(got) != 1 || got[0].From != "debrief@example.com" || len(got[0].To) != 1 {
		t.Fatalf("sent %+v", got)
	}
	hdr, raw, _ := strings.Cut(got[0].Data, "\r\n\r\n")
	if strings.Contains(hdr, "\r\nBcc:") {
		t.Fatalf("a header was injected:\n%s", hdr)
	}
	var subj string
	for _, l := range strings.Split(hdr, "\r\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			subj = s
		}
	}
	dec, err := new(mime.WordDecoder).DecodeHeader(subj)
	if err != nil || dec != "Relance : « Alerte » due  Bcc: victim@example.com" {
		t.Fatalf("subject %q -> %q (%v)", subj, dec, err)
	}
	text, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(raw)))
	if strings.TrimSuffix(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n") != body {
		t.Fatalf("body:\n%q\nwant\n%q", text, body)
	}
}
