// Package fakertx is the fakertx command: it turns flags into an
// [rtxtest.Server] (a fake YAMAHA RTX router on SSH and Telnet), prints where
// it listens and serves until it is interrupted.
//
// Layer: internal wiring for cmd/fakertx. It imports pkg/rtx/rtxtest,
// pkg/azure/azuretest (--azure) and the standard library only.
package fakertx

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// Exit statuses of fakertx.
const (
	exitOK    = 0 // interrupted by SIGINT/SIGTERM after serving
	exitError = 1 // the fake could not run or could not write its output files
	exitUsage = 2 // bad flag, listen address or scenario
)

// commandLogInterval is how often --log-commands looks for new commands.
const commandLogInterval = 50 * time.Millisecond

// usageError is a mistake in the command line or the scenario (exit
// status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// errFlags reports a flag error the flag package has already printed, with
// the usage text.
var errFlags = errors.New("bad flags")

// options are the parsed command-line flags.
type options struct {
	scenario       string
	capture        string
	sshAddr        string
	telnetAddr     string
	knownHosts     string
	readyFile      string
	savedConfigOut string
	logCommands    bool
	allowRemote    bool
	azure          azureOptions
	fleet          fleetOptions
}

// Main runs fakertx with the process's arguments until SIGINT or SIGTERM and
// returns the exit status.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// Run runs fakertx with args until ctx is cancelled, then shuts the fake
// down, writes the files asked for and returns the exit status (0 after a
// normal shutdown, 1 on a failure, 2 on a usage error). The chosen addresses
// go to stdout, errors and the command log to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	var usageErr *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errFlags):
		return exitUsage
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "fakertx: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "fakertx: %v\n", err)
		return exitError
	}
}

// parseFlags parses args into options.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fakertx", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: fakertx [flags]\n\n"+
			"Run a fake YAMAHA RTX router on SSH and Telnet until SIGINT or SIGTERM.\n"+
			"See docs/fakertx.md.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.scenario, "scenario", "", "scenario YAML `file` (default: the built-in scenario)")
	fs.StringVar(&o.capture, "capture", "", "serve a capture `file` written by rtxctl capture (docs/capture.md) instead of a scenario")
	fs.StringVar(&o.sshAddr, "ssh", "127.0.0.1:0", "SSH listen `address`; \"\" or \"off\" disables SSH")
	fs.StringVar(&o.telnetAddr, "telnet", "127.0.0.1:0", "Telnet listen `address`; \"\" or \"off\" disables Telnet")
	fs.StringVar(&o.knownHosts, "known-hosts", "", "write an OpenSSH known_hosts line for the SSH listener to `file`")
	fs.StringVar(&o.readyFile, "ready-file", "", "write ssh=ADDR and telnet=ADDR lines to `file` once listening")
	fs.StringVar(&o.savedConfigOut, "saved-config-out", "", "on exit, write the saved configuration to `file`")
	fs.BoolVar(&o.logCommands, "log-commands", false, "print each command received at a prompt to stderr")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow listen addresses other than loopback")
	o.azure.addFlags(fs)
	o.fleet.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errFlags
	}
	if fs.NArg() > 0 {
		return o, &usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if o.scenario != "" && o.capture != "" {
		return o, &usageError{errors.New("--scenario and --capture cannot be used together")}
	}
	if disabled(o.sshAddr) && disabled(o.telnetAddr) {
		return o, &usageError{errors.New("both --ssh and --telnet are off: nothing to serve")}
	}
	if err := o.fleet.validate(o); err != nil {
		return o, err
	}
	return o, o.azure.validate(o.allowRemote)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.fleet.routers > 0 {
		return runFleet(ctx, o, stdout, stderr)
	}
	sc, err := loadScenario(o)
	if err != nil {
		return err
	}
	srv := rtxtest.NewUnstartedServer(sc)
	if err := openListeners(srv, o); err != nil {
		return err
	}
	srv.Start()
	az, err := o.azure.start(srv.Router)
	if err != nil {
		srv.Close()
		return err
	}
	if az != nil {
		defer az.Close()
	}

	stopLog := func() {}
	if o.logCommands {
		stopLog = logCommands(srv.Router, stderr)
	}
	err = announce(srv, o, stdout, az)
	if err == nil {
		<-ctx.Done()
	}
	srv.Close()
	stopLog()
	if err != nil {
		return err
	}
	if o.savedConfigOut != "" {
		if err := writeFile(o.savedConfigOut, lines(srv.Router.SavedConfig())); err != nil {
			return fmt.Errorf("write saved config: %w", err)
		}
	}
	return nil
}

// loadScenario returns a new copy of the scenario o asks for: --scenario,
// --capture or the built-in one.
func loadScenario(o options) (*rtxtest.Scenario, error) {
	var (
		sc  = rtxtest.DefaultScenario()
		err error
	)
	if o.scenario != "" {
		if sc, err = rtxtest.LoadScenario(o.scenario); err != nil {
			return nil, &usageError{err}
		}
	}
	if o.capture != "" {
		if sc, err = rtxtest.LoadCapture(o.capture); err != nil {
			return nil, &usageError{err}
		}
	}
	return sc, nil
}

// disabled reports whether a listen address flag turns its listener off.
func disabled(addr string) bool {
	return addr == "" || addr == "off"
}

// listen opens a TCP listener on addr, refusing anything but a loopback
// address unless allowRemote: the fake accepts any client with the
// scenario's passwords, so it must not be exposed by accident.
func listen(name, addr string, allowRemote bool) (net.Listener, error) {
	if !allowRemote && !isLoopback(addr) {
		return nil, &usageError{fmt.Errorf("--%s %s is not a loopback address (127.0.0.1, ::1 or localhost); add --allow-remote to listen there", name, addr)}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for %s: %w", name, err)
	}
	return l, nil
}

// isLoopback reports whether addr (host:port) names only loopback interfaces.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// openListeners opens the SSH and Telnet listeners of the unstarted srv at
// the addresses o gives, or disables them; on error none is left open.
func openListeners(srv *rtxtest.Server, o options) error {
	listeners := []struct {
		name     string
		addr     string
		disable  *bool
		listener *net.Listener
	}{
		{"ssh", o.sshAddr, &srv.DisableSSH, &srv.SSHListener},
		{"telnet", o.telnetAddr, &srv.DisableTelnet, &srv.TelnetListener},
	}
	for _, l := range listeners {
		if disabled(l.addr) {
			*l.disable = true
			continue
		}
		var err error
		if *l.listener, err = listen(l.name, l.addr, o.allowRemote); err != nil {
			closeListeners(srv)
			return err
		}
	}
	return nil
}

// closeListeners closes the listeners already opened for srv, which was not
// started.
func closeListeners(srv *rtxtest.Server) {
	for _, l := range []net.Listener{srv.SSHListener, srv.TelnetListener} {
		if l != nil {
			l.Close()
		}
	}
}

// announce writes the known_hosts and ready files, then prints the chosen
// addresses: a script or test that sees either the ready file or the
// addresses on stdout finds every file in place.
func announce(srv *rtxtest.Server, o options, stdout io.Writer, az *azuretest.Server) error {
	var ready, printed strings.Builder
	for _, a := range []struct{ name, addr string }{{"ssh", srv.SSHAddr()}, {"telnet", srv.TelnetAddr()}} {
		if a.addr != "" {
			fmt.Fprintf(&ready, "%s=%s\n", a.name, a.addr)
			fmt.Fprintf(&printed, "%s %s\n", a.name, a.addr)
		}
	}
	azPrinted, azReady := o.azure.announce(az)
	printed.WriteString(azPrinted)
	ready.WriteString(azReady)
	if o.knownHosts != "" && srv.KnownHostsLine() != "" {
		if err := writeFile(o.knownHosts, srv.KnownHostsLine()+"\n"); err != nil {
			return fmt.Errorf("write known_hosts: %w", err)
		}
	}
	return publish(o.readyFile, ready.String(), stdout, printed.String())
}

// publish writes ready to readyFile (when set), then prints printed: the
// last step of announcing a fake, once every other file is in place.
func publish(readyFile, ready string, stdout io.Writer, printed string) error {
	if readyFile != "" {
		if err := writeFile(readyFile, ready); err != nil {
			return fmt.Errorf("write ready file: %w", err)
		}
	}
	if _, err := io.WriteString(stdout, printed); err != nil {
		return fmt.Errorf("print addresses: %w", err)
	}
	return nil
}

// makeDir returns dir, created (mode 0700) if missing, or a new temporary
// directory named after pattern when dir is "".
func makeDir(dir, pattern string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", pattern)
	}
	return dir, os.MkdirAll(dir, 0o700)
}

// logCommands prints the router's new commands to w as they arrive, one per
// line, until the returned function is called; that function prints the
// last ones and returns once nothing more will be written.
func logCommands(r *rtxtest.Router, w io.Writer) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	printed := 0
	flush := func() {
		cmds := r.Commands()
		for _, c := range cmds[printed:] {
			fmt.Fprintf(w, "command: %s\n", c)
		}
		printed = len(cmds)
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(commandLogInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				flush()
				return
			case <-tick.C:
				flush()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// lines joins config lines, each ended by a newline.
func lines(ls []string) string {
	if len(ls) == 0 {
		return ""
	}
	return strings.Join(ls, "\n") + "\n"
}

// writeFile replaces path with content atomically, so that a script polling
// for the file never reads it half written.
func writeFile(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
