package rtx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Config says how to reach and log into a router. The zero value is not
// usable: Addr is required.
type Config struct {
	Transport     string // "ssh" (zero value) or "telnet"
	Addr          string // host:port
	User          string // login user; "" = anonymous (Telnet only)
	Password      string // login password; never logged or recorded
	AdminPassword string // administrator password; never logged or recorded
	// SSH holds key files, agent, known_hosts and legacy settings; its User
	// and Password are filled from the fields above, its Logger from Logger
	// when nil.
	SSH transport.SSHConfig
	// Telnet holds the Telnet settings; its Logger is filled from Logger
	// when nil.
	Telnet transport.TelnetConfig
	// Encoding forces the output encoding: "shift_jis", "euc-jp", "utf-8" or
	// "ascii". "" detects it from `console character` after login.
	Encoding string
	// LeaveConsole leaves the router's console lines and columns alone: the
	// session does not set `console lines infinity` and
	// `console columns 200`; paged output is answered with a space and hard
	// wrapping at the router's `console columns` is undone instead. Only
	// [Client.RunStatus] still switches `console character` to English
	// ASCII, and puts back exactly the value found at login (a leftover
	// included) before logout, so the running configuration ends as it
	// was. Read-only commands use it; [Client.Run] alone then sends no
	// configuration command of its own and prints the router's own
	// language. The zero value sets lines and columns for the session and
	// restores them before every save and logout.
	LeaveConsole bool
	// Transcript, if not nil, receives the session in golden-transcript
	// format with both passwords and every secret of the configuration
	// language (see [RedactSecrets]) redacted.
	Transcript io.Writer
	// MaxOutput bounds the output of one command, in bytes: a router that
	// sends more without a prompt ends the session with a
	// [*channel.OutputLimitError]. Zero means channel.DefaultMaxOutput
	// (16 MiB); a negative value means no limit.
	MaxOutput int
	// Logger receives debug records (lines sent, prompts matched, privilege
	// changes), never secrets; nil discards them.
	Logger *slog.Logger
}

// Info describes the router as announced in its login banner.
type Info struct {
	Model    string // e.g. "RTX1210"; "" if the banner has no revision line
	Revision string // e.g. "14.01.29"
	Banner   string // every line received before the first prompt
}

// ErrBadAdminPassword reports that the router rejected the administrator
// password. It is returned wrapped in a [*driver.PrivilegeError] by
// [Client.Administrator]; a rejected login password is a
// [*transport.AuthError] instead.
var ErrBadAdminPassword = driver.ErrBadPassword

// closeTimeout bounds [Client.Close], which has no context.
const closeTimeout = 10 * time.Second

// Client is a logged-in RTX console session. It is not safe for concurrent
// use: to abort a blocked call, cancel its context. The caller must Close it.
type Client struct {
	cfg     Config
	log     *slog.Logger
	ch      *channel.Channel
	d       *driver.Driver
	info    Info
	console consoleState
	// files are the saved configurations the router runs and boots from,
	// read once; filesKnown says whether they were.
	files      ConfigFiles
	filesKnown bool

	closeOnce sync.Once
	closeErr  error
}

// Dial connects to cfg.Addr over SSH or Telnet, logs in, reads the banner,
// and prepares the console: it reads the `console` settings, learns the
// output encoding, and sets `console lines infinity` and
// `console columns 200` for the session (restored by [Client.Save] and
// [Client.Close]). If the router allows `show config` only in
// administrator mode, that preparation happens in [Client.Administrator].
//
// Errors: [*transport.HostKeyError] and [*transport.AuthError] from the
// transport or the Telnet login dialogue, [*channel.TimeoutError] when ctx
// ends while waiting for the router.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	c, err := dial(ctx, cfg)
	if err != nil {
		return nil, dialContext(cfg, err)
	}
	return c, nil
}

// dialContext adds the address to an error of [Dial], unless
// the error names them already (a [*transport.DialError] or a
// [*transport.HostKeyError]), so that the address is said once.
func dialContext(cfg Config, err error) error {
	var (
		dialErr *transport.DialError
		keyErr  *transport.HostKeyError
	)
	if errors.As(err, &dialErr) || errors.As(err, &keyErr) {
		return err
	}
	return fmt.Errorf("connect to %s: %w", cfg.Addr, err)
}

// adminError reports a failed change to administrator mode on one router:
// it says "enter administrator mode on ADDR" once, followed by the
// driver's cause (a rejected password, a refused command), and unwraps to
// the driver's [*driver.PrivilegeError].
type adminError struct {
	addr string
	err  error
}

func (e *adminError) Error() string {
	cause := e.err
	var privErr *driver.PrivilegeError
	if errors.As(e.err, &privErr) {
		cause = privErr.Err
	}
	return fmt.Sprintf("enter administrator mode on %s: %v", e.addr, cause)
}

func (e *adminError) Unwrap() error { return e.err }

func dial(ctx context.Context, cfg Config) (*Client, error) {
	enc := channel.ShiftJIS
	if cfg.Encoding != "" {
		e, err := channel.ParseEncoding(cfg.Encoding)
		if err != nil {
			return nil, err
		}
		enc = e
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn, telnet, err := dialTransport(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ch := channel.New(conn, channel.Config{
		Encoding: enc, Pager: pagerMarker, Transcript: cfg.Transcript, Logger: log,
		MaxOutput: cfg.MaxOutput, RedactLine: RedactSecrets,
	})
	ch.Redact(cfg.Password)
	ch.Redact(cfg.AdminPassword)
	c := &Client{cfg: cfg, log: log, ch: ch}
	if err := c.start(ctx, telnet); err != nil {
		ch.Close()
		return nil, err
	}
	return c, nil
}

func dialTransport(ctx context.Context, cfg Config) (io.ReadWriteCloser, bool, error) {
	switch cfg.Transport {
	case "", "ssh":
		sc := cfg.SSH
		sc.User, sc.Password = cfg.User, cfg.Password
		if sc.Logger == nil {
			sc.Logger = cfg.Logger
		}
		conn, err := transport.DialSSH(ctx, cfg.Addr, sc)
		return conn, false, err
	case "telnet":
		tc := cfg.Telnet
		if tc.Logger == nil {
			tc.Logger = cfg.Logger
		}
		conn, err := transport.DialTelnet(ctx, cfg.Addr, tc)
		return conn, true, err
	}
	return nil, false, fmt.Errorf("unknown transport %q (want ssh or telnet)", cfg.Transport)
}

// start logs in and prepares the console.
func (c *Client) start(ctx context.Context, telnet bool) error {
	s, err := login(ctx, c.ch, c.cfg, telnet)
	if err != nil {
		return err
	}
	c.info = s.info
	c.log.Debug("logged in", "model", s.info.Model, "revision", s.info.Revision, "prompt prefix", s.prefix, "level", s.level)
	pl := platform(s.prefix, defaultColumns)
	// A prompt that only silence settles is confirmed with an empty line,
	// except while the console may page: a line typed ahead would go to
	// the pager.
	pl.Probe = !c.cfg.LeaveConsole
	if c.d, err = driver.New(c.ch, pl, s.level, c.log); err != nil {
		return err
	}
	c.d.SetSecret(SecretLogin, c.cfg.Password)
	c.d.SetSecret(SecretAdmin, c.cfg.AdminPassword)
	// The first line typed right after the banner is sometimes lost: spend
	// it on an empty line and wait for its prompt.
	if _, err := c.d.Run(ctx, ""); err != nil {
		return fmt.Errorf("wait for the console after login: %w", err)
	}
	_, err = c.setupConsole(ctx)
	return err
}

// Info returns the model, revision and banner announced at login.
func (c *Client) Info() Info { return c.info }

// ConsoleRepaired reports whether this session found console settings left
// behind by an earlier session that was cut off: the running configuration
// held a session value (`console lines infinity` or `console columns 200`,
// and, unless Config.LeaveConsole, `console character en.ascii` or
// `ascii`; any of them) that the saved configuration the router runs did
// not. The saved values of those settings were then taken as the router's
// own: they are what [Client.Save] and [Client.Close] put back (and what
// [Client.RouterConsole] writes into a backup), so a save no longer
// persists the leftovers. It is false until the console settings were read
// (at [Dial], or at [Client.Administrator] when `show config` needs
// administrator mode).
func (c *Client) ConsoleRepaired() bool { return c.console.repaired }

// SavedConfig returns the saved configuration the router runs, the one
// `save` writes (`show config N`, with N from the `Config. file:` line of
// `show environment`, read once per session; see [Client.ConfigFiles]), as
// [Client.Run] returns it. It makes *Client a [SavedConfigReader].
//
// When that configuration holds password commands the router asks for the
// login and administrator passwords; they are answered with Config.Password
// and Config.AdminPassword (a plain `Password: ` question with the login
// password first, the administrator password second). A rejected or missing
// password is a [*driver.PasswordError], which matches
// [driver.ErrBadPassword].
func (c *Client) SavedConfig(ctx context.Context) (string, error) {
	files, err := c.ConfigFiles(ctx)
	if err != nil {
		return "", fmt.Errorf("read saved configuration: %w", err)
	}
	out, err := c.Run(ctx, cmdShowSavedConfig(files.Running))
	if err != nil {
		return "", fmt.Errorf("read saved configuration: %w", err)
	}
	return out, nil
}

// ConfigFiles returns the saved configuration the router runs (what
// `save` writes) and the one it loads at its next boot, read from
// `show environment` (in English, see [Client.RunStatus]) once per
// session: a missing `Config. file:` line means config 0, a missing
// `Default config. file:` line the running one. It makes *Client a
// [ConfigFileReader].
func (c *Client) ConfigFiles(ctx context.Context) (ConfigFiles, error) {
	if c.filesKnown {
		return c.files, nil
	}
	out, err := c.RunStatus(ctx, cmdShowEnvironment)
	if err != nil {
		return ConfigFiles{}, fmt.Errorf("read the configuration file numbers: %w", err)
	}
	c.files.Running, c.files.Boot = parseConfigFiles(out)
	// Before the console settings are known (while they are read) the
	// text may be Japanese, whose boot configuration label is a guess:
	// only the running one, whose label is known, is used then, and the
	// next call reads both in English.
	c.filesKnown = c.console.known
	return c.files, nil
}

// Administrator enters administrator mode, answering `Password: ` with
// Config.AdminPassword (some users get `# ` without a password question).
// It does nothing if the session is already in administrator mode.
//
// A rejected password returns an error that matches [ErrBadAdminPassword]
// with errors.Is and is a [*driver.PrivilegeError]; it is never a
// [*transport.AuthError].
func (c *Client) Administrator(ctx context.Context) error {
	if err := c.d.Escalate(ctx, levelAdmin, c.cfg.AdminPassword); err != nil {
		return &adminError{addr: c.cfg.Addr, err: err}
	}
	if !c.console.known {
		if _, err := c.setupConsole(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Run runs cmd at the current privilege level and returns its output, one
// "\n"-terminated line per line, with the echo, prompt, pager markers and
// the `Searching ...` line of `| grep` removed, hard wrapping undone and
// decoded to UTF-8. An error line (`Error:` / `エラー:`) yields a
// [*driver.CommandError].
//
// Commands that read a saved configuration (`show config N`,
// `show config difference ...`) may ask for the login and administrator
// passwords; Run answers them as [Client.SavedConfig] describes, and a
// rejected or missing password is a [*driver.PasswordError].
//
// A configuration listing (`show config`, `show config N`, without a pipe)
// is read in the router's own `console character` (see
// [Client.RunStatus]), so that any non-ASCII text in it arrives intact.
//
// A successful `console lines`, `console columns` or `console character`
// command is taken as the router's own setting: the output decoder (unless
// Config.Encoding forces one) and the unwrap width follow it, a save keeps
// it and logout leaves it; after a save the next command sets the
// session's lines and columns again.
func (c *Client) Run(ctx context.Context, cmd string) (string, error) {
	if c.console.retweak {
		if err := c.tweakConsole(ctx); err != nil {
			return "", err
		}
	}
	if configListing.MatchString(cmd) {
		if err := c.routerCharacter(ctx); err != nil {
			return "", err
		}
	}
	out, err := c.d.Run(ctx, cmd)
	if err != nil {
		return out, err
	}
	return out, c.followConsole(cmd)
}

// Save restores the console settings changed for the session (the console
// character too), runs `save`
// and checks for `Saving ... Done` / `セーブ中... 終了`. The next [Client.Run]
// sets the session's console settings again. An error line is a
// [*driver.CommandError].
func (c *Client) Save(ctx context.Context) error {
	if err := c.restoreConsole(ctx); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	out, err := c.d.Run(ctx, "save")
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	if !saveDone.MatchString(out) {
		return fmt.Errorf("save: unexpected output %q", out)
	}
	c.console.retweak = true
	return nil
}

// Close restores the console settings (the console character too) if they
// are still changed, leaves
// administrator mode (answering `N` if the router asks whether to save),
// logs out and closes the connection. The router closing the connection
// counts as success. Close is idempotent and bounded by an internal
// deadline of 10 seconds.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		err := c.logout(ctx)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = nil
		}
		c.closeErr = errors.Join(err, c.ch.Close())
		if c.closeErr != nil {
			c.closeErr = fmt.Errorf("close session to %s: %w", c.cfg.Addr, c.closeErr)
		}
	})
	return c.closeErr
}

func (c *Client) logout(ctx context.Context) error {
	if err := c.restoreConsole(ctx); err != nil {
		return err
	}
	if c.d.Level() == levelAdmin {
		if err := c.d.Deescalate(ctx); err != nil {
			return err
		}
	}
	_, err := c.d.Run(ctx, "exit")
	if err == nil {
		return errors.New("logout: router still shows a prompt after exit")
	}
	return err
}
