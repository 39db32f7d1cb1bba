package channel

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names the character encoding of a console's output. The zero
// value means UTF-8.
type Encoding string

// Encodings understood by [Channel].
const (
	UTF8     Encoding = "utf-8"
	ShiftJIS Encoding = "shift_jis" // decoded as CP932 (Windows-31J), the Shift_JIS superset devices use
	EUCJP    Encoding = "euc-jp"
	ASCII    Encoding = "ascii" // bytes above 0x7F decode to U+FFFD
)

// ParseEncoding returns the Encoding named by s, accepting common aliases
// ("sjis", "cp932", "eucjp", "utf8", "us-ascii") in any case. An empty s is
// UTF-8.
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "utf-8", "utf8":
		return UTF8, nil
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j":
		return ShiftJIS, nil
	case "euc-jp", "eucjp", "euc":
		return EUCJP, nil
	case "ascii", "us-ascii":
		return ASCII, nil
	}
	return "", fmt.Errorf("unknown encoding %q (want shift_jis, euc-jp, utf-8 or ascii)", s)
}

func (e Encoding) codec() encoding.Encoding {
	switch e {
	case ShiftJIS:
		return japanese.ShiftJIS
	case EUCJP:
		return japanese.EUCJP
	default:
		// ASCII is a subset of UTF-8; stray high bytes become U+FFFD.
		return unicode.UTF8
	}
}

// decoder decodes a byte stream incrementally: bytes of a character split
// across reads are kept until the rest arrives.
type decoder struct {
	t       transform.Transformer
	pending []byte
	dst     []byte // output buffer, reused
}

func newDecoder(e Encoding) decoder {
	return decoder{t: e.codec().NewDecoder()}
}

// quiet reports whether no partial character is pending, so the encoding can
// be switched without corrupting text.
func (d *decoder) quiet() bool { return len(d.pending) == 0 }

// decode decodes the pending bytes followed by p and returns all text that
// can be decoded so far; atEOF flushes incomplete trailing bytes as U+FFFD.
// p is not retained; the result is valid until the next call.
func (d *decoder) decode(p []byte, atEOF bool) []byte {
	src := p
	if len(d.pending) > 0 {
		src = append(d.pending, p...)
	}
	n := 0
	for len(src) > 0 {
		// Any supported encoding expands at most three times (one byte of
		// half-width katakana or an invalid byte becomes three bytes of UTF-8).
		if need := n + 3*len(src) + utf8Max; cap(d.dst) < need {
			d.dst = append(d.dst[:n], make([]byte, need-n)...)
		}
		nDst, nSrc, err := d.t.Transform(d.dst[n:cap(d.dst)], src, atEOF)
		n += nDst
		src = src[nSrc:]
		if err != transform.ErrShortDst || (nDst == 0 && nSrc == 0) {
			break
		}
	}
	d.pending = append(d.pending[:0], src...)
	if atEOF {
		d.t.Reset()
		d.pending = nil
	}
	return d.dst[:n]
}

const utf8Max = 4
