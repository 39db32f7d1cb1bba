package tunnel_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
)

// erase is what redraws the status line: carriage return, erase line.
const erase = "\r\x1b[2K"

// slowFake starts the English article router, forced tunnelling off, whose
// BGP neighbor stays Active for delay on the fake clock after a refresh.
func slowFake(t *testing.T, delay time.Duration) *clitest.Fake {
	t.Helper()
	sc := clitest.ArticleScenario(t, repoRoot, "en")
	sc.SavedConfig = strings.Join(scenarioConfig(t, "en", "off"), "\n") + "\n"
	sc.BGP.EstablishDelay = delay
	return clitest.StartFake(t, sc, "ssh", 10*time.Second)
}

// runWithStderr runs `rtxctl tunnel on` against f in the background with
// stderr as its standard error and the flags extra; the exit status
// arrives on the channel.
func runWithStderr(t *testing.T, f *clitest.Fake, stderr io.Writer, extra ...string) <-chan int {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	ios.ErrOut = stderr
	fac := f.Factory(ios)
	args := append(append([]string{"tunnel", "on"}, f.Conn...), extra...)
	code := make(chan int, 1)
	go func() { code <- execute(t.Context(), fac, args) }()
	return code
}

// TestLiveProgress runs `tunnel on` with a pseudo-terminal as standard error
// while the neighbor is slow to come back: the status line is drawn while
// rtxctl waits (the neighbor comes up only once the test has seen it),
// redrawn, and erased at the end. With a pipe nothing of it is written.
func TestLiveProgress(t *testing.T) {
	// The colours and cursor control depend on the environment: a plain
	// terminal without colour (the unit tests of internal/progress cover
	// the colours).
	t.Setenv("TERM", "xterm")
	t.Setenv("NO_COLOR", "1")
	const first = "waiting for BGP neighbor 10.10.50.254: Active → Established … 0s of 1m30s"

	t.Run("terminal", func(t *testing.T) {
		ptmx, tty := openTerminal(t, 120)
		delay := 30 * time.Second // shorter than the rollback timer: advancing must not fire it
		f := slowFake(t, delay)
		code := runWithStderr(t, f, tty)
		screen := readTerminal(ptmx)

		// The line is there while rtxctl still waits; only then does the
		// neighbor come up.
		if err := screen.waitFor(first, 20*time.Second); err != nil {
			t.Fatal(err)
		}
		f.Server.Router.Advance(delay)
		draws := screen.draws(t, code, tty, first)
		if len(draws) < 3 {
			t.Fatalf("status line drawn %d times, want the first reading, at least one more, then erased; stderr:\n%q", len(draws)-1, screen.text())
		}
		if draws[0] != first {
			t.Errorf("first status line %q, want %q", draws[0], first)
		}
		if last := draws[len(draws)-2]; !strings.HasPrefix(last, "every BGP neighbor agrees … ") {
			t.Errorf("last status line %q, want every BGP neighbor agrees", last)
		}
		if rest := draws[len(draws)-1]; strings.Contains(rest, "waiting for") {
			t.Errorf("status line left on the screen after the wait: %q", rest)
		}
	})

	t.Run("terminal, Azure", func(t *testing.T) {
		ptmx, tty := openTerminal(t, 200)
		azureFlags, learn := fakeAzure(t)
		code := runWithStderr(t, slowFake(t, time.Nanosecond), tty, azureFlags...)
		screen := readTerminal(ptmx)

		// The line is there while rtxctl waits; only then does the gateway
		// learn the route.
		const waiting = "waiting for Azure to learn the default route from "
		if err := screen.waitFor(waiting, 20*time.Second); err != nil {
			t.Fatal(err)
		}
		learn()
		draws := screen.draws(t, code, tty, waiting)
		if len(draws) < 2 || !strings.Contains(draws[0], ": the gateway has not learned it yet … ") {
			t.Fatalf("Azure status line drawn %d times, want what is missing at least once, then erased; stderr:\n%q", len(draws)-1, screen.text())
		}
		if rest := draws[len(draws)-1]; strings.Contains(rest, "waiting for") {
			t.Errorf("status line left on the screen after the wait: %q", rest)
		}
	})

	t.Run("pipe", func(t *testing.T) {
		// Real time moves the fake clock too: a slow establish of two
		// readings at the default poll interval.
		out := runWithPipe(t, slowFake(t, 2*time.Second))
		if bytes.Contains(out, []byte("waiting for BGP")) || bytes.ContainsAny(out, "\r\x1b") {
			t.Errorf("progress written to a pipe:\n%q", out)
		}
	})

	t.Run("pipe -v", func(t *testing.T) {
		out := runWithPipe(t, slowFake(t, time.Nanosecond), "-v")
		t.Logf("stderr:\n%s", out)
		stamp := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) `
		for _, want := range []string{stamp + `BGP neighbor 10\.10\.50\.254: Established \(0s of 1m30s\)`, stamp + `BGP agrees after 0s`} {
			if !regexp.MustCompile(`(?m)^` + want + `$`).Match(out) {
				t.Errorf("no line %s on standard error:\n%s", want, out)
			}
		}
	})
}

// fakeAzure starts a fake Azure whose gateway learns the default route
// (and whose NIC then sends it to the gateway) once learn is called, the
// KMS routes in place, and returns the flags of tunnel --azure for it.
func fakeAzure(t *testing.T) (flags []string, learn func()) {
	t.Helper()
	speaker := &azuretest.StaticSpeaker{}
	cfg := azuretest.DefaultConfig()
	cfg.Gateway.Peers[0].Speaker = speaker
	cfg.RetryAfter = 5 * time.Millisecond
	for i, prefix := range azure.KMSPrefixes {
		cfg.RouteTables[0].Routes = append(cfg.RouteTables[0].Routes, azuretest.Route{Name: fmt.Sprintf("kms-%d", i), AddressPrefix: prefix, NextHopType: "Internet"})
	}
	srv, ca := azuretest.StartForTest(t, cfg)
	c := srv.Config()
	flags = []string{"--azure", "--subscription", c.Subscription, "--resource-group", c.ResourceGroup, "--gateway", c.Gateway.Name,
		"--nic", azuretest.DefaultNIC, "--azure-endpoint", srv.URL(), "--azure-ca-file", ca, "--wait-interval", "20ms"}
	return flags, func() { speaker.Set("Established", "0.0.0.0/0") }
}

// runWithPipe runs `rtxctl tunnel on` against f with a pipe as standard
// error and the flags extra, and returns what it wrote there.
func runWithPipe(t *testing.T, f *clitest.Fake, extra ...string) []byte {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	code := runWithStderr(t, f, w, extra...)
	read := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(r)
		read <- b
	}()
	got := <-code
	w.Close()
	out := <-read
	if got != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", got, out)
	}
	return out
}

// openTerminal opens a pseudo-terminal cols wide, both sides closed at the
// end of the test (close tty earlier to read all it showed); it skips the
// test where there is none. tty is the terminal side (standard error),
// ptmx the side that reads what it shows.
func openTerminal(t *testing.T, cols uint16) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
	})
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	return ptmx, tty
}

// terminal collects what a pseudo-terminal shows, read in the background.
type terminal struct {
	chunks chan []byte
	done   chan struct{}
	buf    bytes.Buffer
}

// readTerminal reads ptmx until its terminal side is closed.
func readTerminal(ptmx *os.File) *terminal {
	s := &terminal{chunks: make(chan []byte), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			b := make([]byte, 4096)
			n, err := ptmx.Read(b)
			if n > 0 {
				s.chunks <- b[:n]
			}
			// Linux reports EIO once the terminal side is closed.
			if err != nil {
				return
			}
		}
	}()
	return s
}

// waitFor reads until the screen shows want, for at most d.
func (s *terminal) waitFor(want string, d time.Duration) error {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for !strings.Contains(s.buf.String(), want) {
		select {
		case b := <-s.chunks:
			s.buf.Write(b)
		case <-s.done:
			return errors.New("terminal closed before the status line " + want + " appeared:\n" + s.buf.String())
		case <-timeout.C:
			return errors.New("no status line " + want + " within " + d.String() + ":\n" + s.buf.String())
		}
	}
	return nil
}

// draws waits for the exit status of rtxctl, 0 or the test fails, closes
// tty, reads the rest and splits what the terminal showed from the status
// line starting with from at each erase: the lines drawn, then what
// follows the last erase.
func (s *terminal) draws(t *testing.T, code <-chan int, tty *os.File, from string) []string {
	t.Helper()
	if got := <-code; got != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", got, s.text())
	}
	tty.Close()
	out := s.all()
	t.Logf("stderr on the terminal: %q", out)
	return strings.Split(out[strings.Index(out, from):], erase)
}

// text is what was read so far.
func (s *terminal) text() string { return s.buf.String() }

// all reads the rest, once the terminal side is closed.
func (s *terminal) all() string {
	for {
		select {
		case b := <-s.chunks:
			s.buf.Write(b)
		case <-s.done:
			return s.buf.String()
		}
	}
}
