package bundle

import "github.com/debrief-oss/debrief"

// Outcome is what became of one file of an import.
type Outcome struct {
	File string
	// Parsed is the file read; nil when ReadErr is set.
	Parsed *Parsed
	// ReadErr is why the file could not be read: always the file's
	// fault, naming the file and, where it can, the line (ErrorLine).
	ReadErr error
	// Incident is the incident stored from the file, when it was.
	Incident *debrief.Incident
	// StoreErr is why the service refused the file (access, validation,
	// or an internal failure).
	StoreErr error
}

// Failed reports whether the file was refused.
func (o *Outcome) Failed() bool { return o.ReadErr != nil || o.StoreErr != nil }

// Process reads each file and, unless store is nil (a dry run), stores
// each read file with store: each whole or not at all (the service's
// ImportReport is all or nothing), and a file that fails does not stop the
// others.
func Process(files []File, opts Options, store func(*debrief.Report) (*debrief.Incident, error)) []Outcome {
	out := make([]Outcome, 0, len(files))
	for _, f := range files {
		o := Outcome{File: f.Name}
		o.Parsed, o.ReadErr = Read(f, opts)
		if o.ReadErr == nil && store != nil {
			o.Incident, o.StoreErr = store(o.Parsed.Report())
		}
		out = append(out, o)
	}
	return out
}
