package rtxtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// telnetOpening is what the server sends on connect.
var telnetOpening = []byte{
	telnetIAC, telnetWILL, optEcho,
	telnetIAC, telnetWILL, optSGA,
	telnetIAC, telnetDO, optTType,
	telnetIAC, telnetDO, optNAWS,
}

// memConn is a net.Conn whose input is a fixed byte string and whose output
// is recorded write by write. Methods other than Read and Write are not used
// by telnetConn.
type memConn struct {
	net.Conn
	r io.Reader

	mu     sync.Mutex
	writes [][]byte
}

func newMemConn(in []byte) *memConn { return &memConn{r: bytes.NewReader(in)} }

func (c *memConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *memConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

// written returns everything written, joined.
func (c *memConn) written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Join(c.writes, nil)
}

func TestTelnetDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        []byte
		wantData  []byte
		wantReply []byte
	}{
		{
			name:     "plain data",
			in:       []byte("show config\r"),
			wantData: []byte("show config\r"),
		},
		{
			name:     "CR LF and CR NUL become CR",
			in:       []byte("a\r\nb\r\x00c\rd\n"),
			wantData: []byte("a\rb\rc\rd\n"),
		},
		{
			name:     "CR then IAC command then LF",
			in:       []byte{'a', '\r', telnetIAC, telnetGA, '\n', 'b'},
			wantData: []byte("a\rb"),
		},
		{
			name:     "IAC IAC is one data byte",
			in:       []byte{'a', telnetIAC, telnetIAC, 'b'},
			wantData: []byte{'a', 0xff, 'b'},
		},
		{
			name:     "GA NOP and DM are skipped",
			in:       []byte{'a', telnetIAC, telnetGA, telnetIAC, 241, telnetIAC, 242, 'b'},
			wantData: []byte("ab"),
		},
		{
			name: "NAWS subnegotiation with escaped IAC is stripped",
			in: []byte{'a', telnetIAC, telnetSB, optNAWS, 0, telnetIAC, telnetIAC, 0, 24,
				telnetIAC, telnetSE, 'b'},
			wantData: []byte("ab"),
		},
		{
			name: "client agrees to everything: only TTYPE SEND is sent",
			in: []byte{
				telnetIAC, telnetDO, optEcho, telnetIAC, telnetDO, optSGA,
				telnetIAC, telnetWILL, optTType, telnetIAC, telnetWILL, optNAWS,
			},
			wantReply: []byte{telnetIAC, telnetSB, optTType, ttypeSEND, telnetIAC, telnetSE},
		},
		{
			name: "client refuses everything: no reply",
			in: []byte{
				telnetIAC, telnetDONT, optEcho, telnetIAC, telnetDONT, optSGA,
				telnetIAC, telnetWONT, optTType, telnetIAC, telnetWONT, optNAWS,
			},
		},
		{
			name:      "unsupported DO BINARY and WILL LINEMODE are refused",
			in:        []byte{telnetIAC, telnetDO, 0, telnetIAC, telnetWILL, 34},
			wantReply: []byte{telnetIAC, telnetWONT, 0, telnetIAC, telnetDONT, 34},
		},
		{
			name:      "DONT after agreement is acknowledged once",
			in:        []byte{telnetIAC, telnetDO, optEcho, telnetIAC, telnetDONT, optEcho, telnetIAC, telnetDONT, optEcho},
			wantReply: []byte{telnetIAC, telnetWONT, optEcho},
		},
		{
			name:      "DO after refusal is accepted again",
			in:        []byte{telnetIAC, telnetDONT, optSGA, telnetIAC, telnetDO, optSGA},
			wantReply: []byte{telnetIAC, telnetWILL, optSGA},
		},
		{
			name:      "WONT after WILL is acknowledged",
			in:        []byte{telnetIAC, telnetWILL, optNAWS, telnetIAC, telnetWONT, optNAWS},
			wantReply: []byte{telnetIAC, telnetDONT, optNAWS},
		},
		{
			name:     "unterminated SB ends at the next IAC command",
			in:       []byte{telnetIAC, telnetSB, optNAWS, 1, 2, telnetIAC, telnetGA, 'x'},
			wantData: []byte("x"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newMemConn(tt.in)
			tc := newTelnetConn(c, TelnetOptions{})
			got, err := io.ReadAll(tc)
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if diff := cmp.Diff(tt.wantData, got, cmpBytes); diff != "" {
				t.Errorf("data mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantReply, c.written(), cmpBytes); diff != "" {
				t.Errorf("replies mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpBytes treats nil and empty byte slices as equal.
var cmpBytes = cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })

func TestTelnetDecodeSplitAnywhere(t *testing.T) {
	t.Parallel()
	in := []byte{
		'a', '\r', 0, telnetIAC, telnetWILL, optNAWS, telnetIAC, telnetSB, optNAWS,
		0, 80, telnetIAC, telnetIAC, 24, telnetIAC, telnetSE, 'b', telnetIAC, telnetIAC, '\r', '\n', 'c',
	}
	want := []byte{'a', '\r', 'b', 0xff, '\r', 'c'}
	for cut := range len(in) + 1 {
		c := newMemConn(nil)
		c.r = io.MultiReader(bytes.NewReader(in[:cut]), bytes.NewReader(in[cut:]))
		got, err := io.ReadAll(newTelnetConn(c, TelnetOptions{}))
		if err != nil {
			t.Fatalf("cut %d: ReadAll: %v", cut, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("cut %d: data mismatch (-want +got):\n%s", cut, diff)
		}
	}
}

func TestTelnetWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   TelnetOptions
		writes []string
		want   []byte
	}{
		{
			name:   "IAC is doubled",
			writes: []string{"a\xffb\r\n"},
			want:   []byte{'a', telnetIAC, telnetIAC, 'b', '\r', '\n'},
		},
		{
			name:   "CRNUL replaces LF after CR",
			opts:   TelnetOptions{CRNUL: true},
			writes: []string{"a\r\nb\n"},
			want:   []byte("a\r\x00b\n"),
		},
		{
			name:   "CRNUL across writes",
			opts:   TelnetOptions{CRNUL: true},
			writes: []string{"a\r", "\nb"},
			want:   []byte("a\r\x00b"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newMemConn(nil)
			tc := newTelnetConn(c, tt.opts)
			for _, w := range tt.writes {
				if n, err := tc.Write([]byte(w)); err != nil || n != len(w) {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", w, n, err, len(w))
				}
			}
			if diff := cmp.Diff(tt.want, c.written()); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTelnetSplitPackets(t *testing.T) {
	t.Parallel()
	c := newMemConn(nil)
	tc := newTelnetConn(c, TelnetOptions{SplitPackets: true})
	if err := tc.negotiate(); err != nil {
		t.Fatalf("negotiate: %v", err)
	}
	if _, err := tc.Write([]byte("Password: ")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	want := [][]byte{
		{telnetIAC}, {telnetWILL, optEcho}, {telnetIAC, telnetWILL, optSGA}, {telnetIAC, telnetDO, optTType, telnetIAC, telnetDO},
		{optNAWS}, []byte("P"), []byte("as"), []byte("swo"), []byte("rd: "),
	}
	if diff := cmp.Diff(want, c.writes); diff != "" {
		t.Errorf("writes mismatch (-want +got):\n%s", diff)
	}
}

// startTelnet starts a server with only Telnet and the given console, and
// returns it with a client connection, the opening offers already read.
func startTelnet(t *testing.T, opts TelnetOptions, console func(context.Context, io.ReadWriter, SessionInfo) error) (*Server, net.Conn, *bufio.Reader) {
	t.Helper()
	sc := DefaultScenario()
	sc.Telnet = opts
	srv := NewUnstartedServer(sc)
	srv.DisableSSH = true
	srv.serve = console
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := net.Dial("tcp", srv.TelnetAddr())
	if err != nil {
		t.Fatalf("dial telnet: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	r := bufio.NewReader(c)
	got := make([]byte, len(telnetOpening))
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatalf("read the opening offers: %v", err)
	}
	if diff := cmp.Diff(telnetOpening, got); diff != "" {
		t.Fatalf("opening mismatch (-want +got):\n%s", diff)
	}
	return srv, c, r
}

// telnetSend sends b on c or fails the test.
func telnetSend(t *testing.T, c net.Conn, b ...byte) {
	t.Helper()
	if _, err := c.Write(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// telnetExpect reads len(want) bytes from r and compares them with want.
func telnetExpect(t *testing.T, r io.Reader, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatalf("read %q: %v (got %q)", want, err, got)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("received mismatch (-want +got):\n%s", diff)
	}
}

func TestTelnetWaitForReplies(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	_, c, r := startTelnet(t, TelnetOptions{WaitForReplies: true}, func(_ context.Context, rw io.ReadWriter, _ SessionInfo) error {
		close(started)
		_, err := io.WriteString(rw, "Password: ")
		return err
	})
	// notStarted sends DO for the unknown option: its refusal proves the
	// server read every byte sent before it. Then the console must still
	// be waiting.
	notStarted := func(unknown byte, before string) {
		t.Helper()
		telnetSend(t, c, telnetIAC, telnetDO, unknown)
		telnetExpect(t, r, []byte{telnetIAC, telnetWONT, unknown})
		select {
		case <-started:
			t.Fatalf("console started before %s", before)
		default:
		}
	}
	telnetSend(t, c, telnetIAC, telnetDO, optEcho, telnetIAC, telnetDO, optSGA, telnetIAC, telnetWONT, optNAWS)
	notStarted(99, "the client answered DO TTYPE")
	telnetSend(t, c, telnetIAC, telnetWILL, optTType)
	telnetExpect(t, r, []byte{telnetIAC, telnetSB, optTType, ttypeSEND, telnetIAC, telnetSE})
	notStarted(98, "the client sent its terminal type")
	telnetSend(t, c, append([]byte{telnetIAC, telnetSB, optTType, ttypeIS}, "VT100"...)...)
	telnetSend(t, c, telnetIAC, telnetSE)
	telnetExpect(t, r, []byte("Password: "))
}

func TestTelnetSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    TelnetOptions
		result  error
		wantOut []byte
	}{
		{name: "logout", result: nil, wantOut: []byte("ok\r\n")},
		{name: "drop", result: ErrDropped, wantOut: []byte("ok\r\n")},
		{name: "go ahead and CR NUL", opts: TelnetOptions{GoAhead: true, CRNUL: true}, wantOut: []byte{'o', 'k', '\r', 0, telnetIAC, telnetGA}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan SessionInfo, 1)
			_, c, r := startTelnet(t, tt.opts, func(_ context.Context, rw io.ReadWriter, info SessionInfo) error {
				got <- info
				if _, err := io.WriteString(rw, "ok\r\n"); err != nil {
					return err
				}
				line, err := bufio.NewReader(rw).ReadString('\r')
				if err != nil {
					return err
				}
				if line != "exit\r" {
					return errors.New("unexpected line " + line)
				}
				return tt.result
			})
			telnetExpect(t, r, tt.wantOut)
			telnetSend(t, c, []byte("exit\r\n")...)
			rest, err := io.ReadAll(r)
			if err != nil {
				t.Errorf("read after the console ended: %v", err)
			}
			if len(rest) != 0 {
				t.Errorf("unexpected bytes after the console ended: %q", rest)
			}
			want := SessionInfo{Transport: "telnet", RemoteAddr: c.LocalAddr().String()}
			if diff := cmp.Diff(want, <-got); diff != "" {
				t.Errorf("SessionInfo mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
