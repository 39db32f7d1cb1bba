package azureopts

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Side is the Azure side of a router command: `status --azure` adds the
// check to the router's status, and `tunnel on|off --azure` waits after the
// change until Azure has learned or withdrawn the default route
// (--azure-required: a disagreement is a failed verification, and the
// change is undone). The zero value is off.
type Side struct {
	Options
	Enabled  bool // --azure
	Required bool // --azure-required; implies Enabled
	// Timeout bounds the wait for Azure after a change, and the check
	// (--azure-timeout).
	Timeout time.Duration
}

// DefaultTimeout is the default --azure-timeout: a gateway takes from
// seconds to a minute or two to learn a route.
const DefaultTimeout = 2 * time.Minute

// AddStatusFlags registers --azure and the flags of the check.
func (s *Side) AddStatusFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&s.Enabled, "azure", false, "also check the Azure side: the gateway's BGP session and learned routes, the NICs' effective routes (docs/azure.md)")
	s.AddCheckFlags(fs)
	fs.DurationVar(&s.Timeout, "azure-timeout", DefaultTimeout, "how long to wait for Azure to learn or withdraw the default route, and for its answers")
}

// AddTunnelFlags registers AddStatusFlags's flags and --azure-required.
func (s *Side) AddTunnelFlags(fs *pflag.FlagSet) {
	s.AddStatusFlags(fs)
	fs.BoolVar(&s.Required, "azure-required", false, "with --azure, undo the change when Azure disagrees (like a failed verification)")
}

// Prepare takes the settings no flag gave from a, the router's azure
// settings in the config file, and checks them when the side is enabled;
// the error is a *[cli.FlagError].
func (s *Side) Prepare(a config.Azure) error {
	s.Enabled = s.Enabled || s.Required
	if !s.Enabled {
		return nil
	}
	s.Resolve(a)
	return s.Require("subscription", "resource-group", "gateway")
}

// RouterState is the state Azure is judged against for the router's
// forced-tunnelling state: on, off, or unknown when it is partial.
func RouterState(t rtx.TunnelState) azure.State {
	switch t {
	case rtx.TunnelOn:
		return azure.On
	case rtx.TunnelOff:
		return azure.Off
	}
	return azure.Unknown
}

// AfterChange waits, at most timeout, until Azure has learned (want
// azure.On) or withdrawn (azure.Off) the default route, showing what is
// still missing on shown (see [Options.WaitFor]), and returns the report. The error has exit status 13
// when any check fails, missing KMS routes included; the report is
// returned with it when there is one. Whether the change is undone is
// [Side.Undo]'s decision, not this error's.
func (s *Side) AfterChange(ctx context.Context, shown *progress.Reporter, want azure.State, timeout time.Duration) (*azure.Report, error) {
	rep, err := s.WaitFor(ctx, shown, want, timeout)
	if err != nil {
		return rep, err
	}
	return rep, Disagrees(rep)
}

// Undo reports whether the change must be undone after AfterChange
// returned rep: with --azure-required, when a check of the route itself
// failed (see [RouteFailed]), or when Azure gave no report at all.
// Missing KMS routes never undo a change: forced tunnelling works without
// them, only Windows activation does not, and they are reported (exit
// status 13) all the same.
func (s *Side) Undo(rep *azure.Report) bool {
	return s.Required && (rep == nil || RouteFailed(rep))
}

// RouteFailed reports whether a check of the route failed: the BGP
// session, the learned default route, or a NIC's default route; not the
// KMS routes.
func RouteFailed(rep *azure.Report) bool {
	return slices.ContainsFunc(rep.Checks, func(c azure.Check) bool {
		return c.Verdict == azure.VerdictFail && !strings.HasPrefix(c.Name, kmsCheck)
	})
}

// kmsCheck starts the name of a NIC's KMS routes check.
const kmsCheck = "kms "
