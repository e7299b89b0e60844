package bundle

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/debrief-oss/debrief/render/format"
)

// MaxFile is the most bytes read of any one file, on disk or in a zip: the
// larger of the two parsers' limits. Each parser then refuses a file over
// its own limit with an error naming the file.
const MaxFile = format.MaxSize

// ZipLimits bound what one zip may expand to. A zip bomb (a small archive
// of enormous files, or of very many) is refused before it fills memory.
type ZipLimits struct {
	// Files is the most entries the zip may hold.
	Files int
	// Total is the most bytes all its files may expand to together.
	Total int64
}

// UploadZipLimits are the limits for a zip sent to the server.
var UploadZipLimits = ZipLimits{Files: 2000, Total: 64 << 20}

// IsZip reports whether data starts like a zip archive (a local file
// header, or the end record of an empty archive).
func IsZip(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06"))
}

// FromUpload returns the files of one upload: the Markdown files of a zip,
// or the upload itself. name is the upload's file name.
func FromUpload(name string, data []byte, lim ZipLimits) ([]File, error) {
	if IsZip(data) {
		return Zip(name, bytes.NewReader(data), int64(len(data)), lim)
	}
	return []File{{Name: name, Data: data}}, nil
}

// Zip reads the Markdown files of a zip. A file whose path is absolute or
// leaves the archive ("../x.md", a "zip slip"), or that expands past
// MaxFile, comes back with its Err set and no data, so that it is reported
// and the others still read; an archive that cannot be read, or that holds
// too many files or expands past lim.Total, is refused whole.
func Zip(name string, r io.ReaderAt, size int64, lim ZipLimits) ([]File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: not a zip that can be read: %w", name, err)
	}
	if len(zr.File) > lim.Files {
		return nil, fmt.Errorf("%s: the zip holds %d entries, more than the %d an import takes", name, len(zr.File), lim.Files)
	}
	var files []File
	var total int64
	for _, zf := range zr.File {
		full := name + ":" + zf.Name
		if !safePath(zf.Name) {
			files = append(files, File{Name: full, Err: fmt.Errorf("%s: unsafe path in the zip (absolute, or leaving the archive with ..), so it was not read", full)})
			continue
		}
		if strings.HasSuffix(zf.Name, "/") || zf.FileInfo().IsDir() || !IsMarkdown(zf.Name) {
			continue
		}
		if zf.UncompressedSize64 > MaxFile {
			files = append(files, File{Name: full, Err: fmt.Errorf("%s: file is %d bytes, over the %d byte limit", full, zf.UncompressedSize64, MaxFile)})
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", full, err)
		}
		// The sizes in the zip's directory can lie: read no more than
		// the limit whatever it says.
		data, err := io.ReadAll(io.LimitReader(rc, MaxFile+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", full, err)
		}
		if total += int64(len(data)); total > lim.Total {
			return nil, fmt.Errorf("%s: the zip expands to more than %d bytes, more than an import takes", name, lim.Total)
		}
		if len(data) > MaxFile {
			files = append(files, File{Name: full, Err: fmt.Errorf("%s: file is over the %d byte limit", full, MaxFile)})
			continue
		}
		files = append(files, File{Name: full, Data: data})
	}
	return files, nil
}

// safePath reports whether a zip entry's name stays inside the archive.
func safePath(name string) bool {
	if name == "" || strings.Contains(name, `\`) || strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return false
	}
	for _, part := range strings.Split(path.Clean(name), "/") {
		if part == ".." {
			return false
		}
	}
	return true
}
