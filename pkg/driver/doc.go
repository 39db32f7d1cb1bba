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
// undoes hard wrapping, and turns an error line into a [*CommandError].
//
// Devices break lines after Platform.Columns - 1 display columns (every
// real router seen) or after Columns, in output and in the echo; the
// driver accepts both and learns, per session, which one the device uses
// and whether it prints an empty line after a line that fills the width
// exactly. Where a physical line could be a whole line or a wrapped one,
// the platform's line rules ([LineRule]) tell from the line after it.
//
// # Prompt detection
//
// A prompt is matched at the very end of the text received so far, so a
// line of output that begins like a prompt can match when a read happens to
// end right after that beginning. Such a match must never end a command: its
// output would be cut short and the rest read as the reply to the next one.
// Besides the prompt patterns, the driver uses what the session knows, in
// this order, for every match of a level's prompt (questions and extra
// patterns are taken as they come):
//
//  1. The exact prompt. The driver keeps the text of the last prompt read
//     (with the prefix learned at login and the peer of `pp1# `). Unless the
//     command may change it (a level's Escalate or Deescalate command, an
//     empty answer line, or a command [Platform].PromptChange matches), the
//     prompt after a command reads exactly as before: a match with any other
//     text (another level's prompt, another peer, another prefix) is output.
//  2. The echo. A reply starts with the echo of the command sent: while
//     the text before a match is a proper beginning of that echo (line ends
//     of hard wrapping ignored), the match is part of the echo.
//  3. The command's shape. For commands [Platform].PromptLikeOutput
//     matches, whose output starts with prompt-like lines
//     ([Platform].PromptLikeLine, such as the "# " header of `show config`
//     when the prompt is a bare "# "), a match while the output holds only
//     such lines is output if the command always prints more
//     ([Platform].PromptLikeNeverAlone), and otherwise is settled by
//     silence (below). For commands whose output is free text
//     ([Platform].FreeText, such as a log), every match is settled by
//     silence and probed.
//  4. The wrap width. A match right after a physical line that may fill the
//     console width may be that line's continuation: it is output when the
//     device is known to print an empty line after a line that fills the
//     width exactly, and otherwise is settled by silence and probed. The
//     first line of a reply is counted with the prompt before it.
//
// Any other match is the prompt, at once. A match settled by silence is
// taken as the prompt only after [Platform].Quiet passes with no further
// byte (a real prompt is the last thing the device sends before it waits);
// any byte resumes the read. With [Platform].Probe a match of rule 3's free
// text or of rule 4 is then confirmed: the driver types an empty line,
// which a device waiting at that prompt answers at once with a line end
// and the same prompt, while a device that only paused sends the rest of
// its output first (then the prompt and that answer, which is consumed). So
// a pause, however long, does not end such a command early. The remaining
// risks are narrow: two consecutive lines of output that each read exactly
// as the prompt; without Probe (while the console pages, so that a line
// typed ahead would go to the pager), a pause longer than Quiet at a match
// rule 3 or 4 settles; and a line of output that begins with the exact
// prompt when the command is not one the platform describes.
//
// Usage:
//
//	d, err := driver.New(ch, platform, "user")
//	if err := d.Escalate(ctx, "admin", password); err != nil { ... }
//	out, err := d.Run(ctx, "show config")
//
// A Driver is not safe for concurrent use.
package driver
