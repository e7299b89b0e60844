package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRealIP(t *testing.T) {
	trusted, err := ParseTrustedProxies("127.0.0.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	var seen string
	h := realIP(trusted, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr }))
	for _, c := range []struct {
		peer, xff, want string
	}{
		{"127.0.0.1:5000", "203.0.113.7", "203.0.113.7:5000"},
		// The client wrote a fake entry on the left; the proxies' entries
		// on the right are believed up to the first untrusted one.
		{"127.0.0.1:5000", "1.2.3.4, 203.0.113.7, 10.1.2.3", "203.0.113.7:5000"},
		// Straight from a client: its header is ignored.
		{"198.51.100.9:4000", "127.0.0.1", "198.51.100.9:4000"},
		// Garbage in the header: nothing left of it is believed.
		{"127.0.0.1:5000", "1.2.3.4, not-an-ip", "127.0.0.1:5000"},
		{"127.0.0.1:5000", "", "127.0.0.1:5000"},
		{"[::ffff:127.0.0.1]:5000", "2001:db8::1", "[2001:db8::1]:5000"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if seen != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: address %s, want %s", c.peer, c.xff, seen, c.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.local"); err == nil {
		t.Error("a host name was taken as a trusted proxy")
	}
	// Without trusted proxies the handler is the next one, untouched.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	realIP(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr })).ServeHTTP(httptest.NewRecorder(), r)
	if seen != "127.0.0.1:1" {
		t.Errorf("without trusted proxies: %s", seen)
	}
}
