package rtx

// TEMPORARY CONTRACT STUB: replaced by the real implementation (see docs/architecture.md).

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/rtxctl/rtxctl/pkg/transport"
)

// Config says how to reach and log into a router.
type Config struct {
	Transport     string // "ssh" (zero value) or "telnet"
	Addr          string // host:port
	User          string // login user; "" = anonymous (Telnet only)
	Password      string // login password
	AdminPassword string // administrator password
	SSH           transport.SSHConfig
	Telnet        transport.TelnetConfig
	Encoding      string    // "" = detect from console character
	Transcript    io.Writer // nil = none; secrets are redacted
	Logger        *slog.Logger
}

// Info describes the router as announced in its login banner.
type Info struct {
	Model    string
	Revision string
	Banner   string
}

// Client is a logged-in console session.
type Client struct{}

var errStub = errors.New("not implemented")

// Dial connects and logs in.
func Dial(ctx context.Context, cfg Config) (*Client, error) { return nil, errStub }

// Info returns the banner information.
func (c *Client) Info() Info { return Info{} }

// Administrator enters administrator mode.
func (c *Client) Administrator(ctx context.Context) error { return errStub }

// Run runs one command and returns its output.
func (c *Client) Run(ctx context.Context, cmd string) (string, error) { return "", errStub }

// Save restores console settings and saves.
func (c *Client) Save(ctx context.Context) error { return errStub }

// Close logs out.
func (c *Client) Close() error { return errStub }
