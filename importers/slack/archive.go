package slack

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/debrief-oss/debrief/importers/evidence"
)

// Caps on what an export may expand to. A real export compresses JSON
// about ten to twenty times; a zip that claims more than MaxRatio, or
// entries beyond the caps, is refused before anything is read.
const (
	DefaultMaxEntryBytes = 512 << 20 // one day of one channel
	DefaultMaxTotalBytes = 8 << 30   // the entries read in one import
	MaxRatio             = 200       // uncompressed / compressed, for entries over 1 MiB
)

// export is a Slack export, a zip or a folder, seen as named files.
type export struct {
	name   string // the zip or folder, for errors
	prefix string // the folder inside holding channels.json ("" at the root)
	files  map[string]entry
	closer io.Closer
}

type entry struct {
	size int64 // uncompressed, as declared
	open func() (io.ReadCloser, error)
}

func (x *export) Close() error {
	if x.closer != nil {
		return x.closer.Close()
	}
	return nil
}

// openExport opens a zip file or a folder.
func openExport(p string, o *Options) (*export, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return openDir(p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	x, err := openZip(f, st.Size(), p, o)
	if err != nil {
		f.Close()
		return nil, err
	}
	x.closer = f
	return x, nil
}

// safeName reports whether an archive entry's name stays inside the
// archive: relative, slash-separated, no "..", no drive letter.
func safeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || strings.Contains(name, ":") {
		return false
	}
	for _, part := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if part == ".." || part == "." || part == "" {
			return false
		}
	}
	return true
}

// openZip indexes a zip's entries, refusing names that escape the archive
// and entries that expand too far, before anything is decompressed.
func openZip(r io.ReaderAt, size int64, name string, o *Options) (*export, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && err != zip.ErrInsecurePath {
		return nil, fmt.Errorf("%s: not a zip archive: %w", name, err)
	}
	x := &export{name: name, files: map[string]entry{}}
	var total uint64
	for _, f := range zr.File {
		if !safeName(f.Name) {
			return nil, evidence.Errorf(name, f.Name, "the entry's path leaves the archive")
		}
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if f.UncompressedSize64 > uint64(o.maxEntry()) {
			return nil, evidence.Errorf(name, f.Name, "the entry expands to %d bytes, over the cap of %d", f.UncompressedSize64, o.maxEntry())
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > MaxRatio*f.CompressedSize64 {
			return nil, evidence.Errorf(name, f.Name, "the entry expands %d times its size in the archive (a zip bomb?)", f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
		total += f.UncompressedSize64
		x.files[f.Name] = entry{size: int64(f.UncompressedSize64), open: f.Open}
	}
	if total > uint64(o.maxTotal()) {
		return nil, evidence.Errorf(name, "", "the archive expands to %d bytes, over the cap of %d", total, o.maxTotal())
	}
	if err := x.findRoot(); err != nil {
		return nil, err
	}
	return x, nil
}

// openDir indexes a folder holding an unzipped export, through an os.Root
// so that a symbolic link cannot lead outside it.
func openDir(dir string) (*export, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	x := &export{name: dir, files: map[string]entry{}, closer: root}
	fsys := root.FS()
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		x.files[p] = entry{size: info.Size(), open: func() (io.ReadCloser, error) { return fsys.Open(p) }}
		return nil
	})
	if err == nil {
		err = x.findRoot()
	}
	if err != nil {
		root.Close()
		return nil, err
	}
	return x, nil
}

// findRoot finds channels.json: at the root, or in the one folder a zip
// made from a folder holds.
func (x *export) findRoot() error {
	best := ""
	found := false
	for name := range x.files {
		if path.Base(name) != "channels.json" {
			continue
		}
		dir := path.Dir(name)
		if dir == "." {
			dir = ""
		}
		if !found || len(dir) < len(best) {
			best, found = dir, true
		}
	}
	if !found {
		return fmt.Errorf("%s: not a Slack export: no channels.json", x.name)
	}
	if best != "" {
		best += "/"
	}
	x.prefix = best
	return nil
}

func (x *export) has(name string) bool {
	_, ok := x.files[x.prefix+name]
	return ok
}

// open opens a file of the export, capped at its declared size (a zip's
// sizes are only claims) and at the per-entry cap.
func (x *export) open(name string, o *Options) (io.ReadCloser, int64, error) {
	e, ok := x.files[x.prefix+name]
	if !ok {
		return nil, 0, fs.ErrNotExist
	}
	rc, err := e.open()
	if err != nil {
		return nil, 0, err
	}
	limit := min(e.size, o.maxEntry())
	return struct {
		io.Reader
		io.Closer
	}{evidence.CapReader(rc, limit, x.prefix+name), rc}, e.size, nil
}

// dayFiles lists a channel's day files (YYYY-MM-DD.json) in date order.
func (x *export) dayFiles(folder string) []string {
	var days []string
	p := x.prefix + folder + "/"
	for name := range x.files {
		rest, ok := strings.CutPrefix(name, p)
		if !ok || strings.Contains(rest, "/") || !strings.HasSuffix(rest, ".json") {
			continue
		}
		days = append(days, rest)
	}
	sort.Strings(days)
	return days
}
