package rtx

import "context"

// The interfaces through which the operations of this package reach a
// router. *Client implements all of them; callers wrap it (to bound each
// operation, say) or replace it in tests. An operation takes the smallest
// interface it needs and checks for the optional ones (StatusRunner,
// SavedConfigReader, ConfigFileReader) with a type assertion.

// Commander runs one console command and returns its output. *Client
// implements it; a router error line makes Run return a *driver.CommandError.
type Commander interface {
	Run(ctx context.Context, cmd string) (string, error)
}

// ConfigSession is what [ApplyTunnel] drives: console commands and `save`.
// *Client implements it.
type ConfigSession interface {
	Commander
	// Save restores the console settings changed for automation, then saves
	// the running configuration.
	Save(ctx context.Context) error
}

// StatusRunner is implemented by sessions that can read status output in
// English whatever the router's console language ([Client.RunStatus]).
// The operations of this package run the status commands whose text they
// parse (`show status ...`, `show environment`) through it when r
// implements it, and through Run otherwise.
type StatusRunner interface {
	RunStatus(ctx context.Context, cmd string) (string, error)
}

// SavedConfigReader is implemented by routers that can return the saved
// startup configuration, or at least its `bgp` lines (for example with
// `show config 0 | grep bgp`, answering any password prompt it asks).
// [ReadTunnelStatus] uses it, when available, to report whether the running
// BGP lines are saved; without it TunnelStatus.SavedChecked is false.
// `show config difference` is not used: its output format is not known.
type SavedConfigReader interface {
	SavedConfig(ctx context.Context) (string, error)
}

// ConfigFileReader is implemented by routers that can tell which saved
// configuration they run and which they boot from ([Client.ConfigFiles]).
// [ReadTunnelStatus] reports them when r implements it.
type ConfigFileReader interface {
	ConfigFiles(ctx context.Context) (ConfigFiles, error)
}

// infoer is implemented by *Client; it supplies model and revision.
type infoer interface {
	Info() Info
}
