package transport

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// telnetPair dials a scripted Telnet server on 127.0.0.1 and returns the
// client connection and the server's end of it.
func telnetPair(t *testing.T, cfg TelnetConfig) (io.ReadWriteCloser, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err := DialTelnet(t.Context(), ln.Addr().String(), cfg)
	if err != nil {
		t.Fatalf("DialTelnet: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	server, ok := <-accepted
	if !ok {
		t.Fatal("scripted telnet server: accept failed")
	}
	t.Cleanup(func() { server.Close() })
	// Bounds a broken test; no assertion depends on it.
	server.SetDeadline(time.Now().Add(time.Minute))
	return client, server
}

// checkCloseReleasesRead checks that Close releases a Read blocked on conn
// with net.ErrClosed, that a second Close succeeds and that Write after Close
// fails with net.ErrClosed.
func checkCloseReleasesRead(t *testing.T, conn io.ReadWriteCloser) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := conn.Read(make([]byte, 16))
		done <- err
	}()
	if err := conn.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Errorf("blocked Read after Close = %v, want net.ErrClosed", err)
	}
	if err := conn.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close = %v, want net.ErrClosed", err)
	}
}

// readN reads from r until n data bytes arrived, checking that no Read
// returns zero bytes without an error.
func readN(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	got := make([]byte, 0, n)
	buf := make([]byte, 64)
	for len(got) < n {
		k, err := r.Read(buf[:min(len(buf), n-len(got))])
		if err != nil {
			t.Fatalf("Read after %q: %v", got, err)
		}
		if k == 0 {
			t.Fatal("Read returned 0, nil")
		}
		got = append(got, buf[:k]...)
	}
	return got
}

// marker ends the client's output in each step, so the bytes the server
// reads before it are exactly the negotiation replies sent meanwhile.
const marker = '|'

type telnetStep struct {
	send      []byte // server to client
	wantData  string // what the client reads; never empty
	wantReply []byte // what the client answers, in order
}

func TestTelnetNegotiation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   TelnetConfig
		steps []telnetStep
	}{
		{
			name: "echo and sga accepted",
			steps: []telnetStep{{
				send:      []byte{tnIAC, tnWILL, optEcho, tnIAC, tnWILL, optSGA, 'P', 'a', 's', 's', 'w', 'o', 'r', 'd', ':', ' '},
				wantData:  "Password: ",
				wantReply: []byte{tnIAC, tnDO, optEcho, tnIAC, tnDO, optSGA},
			}},
		},
		{
			name: "repeated will answered once",
			steps: []telnetStep{
				{send: []byte{tnIAC, tnWILL, optEcho, 'a'}, wantData: "a", wantReply: []byte{tnIAC, tnDO, optEcho}},
				{send: []byte{tnIAC, tnWILL, optEcho, tnIAC, tnWILL, optEcho, 'b'}, wantData: "b"},
			},
		},
		{
			name: "binary refused both ways, once",
			steps: []telnetStep{
				{
					send:      []byte{tnIAC, tnDO, optBinary, tnIAC, tnWILL, optBinary, 'a'},
					wantData:  "a",
					wantReply: []byte{tnIAC, tnWONT, optBinary, tnIAC, tnDONT, optBinary},
				},
				{send: []byte{tnIAC, tnDO, optBinary, tnIAC, tnWILL, optBinary, tnIAC, tnWONT, optBinary, 'b'}, wantData: "b"},
			},
		},
		{
			name: "terminal type",
			cfg:  TelnetConfig{TerminalType: "XTERM"},
			steps: []telnetStep{
				{send: []byte{tnIAC, tnDO, optTTYPE, 'a'}, wantData: "a", wantReply: []byte{tnIAC, tnWILL, optTTYPE}},
				{
					send:      []byte{tnIAC, tnSB, optTTYPE, ttypeSEND, tnIAC, tnSE, 'b'},
					wantData:  "b",
					wantReply: cat([]byte{tnIAC, tnSB, optTTYPE, ttypeIS}, []byte("XTERM"), []byte{tnIAC, tnSE}),
				},
				{send: []byte{tnIAC, tnDO, optTTYPE, 'c'}, wantData: "c"},
			},
		},
		{
			name: "default terminal type",
			steps: []telnetStep{{
				send:      []byte{tnIAC, tnDO, optTTYPE, tnIAC, tnSB, optTTYPE, ttypeSEND, tnIAC, tnSE, 'a'},
				wantData:  "a",
				wantReply: cat([]byte{tnIAC, tnWILL, optTTYPE, tnIAC, tnSB, optTTYPE, ttypeIS}, []byte("VT100"), []byte{tnIAC, tnSE}),
			}},
		},
		{
			name: "window size default",
			steps: []telnetStep{{
				send:      []byte{tnIAC, tnDO, optNAWS, 'a'},
				wantData:  "a",
				wantReply: []byte{tnIAC, tnWILL, optNAWS, tnIAC, tnSB, optNAWS, 0, 200, 0, 24, tnIAC, tnSE},
			}},
		},
		{
			name: "window size with 0xff escaped",
			cfg:  TelnetConfig{Columns: 255, Rows: 0x1ff},
			steps: []telnetStep{{
				send:      []byte{tnIAC, tnDO, optNAWS, 'a'},
				wantData:  "a",
				wantReply: []byte{tnIAC, tnWILL, optNAWS, tnIAC, tnSB, optNAWS, 0, tnIAC, tnIAC, 1, tnIAC, tnIAC, tnIAC, tnSE},
			}},
		},
		{
			name: "dont and wont switch accepted options off",
			steps: []telnetStep{
				{send: []byte{tnIAC, tnWILL, optEcho, tnIAC, tnDO, optNAWS, 'a'}, wantData: "a",
					wantReply: []byte{tnIAC, tnDO, optEcho, tnIAC, tnWILL, optNAWS, tnIAC, tnSB, optNAWS, 0, 200, 0, 24, tnIAC, tnSE}},
				{send: []byte{tnIAC, tnWONT, optEcho, tnIAC, tnDONT, optNAWS, 'b'}, wantData: "b",
					wantReply: []byte{tnIAC, tnDONT, optEcho, tnIAC, tnWONT, optNAWS}},
				{send: []byte{tnIAC, tnWONT, optEcho, tnIAC, tnDONT, optNAWS, 'c'}, wantData: "c"},
			},
		},
		{
			name: "commands skipped, cr nul and iac iac in data",
			steps: []telnetStep{{
				send:     []byte{'a', tnIAC, tnGA, 'b', tnIAC, tnNOP, '\r', 0, 'c', tnIAC, tnDM, tnIAC, tnIAC, '\r', '\n'},
				wantData: "ab\rc\xff\r\n",
			}},
		},
		{
			name: "sequences split across packets",
			steps: []telnetStep{
				{send: []byte{'a', tnIAC}, wantData: "a"},
				{send: []byte{tnWILL, optEcho, 'b', '\r'}, wantData: "b\r", wantReply: []byte{tnIAC, tnDO, optEcho}},
				{send: []byte{0, 'c', tnIAC, tnSB, optTTYPE}, wantData: "c"},
				{send: []byte{ttypeSEND, tnIAC, tnSE, 'd', tnIAC}, wantData: "d"},
				{send: []byte{tnIAC, 'e'}, wantData: "\xffe"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, server := telnetPair(t, tt.cfg)
			fromClient := bufio.NewReader(server)
			var pending []byte // sent but not yet delivered as data
			for i, st := range tt.steps {
				if _, err := server.Write(st.send); err != nil {
					t.Fatalf("step %d: server write: %v", i, err)
				}
				pending = append(pending, st.send...)
				got := readN(t, client, len(st.wantData))
				if diff := cmp.Diff(st.wantData, string(got)); diff != "" {
					t.Errorf("step %d: data mismatch (-want +got):\n%s", i, diff)
				}
				if _, err := client.Write([]byte{marker}); err != nil {
					t.Fatalf("step %d: client write: %v", i, err)
				}
				reply, err := fromClient.ReadBytes(marker)
				if err != nil {
					t.Fatalf("step %d: server read: %v", i, err)
				}
				if diff := cmp.Diff(st.wantReply, reply[:len(reply)-1], cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("step %d: after %q the client answered (-want +got):\n%s", i, pending, diff)
				}
				pending = nil
			}
		})
	}
}

func TestTelnetWriteEscapesIAC(t *testing.T) {
	t.Parallel()
	client, server := telnetPair(t, TelnetConfig{})
	in := []byte{'a', tnIAC, 'b', '\r', '\n'}
	n, err := client.Write(in)
	if err != nil || n != len(in) {
		t.Fatalf("Write(%q) = %d, %v; want %d, nil", in, n, err, len(in))
	}
	got := readN(t, server, 6)
	if diff := cmp.Diff([]byte{'a', tnIAC, tnIAC, 'b', '\r', '\n'}, got); diff != "" {
		t.Errorf("server received (-want +got):\n%s", diff)
	}
}

func TestTelnetReadEOF(t *testing.T) {
	t.Parallel()
	client, server := telnetPair(t, TelnetConfig{})
	if _, err := server.Write([]byte{'b', 'y', 'e', tnIAC, tnGA}); err != nil {
		t.Fatal(err)
	}
	server.Close()
	got, err := io.ReadAll(client)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if diff := cmp.Diff("bye", string(got)); diff != "" {
		t.Errorf("data mismatch (-want +got):\n%s", diff)
	}
}

func TestTelnetCloseReleasesRead(t *testing.T) {
	t.Parallel()
	client, _ := telnetPair(t, TelnetConfig{})
	checkCloseReleasesRead(t, client)
}

func TestDialTelnetRefused(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	_, err := DialTelnet(t.Context(), addr, TelnetConfig{})
	var dialErr *DialError
	if !errors.As(err, &dialErr) || dialErr.Addr != addr || dialErr.Protocol != "telnet" {
		t.Fatalf("DialTelnet(%s) error = %v, want *DialError for that address", addr, err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("DialTelnet error %v does not unwrap to *net.OpError", err)
	}
}

func TestDialTelnetCustomDial(t *testing.T) {
	t.Parallel()
	clientEnd, serverEnd := net.Pipe()
	t.Cleanup(func() { serverEnd.Close() })
	var dialled string
	cfg := TelnetConfig{Dial: func(_ context.Context, network, addr string) (net.Conn, error) {
		dialled = network + " " + addr
		return clientEnd, nil
	}}
	conn, err := DialTelnet(t.Context(), "router.example:23", cfg)
	if err != nil {
		t.Fatalf("DialTelnet: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	if diff := cmp.Diff("tcp router.example:23", dialled); diff != "" {
		t.Errorf("Dial called with (-want +got):\n%s", diff)
	}
	go serverEnd.Write([]byte("> "))
	if diff := cmp.Diff("> ", string(readN(t, conn, 2))); diff != "" {
		t.Errorf("data mismatch (-want +got):\n%s", diff)
	}
}

// closedAddr returns a 127.0.0.1 address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
