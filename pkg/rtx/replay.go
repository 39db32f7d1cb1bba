package rtx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// RunPhysical runs cmd like [Client.Run] but keeps the router's hard
// wrapping: the output holds the physical lines as the router printed them
// (decoded to UTF-8, "\n" line ends; echo, prompt, pager markers and the
// `Searching ...` line of `| grep` removed). `rtxctl capture` records it so
// that a recording can be read again with the unwrapping of any later
// rtxctl. It is meant for show commands: a console command run this way is
// not followed as [Client.Run] follows it.
func (c *Client) RunPhysical(ctx context.Context, cmd string) (string, error) {
	columns := columnsOf(c.console.cur.columns)
	c.d.SetColumns(0)
	// The transcript still joins wrapped lines to look for secrets in them.
	c.ch.SetColumns(columns)
	defer c.d.SetColumns(columns)
	return c.d.Run(ctx, cmd)
}

// Console holds a router's `console` settings as `show config` prints them;
// "" means the line is absent (the factory default: 24 lines, 80 columns,
// the model's default character set).
type Console struct {
	Lines     string `json:"lines"`
	Columns   string `json:"columns"`
	Character string `json:"character"`
}

// ParseConsole reads the `console lines`, `console columns` and
// `console character` lines of a configuration text (for example the
// output of `show config | grep console`).
func ParseConsole(text string) Console {
	s := parseConsole(strings.ReplaceAll(text, "\r", ""))
	return Console{Lines: s.lines, Columns: s.columns, Character: s.character}
}

// ErrNotRecorded is returned by [Replay.Run] for a command whose output was
// not recorded.
var ErrNotRecorded = errors.New("command not recorded")

// Replay answers commands with recorded console output, read through the
// same console handling as a live session (echo and prompt, hard wrapping
// at the recorded width, error lines): it is a [Commander], a
// [SavedConfigReader], a [ConfigFileReader] and has Info, like *Client, so that [ReadTunnelStatus]
// and the other readers run on a recording. The zero value has nothing
// recorded. It is safe for concurrent use once filled in.
type Replay struct {
	// Outputs holds the output of each command line as
	// [Client.RunPhysical] returns it.
	Outputs map[string]string
	// Columns is the `console columns` of the recorded session; 0 = 80.
	Columns int
	// Router is what Info returns.
	Router Info
}

// Info returns r.Router.
func (r *Replay) Info() Info { return r.Router }

// Run replays the recorded output of cmd as the router would print it and
// reads it as [Client.Run] does. A command that was not recorded returns an
// error matching [ErrNotRecorded]; a recorded error line is a
// [*driver.CommandError].
func (r *Replay) Run(ctx context.Context, cmd string) (string, error) {
	out, ok := r.Outputs[cmd]
	if !ok {
		return "", fmt.Errorf("run %q: %w", cmd, ErrNotRecorded)
	}
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	conn := newReplayConn(cmd + "\r\n" + strings.ReplaceAll(out, "\n", "\r\n") + "# ")
	ch := channel.New(conn, channel.Config{Encoding: channel.UTF8, Pager: pagerMarker})
	defer ch.Close()
	columns := r.Columns
	if columns <= 0 {
		columns = defaultColumns
	}
	d, err := driver.New(ch, platform("", columns), levelAdmin, nil)
	if err != nil {
		return "", err
	}
	return d.Run(ctx, cmd)
}

// ConfigFiles reads the recorded `show environment` as
// [Client.ConfigFiles] does.
func (r *Replay) ConfigFiles(ctx context.Context) (ConfigFiles, error) {
	text, err := r.Run(ctx, cmdShowEnvironment)
	if err != nil {
		return ConfigFiles{}, fmt.Errorf("read the configuration file numbers: %w", err)
	}
	var f ConfigFiles
	f.Running, f.Boot = parseConfigFiles(text)
	return f, nil
}

// SavedConfig replays `show config N` for the saved configuration the
// recorded `show environment` says the router runs, as
// [Client.SavedConfig] reads it.
func (r *Replay) SavedConfig(ctx context.Context) (string, error) {
	f, err := r.ConfigFiles(ctx)
	if err != nil {
		return "", fmt.Errorf("read saved configuration: %w", err)
	}
	out, err := r.Run(ctx, cmdShowSavedConfig(f.Running))
	if err != nil {
		return "", fmt.Errorf("read saved configuration: %w", err)
	}
	return out, nil
}

// replayConn is a console connection that sends reply once a line was
// written to it, then reads as the end of the stream once closed.
type replayConn struct {
	sent      chan struct{} // closed when a line end was written
	closed    chan struct{}
	sentOnce  sync.Once
	closeOnce sync.Once

	mu   sync.Mutex
	left []byte // reply not yet read
}

func newReplayConn(reply string) *replayConn {
	return &replayConn{sent: make(chan struct{}), closed: make(chan struct{}), left: []byte(reply)}
}

func (c *replayConn) Read(p []byte) (int, error) {
	select {
	case <-c.sent:
	case <-c.closed:
		return 0, io.EOF
	}
	c.mu.Lock()
	n := copy(p, c.left)
	c.left = c.left[n:]
	c.mu.Unlock()
	if n > 0 {
		return n, nil
	}
	<-c.closed
	return 0, io.EOF
}

func (c *replayConn) Write(p []byte) (int, error) {
	if strings.ContainsRune(string(p), '\r') {
		c.sentOnce.Do(func() { close(c.sent) })
	}
	return len(p), nil
}

func (c *replayConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}
