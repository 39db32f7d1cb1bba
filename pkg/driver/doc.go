// Package driver runs commands on a network device's console without knowing
// which device it is.
//
// It sits on top of pkg/channel and below device packages such as pkg/rtx;
// it imports only pkg/channel, the standard library and golang.org/x/text.
// Everything device-specific arrives as data in a [Platform]: the privilege
// levels (name, prompt, escalation command and password prompt, de-escalation
// command, previous level), interim questions answered with a single key
// (for example a "(Y/N)" save question when leaving a level) or, for
// password questions some commands ask, with named secrets registered by
// [Driver.SetSecret] (a rejected answer is a [*PasswordError]), the error-line
// marker, informational lines to drop, and commands whose output may contain
// text that looks like a prompt. The driver walks this data; nothing in it
// names a particular device.
//
// [Driver.Run] is one round trip: it writes the command line and reads to the
// next prompt. It strips the echo (which may be wrapped, carry a trailing
// space or be redrawn with escape sequences), the prompt and filtered lines,
// undoes hard wrapping at the console width, and turns an error line into a
// [*CommandError].
//
// Usage:
//
//	d, err := driver.New(ch, platform, "user")
//	if err := d.Escalate(ctx, "admin", password); err != nil { ... }
//	out, err := d.Run(ctx, "show config")
//
// A Driver is not safe for concurrent use.
package driver
