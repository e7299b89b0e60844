package auth_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/server/auth"
)

// A file upload carries its token as the form's first field: the
// middleware reads it without reading the file, and the handler gets the
// whole body, file included.
func TestCSRFOfFileUpload(t *testing.T) {
	e := newEnv(t, auth.Options{})
	a := auth.New(e.svc, slog.New(slog.DiscardHandler), auth.Options{})
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			t.Fatal(err)
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "file" {
				w.Write(b)
			}
		}
	}))
	file := bytes.Repeat([]byte("0123456789"), 10_000) // 100 kB, past what the check reads
	upload := func(fields [][2]string, path string) *httptest.ResponseRecorder {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, f := range fields {
			if f[0] == "file" {
				fw, _ := mw.CreateFormFile("file", "export.zip")
				fw.Write(file)
			} else {
				mw.WriteField(f[0], f[1])
			}
		}
		mw.Close()
		r := httptest.NewRequest("POST", path, &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: e.secret})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := upload([][2]string{{"csrf_token", e.csrf}, {"source", "slack"}, {"file", ""}}, "/incidents/1/import")
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), file) {
		t.Fatalf("upload with the token first: %d, %d bytes back of %d", w.Code, w.Body.Len(), len(file))
	}
	for name, q := range map[string]struct {
		fields [][2]string
		path   string
	}{
		"no token":           {[][2]string{{"source", "slack"}, {"file", ""}}, "/incidents/1/import"},
		"token after a file": {[][2]string{{"file", ""}, {"csrf_token", e.csrf}}, "/incidents/1/import"},
		"wrong token":        {[][2]string{{"csrf_token", strings.Repeat("A", len(e.csrf))}, {"file", ""}}, "/incidents/1/import"},
		"token in the query": {[][2]string{{"file", ""}}, "/incidents/1/import?csrf_token=" + e.csrf},
	} {
		if w := upload(q.fields, q.path); w.Code != 403 {
			t.Errorf("%s: %d, want 403", name, w.Code)
		}
	}
}
