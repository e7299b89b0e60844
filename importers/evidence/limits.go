package evidence

import (
	"fmt"
	"io"
)

// ErrTooLarge is wrapped by the error of a reader that went over its cap.
var ErrTooLarge = fmt.Errorf("too large")

// CapReader returns r limited to max bytes: reading more is an error
// wrapping ErrTooLarge instead of a silent cut, so a file that is too
// large is refused rather than imported in part.
func CapReader(r io.Reader, max int64, what string) io.Reader {
	return &capReader{r: r, left: max, max: max, what: what}
}

type capReader struct {
	r    io.Reader
	left int64
	max  int64
	what string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a file of exactly max bytes from a longer one.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%s is larger than %d bytes: %w", c.what, c.max, ErrTooLarge)
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
