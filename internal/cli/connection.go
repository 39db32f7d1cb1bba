package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Output formats accepted by -o/--output.
const (
	OutputText = "text"
	OutputJSON = "json"
)

// ValidateOutput checks the value of -o/--output; the error is a *[FlagError].
func ValidateOutput(format string) error {
	if format != OutputText && format != OutputJSON {
		return FlagErrorf("invalid --output %q: want text or json", format)
	}
	return nil
}

// DefaultTimeout is the default per-operation deadline (--timeout).
const DefaultTimeout = 30 * time.Second

// DefaultMaxOutput is the default of --max-output.
const DefaultMaxOutput SizeValue = 16 << 20

// SizeValue is a number of bytes given as a flag: a whole number with an
// optional binary unit (KiB, MiB, GiB; K, M, G and KB, MB, GB mean the same).
type SizeValue int

// sizeUnits are the units of a SizeValue, largest first; the label is how
// String writes it.
var sizeUnits = []struct {
	label string
	names []string
	shift uint
}{
	{"GiB", []string{"gib", "gb", "g"}, 30},
	{"MiB", []string{"mib", "mb", "m"}, 20},
	{"KiB", []string{"kib", "kb", "k"}, 10},
	{"", []string{"bytes", "b", ""}, 0},
}

// Set parses s, such as "16MiB".
func (v *SizeValue) Set(s string) error {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, u := range sizeUnits {
		for _, name := range u.names {
			num, ok := strings.CutSuffix(t, name)
			if !ok {
				continue
			}
			n, err := strconv.ParseUint(strings.TrimSpace(num), 10, 64)
			if err != nil || n == 0 || n > (1<<40)>>u.shift {
				return fmt.Errorf("want a size such as 16MiB or 512KiB, from 1 byte to 1024GiB")
			}
			*v = SizeValue(n << u.shift)
			return nil
		}
	}
	return fmt.Errorf("want a size such as 16MiB or 512KiB")
}

// String formats the size in the largest binary unit that divides it.
func (v *SizeValue) String() string {
	n := int(*v)
	for _, u := range sizeUnits {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.Itoa(n>>u.shift) + u.label
		}
	}
	return strconv.Itoa(n)
}

// Type names the flag's value in help.
func (v *SizeValue) Type() string { return "size" }

// Target is everything needed to open one console session: the router's
// settings (config file merged with flags) and how this invocation wants to
// talk to it.
type Target struct {
	config.Host
	Admin            bool          // the command enters administrator mode, so the administrator password is needed
	Timeout          time.Duration // deadline of each operation, login included
	MaxOutput        int           // most bytes of output one command may send before its prompt; 0 = the library's default (16 MiB)
	Transcript       io.Writer     // receives the session transcript (secrets redacted); nil = none
	Debug            bool          // log protocol events to standard error
	AcceptNewHostKey bool          // trust an unknown host key and record it in the known_hosts file
	ReadOnly         bool          // the command changes nothing: the router's console settings are left alone too
}

// ConnectFunc opens a logged-in console session to a router.
type ConnectFunc func(ctx context.Context, t Target) (*rtx.Client, error)

// ConnectionOptions holds the flags shared by every command that talks to a
// router. Register them with [ConnectionOptions.AddFlags]; settings whose
// flag is not given on the command line come from the configuration file
// when it has them (see [ConnectionOptions.Resolve]).
type ConnectionOptions struct {
	Host                  string
	Port                  int
	Transport             string
	User                  string
	KnownHosts            string
	AcceptNewHostKey      bool
	InsecureIgnoreHostKey bool
	LegacySSHAlgorithms   bool
	Identity              []string
	Encoding              string
	Timeout               time.Duration
	MaxOutput             SizeValue
	TranscriptFile        string
	Output                string
	Debug                 bool
	PasswordFile          string
	AdminPasswordFile     string

	flags *pflag.FlagSet
}

// AddFlags registers the connection flags on cmd.
func (o *ConnectionOptions) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&o.Host, "host", "", "router address or name (required unless ROUTER names one in the config file)")
	fs.IntVar(&o.Port, "port", 0, "TCP port (default 22 for ssh, 23 for telnet)")
	fs.StringVar(&o.Transport, "transport", "ssh", "how to connect: {ssh | telnet}")
	fs.StringVar(&o.User, "user", "", "login user (Telnet: empty = anonymous login)")
	fs.StringVar(&o.KnownHosts, "known-hosts", "~/.ssh/known_hosts", "OpenSSH known_hosts `FILE` used to check the router's host key")
	fs.BoolVar(&o.AcceptNewHostKey, "accept-new-host-key", false, "trust an unknown host key on first use and record it in the known_hosts file")
	fs.BoolVar(&o.InsecureIgnoreHostKey, "insecure-ignore-host-key", false, "do not check the host key at all (unsafe)")
	fs.BoolVar(&o.LegacySSHAlgorithms, "legacy-ssh-algorithms", false, "also offer the SHA-1 and CBC algorithms old RTX firmware needs")
	fs.StringArrayVar(&o.Identity, "identity", nil, "SSH private key `FILE` (repeatable); ssh-agent is used when SSH_AUTH_SOCK is set")
	fs.StringVar(&o.Encoding, "encoding", "auto", "console encoding: {auto | shift_jis | euc-jp | utf-8 | ascii}")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "deadline of each operation (login, each command)")
	o.MaxOutput = DefaultMaxOutput
	fs.Var(&o.MaxOutput, "max-output", "most output one command may send before its prompt, e.g. 16MiB, 512KiB (more ends the session)")
	fs.StringVar(&o.TranscriptFile, "transcript", "", "record the session to `FILE` (mode 0600, secrets redacted)")
	fs.StringVarP(&o.Output, "output", "o", OutputText, "output format: {text | json}")
	fs.BoolVar(&o.Debug, "debug", false, "log protocol events to standard error")
	fs.StringVar(&o.PasswordFile, "password-file", "", "read the login password from `FILE` (instead of RTXCTL_PASSWORD)")
	fs.StringVar(&o.AdminPasswordFile, "admin-password-file", "", "read the administrator password from `FILE` (instead of RTXCTL_ADMIN_PASSWORD)")
	o.flags = fs
}

// changed reports whether the flag called name was given on the command line.
func (o *ConnectionOptions) changed(name string) bool {
	return o.flags != nil && o.flags.Changed(name)
}

// Validate checks the flag values that do not depend on the configuration
// file. Errors are *[FlagError].
func (o *ConnectionOptions) Validate() error {
	if err := ValidateOutput(o.Output); err != nil {
		return err
	}
	if o.Timeout <= 0 {
		return FlagErrorf("invalid --timeout %s: must be positive", o.Timeout)
	}
	if o.AcceptNewHostKey && o.InsecureIgnoreHostKey {
		return FlagErrorf("--accept-new-host-key and --insecure-ignore-host-key cannot be used together")
	}
	return nil
}

// Resolve merges the settings of router (a name from the configuration
// file, or "" for none) with the flags: a flag given on the command line
// wins over the file, and the file wins over the flag defaults. Errors are
// *[FlagError].
func (o *ConnectionOptions) Resolve(cfg *config.Config, router string) (config.Host, error) {
	if err := o.Validate(); err != nil {
		return config.Host{}, err
	}
	var h config.Host
	if router != "" {
		var err error
		if h, err = cfg.Router(router); err != nil {
			return config.Host{}, &FlagError{Err: err}
		}
	}
	overrideString(&h.Host, o.Host, o.changed("host"))
	overrideString(&h.Transport, o.Transport, o.changed("transport") || h.Transport == "")
	overrideString(&h.User, o.User, o.changed("user"))
	overrideString(&h.KnownHosts, o.KnownHosts, o.changed("known-hosts") || h.KnownHosts == "")
	overrideString(&h.Encoding, o.Encoding, o.changed("encoding") || h.Encoding == "")
	overrideString(&h.PasswordFile, o.PasswordFile, o.changed("password-file"))
	overrideString(&h.AdminPasswordFile, o.AdminPasswordFile, o.changed("admin-password-file"))
	if o.changed("port") {
		h.Port = o.Port
	}
	if o.changed("identity") {
		h.Identity = o.Identity
	}
	h.LegacySSHAlgorithms = h.LegacySSHAlgorithms || o.LegacySSHAlgorithms
	h.InsecureIgnoreHostKey = h.InsecureIgnoreHostKey || o.InsecureIgnoreHostKey

	if h.Host == "" {
		if router == "" {
			return config.Host{}, FlagErrorf("no router given: use --host HOST or name a ROUTER from the config file")
		}
		return config.Host{}, FlagErrorf("router %q has no host in the config file: add one or use --host", router)
	}
	if !slices.Contains(config.Transports, h.Transport) {
		return config.Host{}, FlagErrorf("invalid transport %q: want %s", h.Transport, strings.Join(config.Transports, " or "))
	}
	if !slices.Contains(config.Encodings, h.Encoding) {
		return config.Host{}, FlagErrorf("invalid encoding %q: want one of %s", h.Encoding, strings.Join(config.Encodings, ", "))
	}
	if h.Port == 0 {
		h.Port = defaultPort(h.Transport)
	}
	if h.Port < 1 || h.Port > 65535 {
		return config.Host{}, FlagErrorf("invalid port %d: want 1-65535", h.Port)
	}
	return h, nil
}

func overrideString(dst *string, flag string, use bool) {
	if use {
		*dst = flag
	}
}

func defaultPort(transport string) int {
	if transport == "telnet" {
		return 23
	}
	return 22
}

// Target returns the [Target] for router (see [ConnectionOptions.Resolve]);
// admin says whether the command will enter administrator mode.
func (o *ConnectionOptions) Target(cfg *config.Config, router string, admin bool) (Target, error) {
	h, err := o.Resolve(cfg, router)
	if err != nil {
		return Target{}, err
	}
	t := Target{Host: h, Admin: admin, Timeout: o.Timeout, Debug: o.Debug, AcceptNewHostKey: o.AcceptNewHostKey}
	if o.changed("max-output") {
		t.MaxOutput = int(o.MaxOutput)
	}
	return t, nil
}

// Open connects to t with connect, recording the session to the transcript
// file if one was asked for. The returned function logs out and closes the
// transcript; call it exactly once.
func (o *ConnectionOptions) Open(ctx context.Context, connect ConnectFunc, t Target) (*rtx.Client, func() error, error) {
	var transcript *os.File
	if o.TranscriptFile != "" {
		var err error
		transcript, err = os.OpenFile(o.TranscriptFile, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("open transcript: %w", err)
		}
		t.Transcript = transcript
	}
	closeTranscript := func() error {
		if transcript == nil {
			return nil
		}
		return transcript.Close()
	}
	client, err := connect(ctx, t)
	if err != nil {
		return nil, nil, errors.Join(err, closeTranscript())
	}
	done := func() error {
		err := client.Close()
		if err != nil {
			err = fmt.Errorf("log out: %w", err)
		}
		return errors.Join(err, closeTranscript())
	}
	return client, done, nil
}

// WithTimeout returns ctx with the per-operation deadline of t.
func (t Target) WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, t.Timeout)
}

// Addr returns the host:port to dial.
func (t Target) Addr() string {
	return net.JoinHostPort(t.Host.Host, strconv.Itoa(t.Port))
}

// OpenAdmin opens a session to t (see [ConnectionOptions.Open]) and enters
// administrator mode within t's per-operation deadline.
func (o *ConnectionOptions) OpenAdmin(ctx context.Context, connect ConnectFunc, t Target) (*rtx.Client, func() error, error) {
	client, done, err := o.Open(ctx, connect, t)
	if err != nil {
		return nil, nil, err
	}
	actx, cancel := t.WithTimeout(ctx)
	err = client.Administrator(actx)
	cancel()
	if err != nil {
		return nil, nil, errors.Join(err, done())
	}
	return client, done, nil
}
