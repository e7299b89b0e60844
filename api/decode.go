package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
)

// MaxBodyBytes is the largest request body the API reads. The longest text
// the app accepts (a 200,000-character section body) fits with room for
// escaping; anything larger is a mistake or an attack.
const MaxBodyBytes = 1 << 20

// decodeBody reads r's body, which must be one JSON object, into dst, a
// pointer to a struct. It refuses — naming the field at fault where there is
// one — a body of another media type, one over MaxBodyBytes, invalid JSON,
// unknown or repeated fields, values of the wrong type, times without a
// zone, and anything after the object. On error dst must not be used.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if err := checkJSONContentType(r); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return &debrief.Error{Code: debrief.ETOOLARGE, Message: fmt.Sprintf(
				"The request body is larger than the limit of 1 MiB (%d bytes).", MaxBodyBytes)}
		}
		return debrief.Errorf(debrief.EINVALID, "The request body could not be read: %v.", err)
	}
	return decode(body, dst)
}

func checkJSONContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != "application/json" {
		return &debrief.Error{Code: debrief.EINVALID, Field: "Content-Type", Message: fmt.Sprintf(
			"must be application/json (got %q).", ct)}
	}
	// JSON is UTF-8 (RFC 8259); a body that says otherwise would be misread.
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &debrief.Error{Code: debrief.EINVALID, Field: "Content-Type", Message: fmt.Sprintf(
			"must be UTF-8 JSON (got charset %q).", cs)}
	}
	return nil
}

// decode fills dst, a pointer to a struct, from body.
//
// encoding/json names the field of a type error but not of a time that will
// not parse, nor of an unknown field in a form a program can use, and it
// quietly accepts keys that differ in case and keys given twice. So the body
// is first walked key by key against dst's type (walker below), which finds
// the first key at fault and names it by its path ("milestones.detected",
// "responders[1].role"); only a body that passes is handed to encoding/json.
func decode(body []byte, dst any) error {
	t := reflect.TypeOf(dst)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("api: decode into %T, want a pointer to a struct", dst)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return debrief.Errorf(debrief.EINVALID, "The request body is empty: send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	wk := walker{dec: dec}
	if err := wk.object(t.Elem(), "", true); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return debrief.Errorf(debrief.EINVALID,
			"The request body has more after its JSON object (at byte %d): send exactly one object.", dec.InputOffset())
	}
	std := json.NewDecoder(bytes.NewReader(body))
	std.DisallowUnknownFields()
	if err := std.Decode(dst); err != nil {
		// The walker checks all that encoding/json does; if the two ever
		// disagree, still answer as well as the error allows.
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
			return debrief.FieldError(te.Field, "has the wrong type: must be %s.", te.Type)
		}
		return debrief.Errorf(debrief.EINVALID, "The request body could not be read: %v.", err)
	}
	return nil
}

// walker checks a JSON document against a Go type, one token at a time, and
// reports the first fault with the path of the key it is under.
type walker struct {
	dec *json.Decoder
}

var timeType = reflect.TypeFor[time.Time]()

// value checks the next value in the stream against t.
func (wk *walker) value(t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType || reflect.PointerTo(t).Implements(unmarshalerType) ||
		reflect.PointerTo(t).Implements(textUnmarshalerType):
		// A type that reads itself is one value to this walker, whatever
		// its Go shape.
		return wk.leaf(t, path)
	case t.Kind() == reflect.Struct:
		return wk.object(t, path, false)
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		return wk.array(t, path)
	}
	return wk.leaf(t, path)
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// object checks a JSON object against struct type t. At the top (root set)
// the body must be an object; deeper, null is accepted, as encoding/json
// accepts it, and leaves the field as it is.
func (wk *walker) object(t reflect.Type, path string, root bool) error {
	tok, err := wk.dec.Token()
	if err != nil {
		return syntaxError(path, err, wk.dec)
	}
	if tok == nil && !root {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if root {
			return debrief.Errorf(debrief.EINVALID, "The request body must be a JSON object (got %s).", tokenKind(tok))
		}
		return debrief.FieldError(path, "must be an object (got %s).", tokenKind(tok))
	}
	fields := fieldsOf(t)
	seen := make(map[string]bool)
	for wk.dec.More() {
		tok, err := wk.dec.Token()
		if err != nil {
			return syntaxError(path, err, wk.dec)
		}
		key, ok := tok.(string)
		if !ok { // the decoder allows only strings here; be safe all the same
			return syntaxError(path, fmt.Errorf("object key is not a string"), wk.dec)
		}
		kpath := joinPath(path, key)
		if seen[key] {
			return debrief.FieldError(kpath, "is given more than once.")
		}
		seen[key] = true
		f, ok := fields.byName[key]
		if !ok {
			return unknownField(kpath, key, fields.names)
		}
		if f == nil {
			// A ",string" field holds its value quoted; only encoding/json
			// knows that form, so read past it and let decode report it.
			var raw json.RawMessage
			if err := wk.dec.Decode(&raw); err != nil {
				return syntaxError(kpath, err, wk.dec)
			}
			continue
		}
		if err := wk.value(f, kpath); err != nil {
			return err
		}
	}
	if _, err := wk.dec.Token(); err != nil { // the closing brace
		return syntaxError(path, err, wk.dec)
	}
	return nil
}

// array checks a JSON array (or null) against slice type t.
func (wk *walker) array(t reflect.Type, path string) error {
	tok, err := wk.dec.Token()
	if err != nil {
		return syntaxError(path, err, wk.dec)
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return debrief.FieldError(path, "must be an array (got %s).", tokenKind(tok))
	}
	for i := 0; wk.dec.More(); i++ {
		if err := wk.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	if _, err := wk.dec.Token(); err != nil { // the closing bracket
		return syntaxError(path, err, wk.dec)
	}
	return nil
}

// leaf reads one whole value and checks that encoding/json can store it in
// a t.
func (wk *walker) leaf(t reflect.Type, path string) error {
	var raw json.RawMessage
	if err := wk.dec.Decode(&raw); err != nil {
		return syntaxError(path, err, wk.dec)
	}
	if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
		return debrief.FieldError(path, "%s", leafMessage(t, raw))
	}
	return nil
}

// leafMessage says what a value of type t must look like, and what came.
func leafMessage(t reflect.Type, raw json.RawMessage) string {
	got := rawKind(raw)
	switch {
	case t == timeType:
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if _, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
				return fmt.Sprintf("has no time zone (got %q): add Z for UTC or an offset such as +02:00, as in 2024-05-01T14:03:00Z.", s)
			}
			return fmt.Sprintf("must be a time with its zone in RFC 3339 form, such as 2024-05-01T14:03:00Z (got %q).", clip(s))
		}
		return fmt.Sprintf("must be a time with its zone in RFC 3339 form, such as 2024-05-01T14:03:00Z (got %s).", got)
	}
	switch t.Kind() {
	case reflect.String:
		return fmt.Sprintf("must be a string (got %s).", got)
	case reflect.Bool:
		return fmt.Sprintf("must be true or false (got %s).", got)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if got != "a number" {
			return fmt.Sprintf("must be a whole number (got %s).", got)
		}
		if _, err := strconv.ParseInt(string(raw), 10, 64); errors.Is(err, strconv.ErrRange) ||
			(err == nil && t.Bits() < 64) {
			return fmt.Sprintf("must be a whole number that fits in %d bits (got %s).", t.Bits(), clip(string(raw)))
		}
		return fmt.Sprintf("must be a whole number (got %s).", clip(string(raw)))
	case reflect.Float32, reflect.Float64:
		return fmt.Sprintf("must be a number (got %s).", got)
	}
	return fmt.Sprintf("has the wrong type (got %s).", got)
}

func syntaxError(path string, err error, dec *json.Decoder) error {
	msg := err.Error()
	offset := dec.InputOffset()
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		msg, offset = se.Error(), se.Offset
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the body ends before the JSON value does"
	}
	msg = strings.TrimPrefix(msg, "json: ")
	if path == "" {
		return debrief.Errorf(debrief.EINVALID, "The request body is not valid JSON: %s (at byte %d).", msg, offset)
	}
	return debrief.FieldError(path, "is not valid JSON: %s (at byte %d).", msg, offset)
}

func unknownField(path, key string, names []string) error {
	for _, n := range names {
		if strings.EqualFold(n, key) {
			return debrief.FieldError(path, "is not a field here; did you mean %q? Field names are case-sensitive.", n)
		}
	}
	return debrief.FieldError(path, "is not a field here (allowed: %s).", strings.Join(names, ", "))
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func tokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

func rawKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// clip keeps an echoed value short enough to read in an error message.
func clip(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// structFields maps the JSON names of a struct's fields to their types, as
// encoding/json sees them; the type is nil for a field tagged ",string".
type structFields struct {
	byName map[string]reflect.Type
	names  []string // sorted, for messages
}

var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if v, ok := fieldCache.Load(t); ok {
		return v.(*structFields)
	}
	sf := &structFields{byName: make(map[string]reflect.Type)}
	collectFields(t, sf, 0)
	slices.Sort(sf.names)
	fieldCache.Store(t, sf)
	return sf
}

func collectFields(t reflect.Type, sf *structFields, depth int) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		// An embedded struct without a name of its own lends its fields to
		// the outer object, as in encoding/json, where the shallower of two
		// fields of one name wins: so they are taken after this level's.
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			embedded = append(embedded, ft)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := sf.byName[name]; !dup {
			typ := f.Type
			if slices.Contains(strings.Split(opts, ","), "string") {
				typ = nil
			}
			sf.byName[name] = typ
			sf.names = append(sf.names, name)
		}
	}
	// The depth bound guards against a type that embeds itself through a
	// pointer.
	if depth < 8 {
		for _, et := range embedded {
			collectFields(et, sf, depth+1)
		}
	}
}
