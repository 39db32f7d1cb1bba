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
// A session never persists its own console tweaks: `console lines` and
// `console columns` are restored to their original lines before every
// `save` and before logging out.
package rtx
