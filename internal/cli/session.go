package cli

import (
	"context"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Session adapts a console session to the pkg/rtx operations: every command
// (and `save`) gets the per-operation deadline Timeout on top of the
// caller's context, status text is read in English ([rtx.StatusRunner]),
// and the saved configuration can be read, so that [rtx.ReadTunnelStatus]
// compares it with the running one and names the one the router boots
// from. A zero Timeout
// adds no deadline. It is not safe for concurrent use, like the client.
type Session struct {
	Client  *rtx.Client
	Timeout time.Duration
}

func (s Session) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.Timeout)
}

// Run runs one console command within the per-operation deadline.
func (s Session) Run(ctx context.Context, cmd string) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.Client.Run(ctx, cmd)
}

// Save saves the running configuration within the per-operation deadline.
func (s Session) Save(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.Client.Save(ctx)
}

// RunStatus runs one command whose output is parsed, in English, within
// the per-operation deadline (see [rtx.Client.RunStatus]).
func (s Session) RunStatus(ctx context.Context, cmd string) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.Client.RunStatus(ctx, cmd)
}

// ConfigFiles returns the saved configurations the router runs and boots
// from, within the per-operation deadline (see [rtx.Client.ConfigFiles]).
func (s Session) ConfigFiles(ctx context.Context) (rtx.ConfigFiles, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.Client.ConfigFiles(ctx)
}

// Info returns the model and revision announced at login.
func (s Session) Info() rtx.Info { return s.Client.Info() }

// SavedConfig returns the text of the saved configuration the router
// booted from, within the per-operation deadline (see
// [rtx.Client.SavedConfig]: `show config N`, password questions answered).
func (s Session) SavedConfig(ctx context.Context) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.Client.SavedConfig(ctx)
}
