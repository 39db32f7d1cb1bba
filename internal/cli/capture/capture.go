// Package capture implements `rtxctl capture`: record the output of the
// show commands rtxctl depends on, as a router prints it, to one file with
// every secret redacted, and report whether rtxctl understands it.
package capture

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/build"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// The show commands recorded, besides one `show status bgp neighbor ADDR`
// and its advertised routes per configured neighbor and the saved
// configurations `show environment` names.
const (
	cmdEnvironment = "show environment"
	cmdConfig      = "show config"
	cmdConsole     = "show config | grep console"
	cmdBGP         = "show config | grep bgp"
	cmdNeighbors   = "show status bgp neighbor"
	cmdRoutes      = "show ip route"
	cmdUsers       = "show status user"
)

// Options holds the inputs of `rtxctl capture`.
type Options struct {
	cli.RouterOptions

	File  string // -f: where the capture is written
	Admin bool   // enter administrator mode before reading
}

// NewCmdCapture returns the `capture` command. runF replaces the command's
// action in tests; nil runs it.
func NewCmdCapture(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{RouterOptions: cli.NewRouterOptions(f)}
	cmd := &cobra.Command{
		Use:   "capture [ROUTER] [-f FILE]",
		Short: "Record what a router prints and check that rtxctl understands it",
		Long: `Record the output of the show commands rtxctl depends on, exactly as the
router prints them, to one file, and report whether rtxctl reads each of them.

The commands are: show environment, show config, show config | grep console,
show config | grep bgp, show status bgp neighbor, show status bgp neighbor ADDR
and its advertised-routes for every configured neighbor, show ip route,
show status user, and show config N for the saved configurations show
environment names. Only show commands are sent: the router's console settings
and language are left as they are, so the file shows what your router prints.

Every secret is replaced by <redacted> before the file is written: passwords,
pre-shared keys, login user and pp auth secrets, in plain and encrypted forms.
Check the file before you share it. The file format is described in
docs/capture.md; "fakertx --capture FILE" serves it as a fake router.

EXIT STATUS
  0  captured, and rtxctl understands every output
  1  other failure (for example the file cannot be written)
  2  usage error: bad flag, argument, config file, or a missing password
  3  cannot reach the router: connection refused, timeout, host key problem
  4  authentication failed (login or administrator password)
  12 captured, but rtxctl did not understand some output (see the report)
  130 interrupted`,
		Example: `  rtxctl capture --host 192.168.100.1 --user admin
  rtxctl capture tokyo -f tokyo.txtar
  rtxctl capture tokyo --admin -o json`,
		ValidArgsFunction: cli.CompleteRouters(f),
		Args:              cli.RouterArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SetRouter(args)
			if err := opts.ResolveTarget(f, opts.Admin); err != nil {
				return err
			}
			opts.Target.ReadOnly = true
			if opts.File == "" {
				opts.File = "rtxctl-capture-" + opts.Target.Host.Host + ".txtar"
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "write the capture to `FILE` (default rtxctl-capture-HOST.txtar)")
	cmd.Flags().BoolVar(&opts.Admin, "admin", false, "enter administrator mode first (for firmware that shows the configuration only there)")
	opts.Conn.AddFlags(cmd)
	return cmd
}

// ErrNotUnderstood is wrapped by the error of a capture whose report found
// output rtxctl does not understand (exit status 12).
var ErrNotUnderstood = errors.New("rtxctl did not understand some of the router's output")

func run(ctx context.Context, opts *Options) error {
	f, err := record(ctx, opts)
	if err != nil {
		return err
	}
	data := f.Marshal()
	if err := os.WriteFile(opts.File, data, 0o600); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	// The report reads the file as written, so that it shows what anyone
	// reading the file gets.
	written, err := ParseFile(data)
	if err != nil {
		return fmt.Errorf("read capture back: %w", err)
	}
	// Replaying is local, but a reading that never ends must not hang.
	rctx, cancel := opts.Target.WithTimeout(ctx)
	rep := NewReport(rctx, opts.File, written)
	cancel()
	if opts.Conn.Output == cli.OutputJSON {
		err = cli.WriteJSON(opts.IO.Out, rep)
	} else {
		err = rep.Write(opts.IO.Out)
	}
	if err != nil {
		return err
	}
	if !rep.Understood {
		return &cli.ExitError{Code: cli.ExitNotUnderstood, Err: fmt.Errorf("capture %s: %w", opts.File, ErrNotUnderstood)}
	}
	return nil
}

// recorder runs the show commands of one session and keeps their outputs.
type recorder struct {
	client  *rtx.Client
	target  cli.Target
	file    *File
	columns int
}

// record opens a session and records every command; the outputs are
// redacted.
func record(ctx context.Context, opts *Options) (f *File, err error) {
	client, done, err := opts.Conn.Open(ctx, opts.Connect, opts.Target)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, done()) }()
	if opts.Admin {
		actx, cancel := opts.Target.WithTimeout(ctx)
		err := client.Administrator(actx)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	info := client.Info()
	r := &recorder{client: client, target: opts.Target, columns: 80, file: &File{Header: map[string]string{
		keyFormat:    strconv.Itoa(FormatVersion),
		keyRtxctl:    build.Current().Version,
		keyDate:      opts.Clock().UTC().Format(time.RFC3339),
		keyModel:     info.Model,
		keyRevision:  info.Revision,
		keyTransport: opts.Target.Transport,
	}}}
	// The console settings come first: the width decides how the other
	// outputs are redacted.
	console, err := r.run(ctx, cmdConsole)
	if err != nil {
		return nil, err
	}
	c := rtx.ParseConsole(console)
	if n, err := strconv.Atoi(c.Columns); err == nil && n > 0 {
		r.columns = n
	}
	r.file.Header[keyColumns] = orDefault(c.Columns)
	r.file.Header[keyLines] = orDefault(c.Lines)
	r.file.Header[keyCharacter] = orDefault(c.Character)
	for _, cmd := range []string{cmdEnvironment, cmdConfig, cmdBGP, cmdNeighbors} {
		if _, err := r.run(ctx, cmd); err != nil {
			return nil, err
		}
	}
	replay := &rtx.Replay{Outputs: r.file.Recorded(), Columns: r.columns}
	rctx, cancel := opts.Target.WithTimeout(ctx)
	defer cancel()
	if info.Model == "" {
		// No revision line in the banner: take the one show environment prints.
		if env, err := rtx.ReadEnvironment(rctx, replay); err == nil {
			r.file.Header[keyModel], r.file.Header[keyRevision] = env.Model, env.Revision
		}
	}
	var more []string
	if bgp, err := rtx.ReadBGP(rctx, replay); err == nil {
		for _, n := range bgp.Neighbors {
			more = append(more, cmdNeighbors+" "+n.Address, cmdNeighbors+" "+n.Address+" advertised-routes")
		}
	}
	more = append(more, cmdRoutes, cmdUsers)
	if files, err := replay.ConfigFiles(rctx); err == nil {
		more = append(more, "show config "+strconv.Itoa(files.Running))
		if files.Boot != files.Running {
			more = append(more, "show config "+strconv.Itoa(files.Boot))
		}
	}
	for _, cmd := range more {
		if _, err := r.run(ctx, cmd); err != nil {
			return nil, err
		}
	}
	return r.file, nil
}

// run records the output of cmd, physical lines with secrets redacted,
// and returns it. A command the router refuses is recorded with its error
// line; any other failure ends the capture.
func (r *recorder) run(ctx context.Context, cmd string) (string, error) {
	rctx, cancel := r.target.WithTimeout(ctx)
	defer cancel()
	out, err := r.client.RunPhysical(rctx, cmd)
	var ce *driver.CommandError
	if errors.As(err, &ce) {
		out, err = ce.Output, nil
	}
	if err != nil {
		return "", fmt.Errorf("capture %q: %w", cmd, err)
	}
	out = redactPhysical(out, r.columns)
	r.file.Outputs = append(r.file.Outputs, Output{Command: cmd, Text: out})
	return out, nil
}
