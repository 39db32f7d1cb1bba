// Package rtx drives a YAMAHA RTX router's console: it knows the RTX
// platform (prompts, privilege levels, error lines, pager markers, the
// Telnet login dialogue, console settings) and offers the operations rtxctl
// needs: [Dial] (login, banner → model and revision, console preparation),
// [Client.Administrator], [Client.Run], [Client.Save] and [Client.Close],
// plus the `show config` parser, the BGP model and forced-tunnel status,
// plan and apply built on [Client.Run] and [Client.Save].
//
// Layer: above pkg/driver, pkg/channel and pkg/transport; below
// internal/cli. It never prints, reads the environment or stdin, or exits.
// The fake router in pkg/rtx/rtxtest imports none of these packages.
//
// Usage:
//
//	c, err := rtx.Dial(ctx, rtx.Config{Transport: "ssh", Addr: addr, User: user, Password: pw, AdminPassword: apw})
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//	if err := c.Administrator(ctx); err != nil {
//		return err
//	}
//	out, err := c.Run(ctx, "show config | grep bgp")
//
// A session never persists its own console tweaks: `console lines`,
// `console columns` and `console character` (switched to English ASCII
// while status text is read, [Client.RunStatus]) are restored to their
// original lines before every `save` and before logging out.
//
// Timed rollback: [ApplyTunnel] with ApplyOptions.Pending leaves a verified
// change unsaved and pending. [ArmScheduledRollback] arms, before the change, a
// `schedule at` entry that loads the saved configuration (or, when allowed,
// restarts the router) at the deadline, computed from the router clock
// ([ReadClock]); [ConfirmPending] removes the entry and then saves;
// [RollbackPending] restores the recorded BGP lines ([RestoreBGP]) and then
// removes the entry. Nothing is saved while the entry is armed. Firmware
// without the needed commands gives [ErrNoScheduledRollback]; the caller then
// relies on its own deadline. docs/rollback.md describes the mechanisms and
// their races.
//
// # Glossary
//
// "Rollback" names four different things; the code keeps them apart:
//
//   - rollback timer: the router's own session timer (`rollback timer N`),
//     which puts back the configuration of the session if the change is not
//     confirmed in time. [ApplyTunnel] arms it around a change when the
//     firmware has it (FirmwareFeatures.RollbackTimer,
//     ApplyResult.RollbackTimer).
//   - scheduled rollback: a `schedule at` entry that loads the saved
//     configuration (or restarts the router) at a deadline, so that a pending
//     change is undone even if rtxctl never comes back ([ScheduledRollback],
//     [ArmScheduledRollback], [DisarmScheduledRollback], [ScheduleSupport]).
//   - pending rollback: undoing a change left pending, on request or from
//     cron, by restoring the BGP lines recorded before it and removing its
//     scheduled rollback ([RollbackPending], [RollbackResult]; `rtxctl
//     rollback`).
//   - revert: what [ApplyTunnel] does itself when verification fails or the
//     run is cut off: it sends the previous lines back (ApplyError.Running
//     "reverted", ApplyError.RevertErr, [DefaultRevertTimeout]).
//
// Other names: [ConfigSession] is what an operation that changes the
// configuration drives (the fake device is rtxtest.Router, a different
// thing); [NeighborSession] is one block of `show status bgp neighbor` as
// printed, [NeighborState] what rtxctl reports of one neighbor of the peer
// AS; [Support] is a yes/no/unknown answer used by [FirmwareFeatures]
// (learned by trying) and [ScheduleSupport] (from the firmware table). The
// interfaces through which operations reach a router are all in
// interfaces.go.
package rtx
