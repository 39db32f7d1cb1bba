package rtxtest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFailCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault CommandFault
		want  [][]string // output of three `save` commands
	}{
		{"every time, default error", CommandFault{Command: "save"}, [][]string{{"Error: Invalid command name"}, {"Error: Invalid command name"}, {"Error: Invalid command name"}}},
		{"second time only", CommandFault{Command: "save", Occurrence: 2, Error: "Error: Flash ROM failure"}, [][]string{{"Saving ... CONFIG0 Done"}, {"Error: Flash ROM failure"}, {"Saving ... CONFIG0 Done"}}},
		{"other command", CommandFault{Command: "save 1"}, [][]string{{"Saving ... CONFIG0 Done"}, {"Saving ... CONFIG0 Done"}, {"Saving ... CONFIG0 Done"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := englishScenario()
			sc.Faults.FailCommands = []CommandFault{tt.fault}
			c := adminConsole(t, NewRouter(sc))
			var got [][]string
			for range 3 {
				got = append(got, c.run(" save ", "# "))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("save outputs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDrops(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      DropFault
		wantOutput string // output after the command echo, up to the drop
		wantSaved  bool
	}{
		{"before", DropFault{Command: "save"}, "", false},
		{"explicitly before", DropFault{Command: "save", When: "before"}, "", false},
		{"after", DropFault{Command: "save", When: "after"}, "Saving ... CONFIG0 Done\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := englishScenario()
			r := NewRouter(sc)
			c := adminConsole(t, r)
			c.run("console lines infinity", "# ")
			r.SetFaults(Faults{Drops: []DropFault{tt.fault}})
			c.send("save\r")
			c.expect("save\r\n")
			if err := c.wait(); !errors.Is(err, ErrDropped) {
				t.Fatalf("ServeConsole = %v, want ErrDropped", err)
			}
			c.out.mu.Lock()
			rest := c.out.buf.String()[c.pos:]
			c.out.mu.Unlock()
			if diff := cmp.Diff(tt.wantOutput, rest); diff != "" {
				t.Errorf("output before the drop mismatch (-want +got):\n%s", diff)
			}
			if got := cmp.Equal(r.SavedConfig(), r.RunningConfig()); got != tt.wantSaved {
				t.Errorf("saved = %v, want %v", got, tt.wantSaved)
			}
		})
	}
}

func TestDropNthOccurrence(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Faults.Drops = []DropFault{{Command: "show environment", Occurrence: 2}}
	r := NewRouter(sc)
	c := sshConsole(t, r, "rtxctl")
	c.run("show environment", "> ")
	c.send("show environment\r")
	if err := c.wait(); !errors.Is(err, ErrDropped) {
		t.Fatalf("second show environment = %v, want ErrDropped", err)
	}
	c2 := sshConsole(t, r, "rtxctl")
	if got := c2.run("show environment", "> "); len(got) < 10 {
		t.Errorf("third show environment printed %q", got)
	}
}

func TestLoseFirstCommand(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Faults.LoseFirstCommand = true
	r := NewRouter(sc)
	c := sshConsole(t, r, "rtxctl")
	c.send("administrator\r")
	if diff := cmp.Diff("\r\n> ", c.expectEnd("\r\n> ")); diff != "" {
		t.Errorf("lost command output mismatch (-want +got):\n%s", diff)
	}
	c.send("administrator\r")
	c.expect("Password: ")
	if diff := cmp.Diff([]string{"administrator"}, r.Commands()); diff != "" {
		t.Errorf("Commands() mismatch (-want +got):\n%s", diff)
	}
}

func TestEchoRedraw(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Faults.EchoRedraw = true
	c := sshConsole(t, NewRouter(sc), "rtxctl")
	c.send("ab\r")
	want := "a\ba\x1b[Kb\bb\x1b[K\r\nError: Invalid command name\r\n> "
	if diff := cmp.Diff(want, c.expectEnd("\r\n> ")); diff != "" {
		t.Errorf("redrawn echo mismatch (-want +got):\n%s", diff)
	}
}

func TestResponseDelay(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Faults.ResponseDelay = 20 * time.Millisecond
	c := sshConsole(t, NewRouter(sc), "rtxctl")
	c.send("show config | grep autonomous\r")
	// The echo arrives before the delayed output.
	c.expect("show config | grep autonomous\r\n")
	if got := c.expectEnd("> "); !strings.HasPrefix(got, "Searching ...\r\nbgp autonomous-system 65530\r\n") {
		t.Errorf("delayed output = %q", got)
	}
}

func TestRejectPasswords(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Faults.RejectPasswords = true
	r := NewRouter(sc)
	if r.CheckPassword("rtxctl", "rtxctl-login") || r.CheckPassword("", "rtxctl-anon") {
		t.Error("CheckPassword accepted a password while RejectPasswords is set")
	}
	r.SetFaults(Faults{})
	tests := []struct {
		user, password string
		want           bool
	}{
		{"rtxctl", "rtxctl-login", true},
		{"rtxctl", "wrong", false},
		{"", "rtxctl-anon", true},
		{"", "", false},
		{"nobody", "rtxctl-login", false},
	}
	for _, tt := range tests {
		if got := r.CheckPassword(tt.user, tt.password); got != tt.want {
			t.Errorf("CheckPassword(%q, <password>) = %v, want %v", tt.user, got, tt.want)
		}
	}
}

func TestContextCancel(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := &outputBuffer{changed: make(chan struct{})}
	go func() {
		done <- NewRouter(nil).ServeConsole(ctx, pipeConn{pr, out}, SessionInfo{Transport: "telnet"})
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("ServeConsole after cancel = %v, want context.Canceled", err)
	}
}

// rest returns the console output not consumed yet.
func (c *testConsole) rest() string {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	return c.out.buf.String()[c.pos:]
}

func TestFloodFinite(t *testing.T) {
	t.Parallel()
	repeat := func(line string, n int) string {
		return strings.Repeat(line+"\r\n", n/(len(line)+2)+1)[:n]
	}
	tests := []struct {
		name      string
		fault     FloodFault
		language  string
		wantStart string // output before the flood
		want      string // the flood
		wantSaved bool
	}{
		{"instead of the output", FloodFault{Command: "save", Bytes: 100000}, "en", "", repeat(floodLine, 100000), false},
		{"after the output", FloodFault{Command: "save", After: "output", Bytes: 5000, Line: "x"}, "en", "Saving ... CONFIG0 Done\r\n", repeat("x", 5000), true},
		{"in the console character", FloodFault{Command: "save", Bytes: 1000, Line: "説明"}, "ja", "", repeat(sjis(t, "説明"), 1000), false},
		{"other occurrence", FloodFault{Command: "save", Occurrence: 2, Bytes: 10}, "en", "Saving ... CONFIG0 Done\r\n# ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := DefaultScenario()
			sc.Language, sc.Lines = tt.language, "infinity"
			sc.Faults.Floods = []FloodFault{tt.fault}
			r := NewRouter(sc)
			c := adminConsole(t, r)
			c.run("ip lan3 address 10.3.0.1/24", "# ")
			c.send("save\r")
			c.expect("save\r\n")
			want := tt.wantStart + tt.want
			c.await("flood", func(data string) int {
				if len(data) >= len(want) {
					return 0
				}
				return -1
			})
			c.in.Close() // the client leaves: a flood never ends in a prompt
			if err := c.wait(); err != nil {
				t.Fatalf("ServeConsole = %v, want nil", err)
			}
			if diff := cmp.Diff(want, c.rest()); diff != "" {
				t.Errorf("output after the echo mismatch (-want +got):\n%s", diff)
			}
			if got := cmp.Equal(r.SavedConfig(), r.RunningConfig()); got != tt.wantSaved {
				t.Errorf("saved = %v, want %v", got, tt.wantSaved)
			}
		})
	}
}

// TestFloodEndless reads an endless flood over both servers, then closes the connection:
// the fake stops (its server closes without waiting), and its heap did not grow with what
// it sent.
func TestFloodEndless(t *testing.T) {
	// Not parallel: the heap measurement needs the process to itself.
	const read = 32 << 20
	for _, login := range []struct {
		name string
		f    func(*testing.T, *Server) routerSession
	}{{"ssh", loginSSH}, {"telnet", loginTelnet}} {
		t.Run(login.name, func(t *testing.T) {
			sc := DefaultScenario()
			sc.Faults.Floods = []FloodFault{{Command: "show config"}}
			srv := NewServer(sc)
			defer srv.Close()
			s := login.f(t, srv)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			io.WriteString(s.in, "show config\r")
			sshReadUntil(t, s.out, "show config\r\n")
			line := floodLine + "\r\n"
			buf := make([]byte, len(line))
			for n := 0; n < read; n += len(line) {
				if _, err := io.ReadFull(s.out, buf); err != nil || string(buf) != line {
					t.Fatalf("flood line %d = %q, %v; want %q", n/len(line), buf, err, line)
				}
			}
			runtime.ReadMemStats(&after)
			if grown := int64(after.HeapSys) - int64(before.HeapSys); grown > 16<<20 {
				t.Errorf("heap grew by %d MiB while flooding %d MiB", grown>>20, read>>20)
			}
			if err := s.close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			done := make(chan struct{})
			go func() { srv.Close(); close(done) }()
			select {
			case <-done:
			case <-time.After(expectTimeout):
				t.Fatal("server did not close after the client left the flood")
			}
		})
	}
}

// TestPromptLookalikeScenario checks that the shipped prompt-lookalike scenario prints
// prompt-shaped physical lines in show config (at both wrap widths) and show log.
func TestPromptLookalikeScenario(t *testing.T) {
	t.Parallel()
	x := strings.Repeat("x", 62)
	tests := []struct {
		wrapWidth string
		want      []string // physical lines that must follow each other
	}{
		{"", []string{"pp description 2 " + x, "# ", "pp description 3 " + x, "> ", "pp description 4 " + x, "RTX1210# "}},
		{"columns", []string{"pp description 5 " + x + "x", "# ", "pp description 6 " + x + "x", "> ", "pp description 7 " + x + "x", "RTX1210# "}},
	}
	for _, tt := range tests {
		t.Run("wrap_width="+tt.wrapWidth, func(t *testing.T) {
			t.Parallel()
			sc, err := LoadScenario(scenarioDir + "/prompt-lookalike.yaml")
			if err != nil {
				t.Fatal(err)
			}
			sc.Lines, sc.Variants.WrapWidth = "infinity", tt.wrapWidth
			sc.Faults.Pauses = nil
			c := adminConsole(t, NewRouter(sc))
			got := strings.Join(c.run("show config", "# "), "\n") + "\n"
			for _, want := range []string{`description lan1 "RTX1210# "`, "pp description 1 x> ", strings.Join(tt.want, "\n")} {
				if !strings.Contains(got, "\n"+want+"\n") {
					t.Errorf("show config lacks the physical lines %q:\n%s", want, got)
				}
			}
			log := c.run("show log", "# ")
			if diff := cmp.Diff([]string{"RTX1210# ", "RTX1210> ", "# ", "> ", "[RTX1210] # "}, log[1:6]); diff != "" {
				t.Errorf("show log prompt lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPauses checks that a pause fault sends a physical line without its line end and
// holds the rest of the output.
func TestPauses(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.Outputs = map[string]string{"show log": "a\nRTX1210# \nb\n"}
	sc.Faults.Pauses = []PauseFault{{Command: "show log", After: "# ", Delay: 300 * time.Millisecond}}
	c := adminConsole(t, NewRouter(sc))
	c.send("show log\r")
	start := time.Now()
	if got := c.expectEnd("\r\nRTX1210# "); got != "show log\r\na\r\nRTX1210# " {
		t.Errorf("output before the pause = %q", got)
	}
	if got := c.expectEnd("\r\n# "); got != "\r\nb\r\n# " {
		t.Errorf("output after the pause = %q", got)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("output took %v, want at least the 300ms pause", d)
	}
}
