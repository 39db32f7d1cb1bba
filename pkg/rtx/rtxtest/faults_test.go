package rtxtest

import (
	"context"
	"errors"
	"io"
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
