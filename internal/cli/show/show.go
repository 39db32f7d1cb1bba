// Package show implements `rtxctl show`: run one read-only show command on
// a router and print its output.
package show

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Options holds the inputs of `rtxctl show`.
type Options struct {
	cli.RouterOptions

	Command string // the router command, e.g. "show config"
	Admin   bool   // enter administrator mode first
	// RevealSecrets prints the output as the router sent it; false
	// replaces every secret of the configuration language (pre-shared
	// keys, passwords...) with "<redacted>".
	RevealSecrets bool

	Many fleet.Options // several routers (-o json for each one's output): --group, --all, --inventory, --parallel
}

// NewCmdShow returns the `show` command. runF replaces the command's action
// in tests; nil runs it.
func NewCmdShow(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{RouterOptions: cli.NewRouterOptions(f)}
	cmd := &cobra.Command{
		Use:   "show [ROUTER...] [flags] -- COMMAND...",
		Short: "Run one read-only show command on a router",
		Long: `Run one read-only "show" command on a router and print its output,
decoded to UTF-8, without echo, prompts or pager markers.

The router command comes after "--" and must start with "show". A "| grep ..."
filter is allowed; "| less", "> FILE" redirects, "?" help requests and control
characters are refused. Quote the command when it contains "|", so that your
shell passes it on.

Secrets the router prints (pre-shared keys, login user and administrator
passwords, pp auth secrets and the like, also in their encrypted forms) are
replaced with "<redacted>", as in transcripts; --reveal-secrets prints them as
the router does.

The command runs from the normal (">") prompt. Use --admin to enter
administrator mode first: some firmware only shows the configuration there.

Passwords come from the password files (--password-file, --admin-password-file
or the config file), else from RTXCTL_PASSWORD and RTXCTL_ADMIN_PASSWORD, else
from a prompt when standard input is a terminal. The administrator password is
only read with --admin.

EXIT STATUS
  0  the command ran; its output is on standard output
  1  other failure
  2  usage error: bad flag, argument, config file, or a missing password
  3  cannot reach the router: connection refused, timeout, host key problem
  4  authentication failed (login or administrator password)
  5  the router refused the command or administrator mode
  130 interrupted`,
		Example: `  RTXCTL_PASSWORD=... rtxctl show --host 192.168.100.1 --user admin -- show config
  rtxctl show tokyo -- 'show config | grep bgp'
  rtxctl show tokyo --admin -o json -- show config
  rtxctl show tokyo --reveal-secrets -- show config > tokyo.conf
  rtxctl show --host 192.168.100.1 --transport telnet -- show status bgp neighbor`,
		ValidArgsFunction: cli.CompleteRouters(f),
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			switch {
			case dash < 0:
				return cli.FlagErrorf("put the router command after --, as in: rtxctl show --host HOST -- show config")
			case dash == len(args):
				return cli.FlagErrorf("no router command after --")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			opts.Command = strings.Join(args[dash:], " ")
			if err := ValidateCommand(opts.Command); err != nil {
				return err
			}
			return opts.Many.Run(cmd, f, args[:dash], opts.Conn.Output, func(ctx context.Context, turn *fleet.Turn, routers []string) error {
				opts := fleet.For(opts, turn, routers)
				if err := opts.ResolveTarget(f, opts.Admin); err != nil {
					return err
				}
				opts.Target.ReadOnly = true
				if runF != nil {
					return runF(opts)
				}
				return run(ctx, opts)
			})
		},
	}
	cmd.Flags().BoolVar(&opts.Admin, "admin", false, "enter administrator mode before running the command")
	cmd.Flags().BoolVar(&opts.RevealSecrets, "reveal-secrets", false, "print pre-shared keys, passwords and other secrets as the router does (default: <redacted>)")
	opts.Conn.AddFlags(cmd)
	opts.Many.AddFlags(cmd)
	return cmd
}

// ErrNotReadOnly is wrapped by the errors of [ValidateCommand].
var ErrNotReadOnly = errors.New("not a read-only show command")

// ValidateCommand checks that line is a single read-only show command that
// will not start anything interactive. Errors are *[cli.FlagError] wrapping
// [ErrNotReadOnly].
func ValidateCommand(line string) error {
	refuse := func(why string) error {
		return &cli.FlagError{Err: fmt.Errorf("refusing %q: %s: %w", line, why, ErrNotReadOnly)}
	}
	for _, r := range line {
		if r < ' ' || r == 0x7f {
			return refuse("it contains a control character")
		}
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || !strings.EqualFold(fields[0], "show") {
		return refuse(`it does not start with "show"`)
	}
	escaped := false
	for _, r := range line {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == '>':
			return refuse("output redirects are not allowed")
		case r == '?':
			return refuse(`"?" asks the router for help; escape it as \?`)
		}
	}
	for i, f := range fields {
		if f == "|" && (i+1 == len(fields) || !strings.EqualFold(fields[i+1], "grep")) {
			return refuse(`only "| grep" filters are allowed`)
		}
	}
	return nil
}

type result struct {
	Router  string `json:"router,omitempty"`
	Address string `json:"address"`
	Command string `json:"command"`
	Output  string `json:"output"`
}

func run(ctx context.Context, opts *Options) (err error) {
	client, done, err := opts.Conn.Open(ctx, opts.Connect, opts.Target)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, done()) }()

	t := opts.Target
	if opts.Admin {
		actx, cancel := t.WithTimeout(ctx)
		err := client.Administrator(actx)
		cancel()
		if err != nil {
			return err
		}
	}
	rctx, cancel := t.WithTimeout(ctx)
	defer cancel()
	out, err := client.Run(rctx, opts.Command)
	if err != nil {
		return fmt.Errorf("run %q: %w", opts.Command, err)
	}
	if !opts.RevealSecrets {
		out = rtx.RedactSecrets(out)
	}
	return write(opts, result{Router: t.Name, Address: t.Addr(), Command: opts.Command, Output: out})
}

func write(opts *Options, r result) error {
	if opts.Conn.Output == cli.OutputJSON {
		return cli.WriteJSON(opts.IO.Out, r)
	}
	if r.Output != "" && !strings.HasSuffix(r.Output, "\n") {
		r.Output += "\n"
	}
	// Written as it is: fmt would copy a long output (a 50 MB show config) once more.
	_, err := io.WriteString(opts.IO.Out, r.Output)
	return err
}
