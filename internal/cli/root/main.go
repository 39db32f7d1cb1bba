package root

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/tunnel"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/fleet"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/internal/lock"
	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Main runs rtxctl with the process's arguments and returns the exit
// status. SIGINT and SIGTERM cancel the running command (status 130); a
// second signal kills the process.
func Main() int {
	// A soft memory limit makes the garbage collector work harder as the
	// heap nears 64 MiB instead of letting it double: a router's long
	// output (a 50 MB show config, a flood up to --max-output) then costs
	// about what is kept, not twice that. It is a target, not a cap: a
	// larger live heap still grows. GOMEMLIMIT, when set, wins.
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, restore the default action so that a second
	// one ends a command that does not stop in time.
	context.AfterFunc(ctx, stop)

	f := cli.NewFactory()
	return Execute(ctx, f.IO, NewCmdRoot(f), os.Args[1:])
}

// softMemoryLimit is the garbage collector's memory target when the
// GOMEMLIMIT environment variable is unset (see [Main]).
const softMemoryLimit = 64 << 20

// Execute runs cmd with args, prints an error once to ios (see [PrintError])
// and returns the exit status. A cancelled ctx means the user interrupted
// the command.
func Execute(ctx context.Context, ios *iostreams.IOStreams, cmd *cobra.Command, args []string) int {
	cmd.SetArgs(args)
	executed, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return cli.ExitOK
	}
	code := ExitCode(err)
	if ctx.Err() != nil {
		code = cli.ExitInterrupted
		var changeErr *tunnel.ChangeError
		switch {
		case errors.As(err, &changeErr):
			// Keep what the router runs and has saved after the interrupt.
			err = fmt.Errorf("interrupted: %w", changeErr)
		case errors.Is(err, context.Canceled):
			err = errors.New("interrupted")
		}
	}
	var fleetErr *fleet.Failed
	if errors.As(err, &fleetErr) && wantsJSON(executed) {
		// The JSON Lines already end with the summary and its exit status.
		return code
	}
	PrintError(ios, executed, err, code)
	return code
}

// ExitCode maps err to rtxctl's exit status (docs/exit-codes.md).
func ExitCode(err error) int {
	var (
		exitErr    *cli.ExitError
		flagErr    *cli.FlagError
		configErr  *config.Error
		authErr    *transport.AuthError
		hostKeyErr *transport.HostKeyError
		algErr     *transport.AlgorithmError
		opErr      *net.OpError
		dnsErr     *net.DNSError
		privErr    *driver.PrivilegeError
		cmdErr     *driver.CommandError
		verifyErr  *rtx.VerificationError
		heldErr    *lock.HeldError
	)
	switch {
	case err == nil:
		return cli.ExitOK
	case errors.As(err, &exitErr):
		return exitErr.Code
	case errors.As(err, &verifyErr) && verifyErr.RevertErr == nil:
		return cli.ExitVerifyFailed
	case errors.As(err, &heldErr) && heldErr.Err == nil:
		return cli.ExitLocked
	case errors.As(err, &flagErr), errors.As(err, &configErr),
		errors.Is(err, rtx.ErrInvalidOption), errors.Is(err, rtx.ErrFilterInUse):
		return cli.ExitUsage
	case errors.As(err, &authErr), errors.Is(err, driver.ErrBadPassword):
		return cli.ExitAuth
	case errors.As(err, &privErr), errors.As(err, &cmdErr):
		return cli.ExitRefused
	case errors.As(err, &hostKeyErr), errors.As(err, &algErr), errors.As(err, &opErr), errors.As(err, &dnsErr),
		errors.Is(err, context.DeadlineExceeded):
		return cli.ExitUnreachable
	case errors.Is(err, context.Canceled):
		return cli.ExitInterrupted
	}
	return cli.ExitFailure
}

// passwordSources says where each secret of a [*driver.PasswordError]
// comes from.
var passwordSources = map[string]string{
	rtx.SecretLogin: fmt.Sprintf("the login password (%s or --password-file)", cli.PasswordEnv),
	rtx.SecretAdmin: fmt.Sprintf("the administrator password (%s or --admin-password-file)", cli.AdminPasswordEnv),
}

// passwordHint names the passwords a password question was answered with:
// those that were not set when some were missing, else all that were sent.
func passwordHint(e *driver.PasswordError) string {
	verb, names := "check", e.Secrets
	if len(e.Missing) > 0 {
		verb, names = "set", e.Missing
	}
	if len(names) == 0 {
		names = []string{rtx.SecretAdmin}
	}
	parts := make([]string, 0, len(names))
	for _, n := range names {
		src, ok := passwordSources[n]
		if !ok {
			src = "the " + n + " password"
		}
		parts = append(parts, src)
	}
	return verb + " " + strings.Join(parts, " and ")
}

// hint returns advice for err, or "".
func hint(err error, cmd *cobra.Command) string {
	var (
		flagErr     *cli.FlagError
		authErr     *transport.AuthError
		hostKeyErr  *transport.HostKeyError
		algErr      *transport.AlgorithmError
		conflictErr *rtx.FilterConflictError
		peerErr     *rtx.PeerASError
		heldErr     *lock.HeldError
		pwErr       *driver.PasswordError
		limitErr    *channel.OutputLimitError
		timeoutErr  *channel.TimeoutError
	)
	switch {
	case errors.As(err, &conflictErr) && conflictErr.FreeID != 0:
		return fmt.Sprintf("rerun with --filter-id %d, or free filter %d first", conflictErr.FreeID, conflictErr.ID)
	case errors.As(err, &peerErr) && len(peerErr.Neighbors) > 0:
		return "choose the Azure side's AS with --peer-as AS (or peer_as in the config file)"
	case errors.As(err, &heldErr):
		return "wait for the other rtxctl to finish, or raise --lock-wait"
	case errors.As(err, &algErr) && !algErr.Legacy:
		return "old firmware offers only SHA-1 and CBC algorithms: rerun with --legacy-ssh-algorithms (or legacy_ssh_algorithms: true in the config file)"
	case errors.As(err, &hostKeyErr) && hostKeyErr.Revoked:
		return fmt.Sprintf("someone marked this key as revoked in %s: do not connect until the router has a new key, and ask why", hostKeyErr.KnownHostsFile)
	case errors.As(err, &hostKeyErr) && hostKeyErr.Unknown:
		return "compare the fingerprint with `show sshd host key` on the router's console, then rerun with --accept-new-host-key"
	case errors.As(err, &hostKeyErr):
		return fmt.Sprintf("if the router's key really changed, remove its old entry from %s (ssh-keygen -R HOST)", hostKeyErr.KnownHostsFile)
	case errors.As(err, &authErr):
		return fmt.Sprintf("check --user and the login password (%s or --password-file)", cli.PasswordEnv)
	case errors.As(err, &pwErr):
		return passwordHint(pwErr)
	case errors.Is(err, driver.ErrBadPassword):
		return "check " + passwordSources[rtx.SecretAdmin]
	case errors.As(err, &limitErr):
		return "if the command's output really is that long, raise --max-output"
	case errors.As(err, &timeoutErr) && timeoutErr.Sending:
		return "the router kept sending without a prompt; if the output really is that long, raise --timeout (and --max-output)"
	case errors.Is(err, context.DeadlineExceeded):
		return "the router did not answer in time; check the address or raise --timeout"
	case errors.As(err, &flagErr) && passwordFlag(flagErr):
		return fmt.Sprintf("rtxctl takes no password on the command line, where other users can read it: set %s (and %s), "+
			"use --password-file (and --admin-password-file) or password_file in the config file, or type it when asked on a terminal",
			cli.PasswordEnv, cli.AdminPasswordEnv)
	case errors.As(err, &flagErr) && cmd != nil:
		return fmt.Sprintf("run '%s --help' for usage", cmd.CommandPath())
	}
	return ""
}

// passwordFlag reports whether e is the unknown flag --password or
// --admin-password.
func passwordFlag(e *cli.FlagError) bool {
	msg := e.Error()
	return msg == "unknown flag: --password" || msg == "unknown flag: --admin-password"
}

// jsonError is the -o json error object; see docs/json.md.
type jsonError struct {
	SchemaVersion int `json:"schema_version"`
	Error         struct {
		Message  string `json:"message"`
		ExitCode int    `json:"exit_code"`
		Hint     string `json:"hint,omitempty"`
	} `json:"error"`
}

// PrintError reports err once: as "rtxctl: MESSAGE" (and maybe a "hint:"
// line) on standard error, or, when the command was run with -o json, as a
// JSON object {"error": {"message", "exit_code", "hint"}} on standard
// output, so that scripts always read one JSON document there.
func PrintError(ios *iostreams.IOStreams, cmd *cobra.Command, err error, code int) {
	h := hint(err, cmd)
	if wantsJSON(cmd) {
		e := jsonError{SchemaVersion: cli.SchemaVersion}
		e.Error.Message, e.Error.ExitCode, e.Error.Hint = err.Error(), code, h
		enc := json.NewEncoder(ios.Out)
		if enc.Encode(e) == nil {
			return
		}
	}
	fmt.Fprintf(ios.ErrOut, "rtxctl: %v\n", err)
	if h != "" {
		fmt.Fprintf(ios.ErrOut, "hint: %s\n", h)
	}
}

func wantsJSON(cmd *cobra.Command) bool {
	if cmd == nil {
		return false
	}
	fl := cmd.Flags().Lookup("output")
	return fl != nil && fl.Value.String() == cli.OutputJSON
}
