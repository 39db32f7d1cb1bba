package transport

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var eventCmp = []cmp.Option{cmp.AllowUnexported(telnetEvent{}), cmpopts.EquateEmpty()}

// parseChunks feeds chunks to a fresh parser and collects data and events.
func parseChunks(chunks ...[]byte) ([]byte, []telnetEvent) {
	var p telnetParser
	var data []byte
	var events []telnetEvent
	for _, c := range chunks {
		buf := bytes.Clone(c)
		n, evs := p.parse(buf)
		data = append(data, buf[:n]...)
		events = append(events, evs...)
	}
	return data, events
}

// byteChunks splits in into one-byte chunks.
func byteChunks(in []byte) [][]byte {
	out := make([][]byte, len(in))
	for i := range in {
		out[i] = in[i : i+1]
	}
	return out
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestTelnetParser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         []byte
		wantData   string
		wantEvents []telnetEvent
	}{
		{name: "plain", in: []byte("RTX1210> "), wantData: "RTX1210> "},
		{name: "crlf kept", in: []byte("a\r\nb"), wantData: "a\r\nb"},
		{name: "cr nul", in: []byte("a\r\x00b\r\x00"), wantData: "a\rb\r"},
		{name: "nul alone kept", in: []byte("a\x00b"), wantData: "a\x00b"},
		{name: "iac iac", in: []byte{'a', tnIAC, tnIAC, 'b'}, wantData: "a\xffb"},
		{name: "cr then iac iac", in: []byte{'\r', tnIAC, tnIAC, 0}, wantData: "\r\xff\x00"},
		{
			name:     "negotiation",
			in:       []byte{tnIAC, tnWILL, optEcho, tnIAC, tnWILL, optSGA, tnIAC, tnDO, optTTYPE, tnIAC, tnDONT, optBinary, tnIAC, tnWONT, optNAWS, 'x'},
			wantData: "x",
			wantEvents: []telnetEvent{
				{cmd: tnWILL, opt: optEcho}, {cmd: tnWILL, opt: optSGA}, {cmd: tnDO, opt: optTTYPE},
				{cmd: tnDONT, opt: optBinary}, {cmd: tnWONT, opt: optNAWS},
			},
		},
		{name: "two-byte commands skipped", in: []byte{'a', tnIAC, tnGA, 'b', tnIAC, tnNOP, 'c', tnIAC, tnDM, 'd', tnIAC, tnSE, 'e', tnIAC, 243, 'f'}, wantData: "abcdef"},
		{
			name:       "sb ttype send",
			in:         []byte{tnIAC, tnSB, optTTYPE, ttypeSEND, tnIAC, tnSE, '>'},
			wantData:   ">",
			wantEvents: []telnetEvent{{cmd: tnSB, opt: optTTYPE, data: []byte{ttypeSEND}}},
		},
		{
			name:       "sb with escaped iac",
			in:         []byte{tnIAC, tnSB, optNAWS, 0, tnIAC, tnIAC, 0, 24, tnIAC, tnSE},
			wantEvents: []telnetEvent{{cmd: tnSB, opt: optNAWS, data: []byte{0, tnIAC, 0, 24}}},
		},
		{
			name:       "sb cut short by a command",
			in:         []byte{tnIAC, tnSB, optTTYPE, ttypeSEND, tnIAC, tnWILL, optEcho, 'z'},
			wantData:   "z",
			wantEvents: []telnetEvent{{cmd: tnWILL, opt: optEcho}},
		},
		{
			name:       "cr and nul inside sb untouched",
			in:         []byte{tnIAC, tnSB, 99, '\r', 0, tnIAC, tnSE},
			wantEvents: []telnetEvent{{cmd: tnSB, opt: 99, data: []byte{'\r', 0}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for split, chunks := range map[string][][]byte{"whole": {tt.in}, "bytewise": byteChunks(tt.in)} {
				data, events := parseChunks(chunks...)
				if diff := cmp.Diff(tt.wantData, string(data)); diff != "" {
					t.Errorf("%s: data mismatch (-want +got):\n%s", split, diff)
				}
				if diff := cmp.Diff(tt.wantEvents, events, eventCmp...); diff != "" {
					t.Errorf("%s: events mismatch (-want +got):\n%s", split, diff)
				}
			}
		})
	}
}

func TestTelnetParserTruncatesLongSubnegotiation(t *testing.T) {
	t.Parallel()
	in := cat([]byte{tnIAC, tnSB, optTTYPE}, bytes.Repeat([]byte{'x'}, 3*maxSubnegotiation), []byte{tnIAC, tnSE})
	_, events := parseChunks(in)
	if len(events) != 1 || len(events[0].data) != maxSubnegotiation {
		t.Fatalf("parse(long SB) events = %v, want one SB event with %d payload bytes", events, maxSubnegotiation)
	}
}

func TestEscapeIAC(t *testing.T) {
	t.Parallel()
	got := escapeIAC([]byte{'a', tnIAC, 'b', tnIAC})
	if diff := cmp.Diff([]byte{'a', tnIAC, tnIAC, 'b', tnIAC, tnIAC}, got); diff != "" {
		t.Errorf("escapeIAC mismatch (-want +got):\n%s", diff)
	}
}

func FuzzTelnetParser(f *testing.F) {
	f.Add([]byte("RTX1210> "), uint(3))
	f.Add([]byte{'a', tnIAC, tnWILL, optEcho, 'b'}, uint(2))                             // split after IAC
	f.Add([]byte{tnIAC, tnDO, optNAWS, tnIAC, tnDO, optTTYPE}, uint(1))                  // split inside a command
	f.Add([]byte{tnIAC, tnSB, optNAWS, 0, tnIAC, tnIAC, 0, 24, tnIAC, tnSE}, uint(5))    // SB with IAC IAC
	f.Add([]byte{tnIAC, tnSB, optTTYPE, ttypeSEND, tnIAC, tnSE}, uint(4))                // split before SE
	f.Add([]byte("line\r\x00next\r\n"), uint(5))                                         // CR NUL split
	f.Add([]byte{'x', tnIAC, tnIAC, 'y'}, uint(2))                                       // escaped 0xFF split
	f.Add([]byte{tnIAC, tnGA, tnIAC, tnNOP, tnIAC, tnDM, tnIAC, 243, tnIAC, 0}, uint(1)) // unknown commands
	f.Add([]byte{tnIAC, tnSB, optTTYPE, 1, tnIAC, tnWILL, 1}, uint(6))                   // SB cut short
	f.Fuzz(func(t *testing.T, in []byte, split uint) {
		whole, wholeEvents := parseChunks(in)
		at := int(split % uint(len(in)+1))
		for name, chunks := range map[string][][]byte{"split": {in[:at], in[at:]}, "bytewise": byteChunks(in)} {
			data, events := parseChunks(chunks...)
			if !bytes.Equal(data, whole) {
				t.Errorf("%s: data %q, whole input gave %q", name, data, whole)
			}
			if diff := cmp.Diff(wholeEvents, events, eventCmp...); diff != "" {
				t.Errorf("%s: events differ from whole input (-whole +%s):\n%s", name, name, diff)
			}
		}
		if len(whole) > len(in) {
			t.Errorf("data %d bytes longer than input %d", len(whole), len(in))
		}
		if !bytes.ContainsAny(in, "\r\xff") && (!bytes.Equal(whole, in) || len(wholeEvents) > 0) {
			t.Errorf("plain input %q came out as %q with %d events", in, whole, len(wholeEvents))
		}
		// Escaped data round-trips: no command survives as data, none is invented.
		plain := bytes.ReplaceAll(in, []byte{'\r'}, nil)
		data, events := parseChunks(escapeIAC(plain))
		if !bytes.Equal(data, plain) || len(events) > 0 {
			t.Errorf("escaped %q parsed as %q with %d events", plain, data, len(events))
		}
	})
}

func BenchmarkTelnetParser(b *testing.B) {
	chunk := bytes.Repeat(cat([]byte("ip route default gateway pp 1\r\n"), []byte{tnIAC, tnGA}), 64)
	buf := make([]byte, len(chunk))
	var p telnetParser
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		copy(buf, chunk)
		p.parse(buf)
	}
}
