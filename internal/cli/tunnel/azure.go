package tunnel

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtxctl/rtxctl/internal/azureopts"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// azureAfter waits (--azure) until Azure has learned or withdrawn the
// default route after the verified change, showing what is still missing
// like the other waits (a status line on a terminal, lines with -v), and
// returns the report (nil without --azure) and an error with exit status
// 13 when Azure disagrees. The status line is erased when it returns.
func (c *change) azureAfter(ctx context.Context) (*azure.Report, error) {
	s := &c.opts.Azure
	if !s.Enabled {
		return nil, nil
	}
	return s.AfterChange(ctx, c.reporter, azureopts.RouterState(c.opts.Want), s.Timeout)
}

// writeAzure prints the Azure check after the text result (JSON carries it
// under "azure" in the result).
func (c *change) writeAzure(rep *azure.Report) error {
	if rep == nil || c.json() {
		return nil
	}
	return azureopts.WriteReport(c.opts.IO.Out, rep)
}

// undoForAzure puts the previous BGP lines back after a verified but unsaved
// change that Azure disagrees with (--azure-required): the opposite plan on
// what the router runs now, applied and verified, nothing saved. The error
// says what the router runs and has saved; it unwraps to azErr.
func (c *change) undoForAzure(ctx context.Context, plan *rtx.TunnelPlan, azErr error) error {
	if azErr == nil {
		azErr = errors.New("the Azure side could not be checked")
	}
	azErr = fmt.Errorf("%w (--azure-required: the change is undone)", azErr)
	c.notef("Azure disagrees and --azure-required is given: undoing the change at %s", c.host)
	running, err := c.revertBGP(ctx, plan)
	if err != nil {
		return &ChangeError{Host: c.host, Want: plan.Want, Running: string(plan.Want) + " (undoing it failed: " + err.Error() + ")", Saved: stateUnchanged, Err: azErr}
	}
	return &ChangeError{Host: c.host, Want: plan.Want, Running: running, Saved: stateUnchanged, Err: azErr}
}

// revertBGP applies the opposite of plan to the running configuration and
// returns the running state to report.
func (c *change) revertBGP(ctx context.Context, plan *rtx.TunnelPlan) (string, error) {
	text, err := c.sess.Run(ctx, cmdShowConfig)
	if err != nil {
		return "", err
	}
	sc, err := rtx.ParseShowConfig(text)
	if err != nil {
		return "", err
	}
	back, err := rtx.PlanTunnel(sc.BGP(), opposite(plan.Want), rtx.PlanOptions{PeerAS: plan.PeerAS, FilterID: plan.FilterID, Match: plan.Match})
	if err != nil {
		return "", err
	}
	if _, err := rtx.ApplyTunnel(ctx, c.sess, back, rtx.ApplyOptions{VerifyTimeout: c.opts.VerifyTimeout, RollbackTimer: -1, NoSave: true, Progress: c.progress}); err != nil {
		return "", err
	}
	return runningReverted, nil
}

// opposite is the other forced-tunnelling state.
func opposite(want rtx.TunnelState) rtx.TunnelState {
	if want == rtx.TunnelOn {
		return rtx.TunnelOff
	}
	return rtx.TunnelOn
}
