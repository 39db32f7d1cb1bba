package capture

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"
)

// FormatVersion is the version of the capture file format written by this
// rtxctl (docs/capture.md).
const FormatVersion = 1

// Header keys of a capture file, one `key: value` line each.
const (
	keyFormat    = "format"
	keyRtxctl    = "rtxctl"
	keyDate      = "date"
	keyModel     = "model"
	keyRevision  = "revision"
	keyTransport = "transport"
	keyColumns   = "console-columns"
	keyLines     = "console-lines"
	keyCharacter = "console-character"
)

// defaultValue stands for a console setting the router's configuration
// does not set (the factory default).
const defaultValue = "default"

// headerKeys is the order of the header lines.
var headerKeys = []string{keyFormat, keyRtxctl, keyDate, keyModel, keyRevision, keyTransport, keyColumns, keyLines, keyCharacter}

// File is a capture: what rtxctl knows about the session, and the output
// of each command as the router printed it (physical lines, secrets
// redacted).
type File struct {
	// Header holds the header lines by key (see docs/capture.md).
	Header map[string]string
	// Outputs are the recorded commands in the order they ran.
	Outputs []Output
}

// Output is the recorded output of one command line.
type Output struct {
	Command string
	Text    string // physical lines, each ending in "\n"; "" for no output
}

// Marshal returns the file in txtar form: a first line naming the format,
// the header lines, then one file per command named by the command line.
func (f *File) Marshal() []byte {
	var comment strings.Builder
	comment.WriteString("rtxctl capture: console output of a YAMAHA RTX router (docs/capture.md)\n")
	for _, k := range headerKeys {
		fmt.Fprintf(&comment, "%s: %s\n", k, f.Header[k])
	}
	ar := &txtar.Archive{Comment: []byte(comment.String())}
	for _, o := range f.Outputs {
		text := o.Text
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		ar.Files = append(ar.Files, txtar.File{Name: o.Command, Data: []byte(text)})
	}
	return txtar.Format(ar)
}

// ParseFile reads a capture file written by [File.Marshal].
func ParseFile(data []byte) (*File, error) {
	ar := txtar.Parse(data)
	f := &File{Header: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(string(ar.Comment)))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && !strings.Contains(k, " ") {
			f.Header[k] = strings.TrimSpace(v)
		}
	}
	v, err := strconv.Atoi(f.Header[keyFormat])
	if err != nil || v < 1 {
		return nil, fmt.Errorf("not an rtxctl capture file: no %q line in its header", keyFormat+": N")
	}
	if v > FormatVersion {
		return nil, fmt.Errorf("capture file format %d is newer than this rtxctl reads (%d): update rtxctl", v, FormatVersion)
	}
	for _, file := range ar.Files {
		f.Outputs = append(f.Outputs, Output{Command: file.Name, Text: string(file.Data)})
	}
	return f, nil
}

// Recorded returns the outputs by command line.
func (f *File) Recorded() map[string]string {
	m := make(map[string]string, len(f.Outputs))
	for _, o := range f.Outputs {
		m[o.Command] = o.Text
	}
	return m
}

// Columns returns the recorded `console columns` (80 when the router used
// the factory default or the header does not say).
func (f *File) Columns() int {
	if n, err := strconv.Atoi(f.Header[keyColumns]); err == nil && n > 0 {
		return n
	}
	return 80
}
