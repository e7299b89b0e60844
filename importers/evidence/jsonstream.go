package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// EachRecord streams the JSON records of r, in the shapes the APIs and
// exports write them: a JSON array of records (read one at a time); an
// object whose member named in keys is that array (an API page such as
// {"log_entries": [...]}), its other members ignored; an object that is a
// record itself (a webhook payload); or many such values one after the
// other (JSON lines). fn gets each record's raw bytes; errors name the file
// and the record.
func EachRecord(r io.Reader, file string, keys []string, fn func(entry string, raw json.RawMessage) error) error {
	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err == io.EOF {
		return Errorf(file, "", "empty: no JSON")
	} else if err != nil {
		return Wrap(file, "", err)
	}
	dec := json.NewDecoder(br)
	n := 0
	if first == '[' {
		if _, err := dec.Token(); err != nil {
			return Wrap(file, "", fmt.Errorf("not JSON: %w", err))
		}
		if err := eachInArray(dec, file, &n, fn); err != nil {
			return err
		}
		if _, err := dec.Token(); err != io.EOF {
			return Errorf(file, fmt.Sprintf("after record %d", n), "more after the array")
		}
		return nil
	}
	for v := 0; ; v++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return nil
		} else if err != nil {
			return Wrap(file, fmt.Sprintf("value %d (byte %d)", v, dec.InputOffset()), fmt.Errorf("not JSON: %w", err))
		}
		if err := eachInObject(raw, file, keys, &n, fn); err != nil {
			return err
		}
	}
}

// firstByte returns the first byte after white space, without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // a UTF-8 byte order mark, as Windows tools write
			if rest, err := br.Peek(2); err == nil && rest[0] == 0xBB && rest[1] == 0xBF {
				br.Discard(2)
				continue
			}
		}
		return b, br.UnreadByte()
	}
}

func eachInArray(dec *json.Decoder, file string, n *int, fn func(string, json.RawMessage) error) error {
	for dec.More() {
		entry := fmt.Sprintf("record %d", *n)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return Wrap(file, entry, err)
		}
		*n++
		if err := fn(entry, raw); err != nil {
			return Wrap(file, entry, err)
		}
	}
	_, err := dec.Token()
	return Wrap(file, fmt.Sprintf("after record %d", *n), err)
}

func eachInObject(raw json.RawMessage, file string, keys []string, n *int, fn func(string, json.RawMessage) error) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return Errorf(file, fmt.Sprintf("record %d", *n), "not a JSON object")
	}
	if len(keys) > 0 {
		var page map[string]json.RawMessage
		if err := json.Unmarshal(raw, &page); err != nil {
			return Wrap(file, fmt.Sprintf("record %d", *n), err)
		}
		for _, k := range keys {
			list, ok := page[k]
			if !ok {
				continue
			}
			list = bytes.TrimSpace(list)
			if len(list) == 0 || list[0] != '[' {
				return Errorf(file, k, "is not an array")
			}
			dec := json.NewDecoder(bytes.NewReader(list))
			if _, err := dec.Token(); err != nil {
				return Wrap(file, k, err)
			}
			return eachInArray(dec, file, n, fn)
		}
	}
	entry := fmt.Sprintf("record %d", *n)
	*n++
	return Wrap(file, entry, fn(entry, raw))
}
