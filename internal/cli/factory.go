// Package cli holds what every rtxctl command shares: the [Factory] of
// lazily built dependencies, the connection flags, secrets handling and the
// error types that decide the exit status.
package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Factory holds the dependencies commands use, built lazily so that nothing
// is read or dialled until a command asks. Tests build their own Factory
// with fakes.
type Factory struct {
	IO *iostreams.IOStreams
	// ConfigFile is the configuration file given with --config; "" means
	// the default location, where a missing file is not an error.
	ConfigFile string
	// Config loads the configuration file once and returns it.
	Config func() (*config.Config, error)
	// Connect opens a logged-in console session.
	Connect ConnectFunc
	// LookupEnv looks up an environment variable.
	LookupEnv func(string) (string, bool)
	// Now returns the current time.
	Now func() time.Time
	// ExitCode maps a command's error to its exit status
	// (docs/exit-codes.md); a run over several routers reports each router's.
	// Nil counts every error as a failure (1).
	ExitCode func(error) int
	// Subcommand runs rtxctl with args ("confirm", ROUTER, flags...) on f, so
	// that a command can finish its work with another one without importing
	// it; set by the root command.
	Subcommand func(ctx context.Context, f *Factory, args []string) error
}

// NewFactory returns the production wiring: the process's streams and
// environment, the configuration file and real router connections.
func NewFactory() *Factory {
	f := &Factory{
		IO:        iostreams.System(),
		LookupEnv: os.LookupEnv,
		Now:       time.Now,
	}
	f.Config = sync.OnceValues(f.loadConfig)
	f.Connect = f.connect
	return f
}

func (f *Factory) getenv(key string) string {
	v, _ := f.LookupEnv(key)
	return v
}

func (f *Factory) loadConfig() (*config.Config, error) {
	if f.ConfigFile != "" {
		return config.Load(f.ConfigFile, true)
	}
	home, err := os.UserHomeDir()
	if err != nil && f.getenv("XDG_CONFIG_HOME") == "" {
		return &config.Config{}, nil
	}
	return config.Load(config.DefaultPath(f.getenv, home), false)
}

// connect reads the secrets t needs, then dials and logs in within t's
// timeout.
func (f *Factory) connect(ctx context.Context, t Target) (*rtx.Client, error) {
	home, _ := os.UserHomeDir()
	agent := f.getenv("SSH_AUTH_SOCK")
	ssh := t.Transport == "ssh"
	password, err := ReadSecret(f.IO, f.LookupEnv, Secret{
		What:     "login password",
		File:     config.ExpandHome(t.PasswordFile, home),
		FileFlag: "--password-file",
		Env:      PasswordEnv,
		Optional: ssh && (len(t.Identity) > 0 || agent != ""),
	})
	if err != nil {
		return nil, err
	}
	var adminPassword string
	if t.Admin {
		adminPassword, err = ReadSecret(f.IO, f.LookupEnv, Secret{
			What:     "administrator password",
			File:     config.ExpandHome(t.AdminPasswordFile, home),
			FileFlag: "--admin-password-file",
			Env:      AdminPasswordEnv,
		})
		if err != nil {
			return nil, err
		}
	}
	var logger *slog.Logger
	if t.Debug {
		logger = slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	keyFiles := make([]string, len(t.Identity))
	for i, k := range t.Identity {
		keyFiles[i] = config.ExpandHome(k, home)
	}
	encoding := t.Encoding
	if encoding == "auto" {
		encoding = ""
	}
	cfg := rtx.Config{
		Transport:     t.Transport,
		Addr:          t.Addr(),
		User:          t.User,
		Password:      password,
		AdminPassword: adminPassword,
		SSH: transport.SSHConfig{
			KeyFiles:              keyFiles,
			AgentSocket:           agent,
			KnownHostsFile:        config.ExpandHome(t.KnownHosts, home),
			AcceptNewHostKey:      t.AcceptNewHostKey,
			HostKeyAdded:          f.hostKeyAdded,
			InsecureIgnoreHostKey: t.InsecureIgnoreHostKey,
			LegacyAlgorithms:      t.LegacySSHAlgorithms,
			Logger:                logger,
		},
		Telnet:       transport.TelnetConfig{Logger: logger},
		Encoding:     encoding,
		LeaveConsole: t.ReadOnly,
		Transcript:   t.Transcript,
		MaxOutput:    t.MaxOutput,
		Logger:       logger,
	}
	ctx, cancel := t.WithTimeout(ctx)
	defer cancel()
	return rtx.Dial(ctx, cfg)
}

// hostKeyAdded tells the user, as OpenSSH does, which key
// --accept-new-host-key trusted and where it was recorded.
func (f *Factory) hostKeyAdded(k transport.AddedHostKey) {
	fmt.Fprintf(f.IO.ErrOut, "Permanently added '%s' (%s %s) to the list of known hosts (%s).\n", k.Host, keyTypeName(k.KeyType), k.Fingerprint, k.KnownHostsFile)
}

// keyTypeName returns the short name OpenSSH shows for an SSH key
// algorithm: "ED25519" for "ssh-ed25519", "RSA", "ECDSA"; an unknown
// algorithm as it is.
func keyTypeName(algo string) string {
	switch {
	case algo == "ssh-ed25519":
		return "ED25519"
	case algo == "ssh-rsa":
		return "RSA"
	case strings.HasPrefix(algo, "ecdsa-"):
		return "ECDSA"
	}
	return algo
}
