package driver

import (
	"fmt"
	"regexp"
	"time"
)

// Level is one privilege level of a device console.
type Level struct {
	// Name identifies the level, e.g. "user" or "admin".
	Name string
	// Prompt matches the level's prompt at the end of the received text,
	// including the line end before it (so the prompt is not part of the
	// output).
	Prompt *regexp.Regexp
	// Previous names the level this one is entered from; "" for the level a
	// session starts in.
	Previous string
	// Escalate is the command that enters this level from Previous.
	Escalate string
	// PasswordPrompt matches the password question Escalate may ask; nil if
	// it never asks.
	PasswordPrompt *regexp.Regexp
	// Deescalate is the command that returns to Previous.
	Deescalate string
}

// Question is an interim question a device may ask before showing the next
// prompt, such as "Save new configuration ? (Y/N)". It is answered with a
// single key and no Enter, or, for a password question (Secrets set), with a
// secret line.
type Question struct {
	Pattern *regexp.Regexp // matched at the end of the received text
	Answer  string         // key sent in reply when Secrets is empty
	// Command, if not nil, limits the question to the commands it matches;
	// nil means it may follow any command and any change of level.
	Command *regexp.Regexp
	// Secrets, if not empty, makes this a password question: the Nth time
	// it is asked while one command runs, the secret registered under
	// Secrets[N] with [Driver.SetSecret] is sent as a hidden line (an unset
	// secret as an empty line). Asked more often than listed, it is answered
	// with empty lines until the device gives up, and the command fails
	// with a [*PasswordError]; so does an error line after the answers.
	Secrets []string
}

// Filter drops informational lines from the output of some commands, such
// as the "Searching ..." line a "| grep" pipe prints first.
type Filter struct {
	Command *regexp.Regexp // commands the filter applies to
	Line    *regexp.Regexp // output lines to drop
}

// Platform describes a device console as data. The zero value has no levels
// and is not usable.
type Platform struct {
	// Levels lists the privilege levels; prompts must be distinct.
	Levels []Level
	// Questions are answered whenever they appear while a command runs or a
	// level is left (only those whose Command matches, if set). A more
	// specific pattern must come before one that matches its end.
	Questions []Question
	// ErrorLine matches an output line that reports a failed command.
	ErrorLine *regexp.Regexp
	// Filters remove informational output lines.
	Filters []Filter
	// PromptLikeOutput matches commands whose output may contain text that
	// also matches a prompt. For them a prompt match is accepted only after
	// Quiet of silence (see channel.Expect), unless PromptLikeLine rules the
	// ambiguity out; nil means no such commands.
	PromptLikeOutput *regexp.Regexp
	// PromptLikeLine matches the output lines that can look like a prompt
	// when a read ends inside them (such as "# " comment lines). Such lines
	// must only ever precede all other output: once the output holds a line
	// it does not match, a prompt match is accepted at once. Nil means any
	// prompt match of a PromptLikeOutput command waits for Quiet.
	PromptLikeLine *regexp.Regexp
	// PromptLikeNeverAlone matches the PromptLikeOutput commands whose
	// output never consists of PromptLikeLine lines alone (more always
	// follows): for them a prompt match while the output holds only such
	// lines is output, not the prompt. Nil means none.
	PromptLikeNeverAlone *regexp.Regexp
	// FreeText matches commands whose output lines may begin with any text
	// (a log, a command history), so that any prompt match may be output:
	// each one settles with silence (and is probed, see Probe). Nil means
	// none.
	FreeText *regexp.Regexp
	// PromptChange matches commands that change the text of the prompt
	// without changing the level (such as selecting a peer whose number the
	// prompt shows). After any other command the prompt must read exactly
	// as before it, besides the levels' Escalate and Deescalate commands.
	// Nil means none.
	PromptChange *regexp.Regexp
	// Quiet is the silence that settles such a match; zero means
	// channel.DefaultQuiet.
	Quiet time.Duration
	// Probe, if set, confirms a prompt match that silence settled before
	// the reply to a command ends there: the driver sends an empty line,
	// which a device waiting at its prompt answers at once with a line end
	// and the same prompt, while a device that only paused in its output
	// sends the rest of it first. So no pause, however long, ends a command
	// early. The device must keep lines typed while it prints (as RTX
	// routers and terminals do); an empty line typed while the output was
	// paged goes to the pager, which the driver notices.
	Probe bool
	// Columns is the console width (`console columns`) by which the device
	// hard-wraps lines: a physical line holds Columns - 1 or Columns
	// display columns (the driver accepts both and learns which); zero
	// disables unwrapping. See [Driver.SetColumns].
	Columns int
	// Lines tell, for the output of some commands, which physical lines can
	// begin a logical line; the first rule whose Command matches applies.
	// Where none does, or a rule answers [LineUnknown], the width alone
	// decides whether a line was hard-wrapped.
	Lines []LineRule
}

// LineStart says whether a physical output line can begin a logical line.
type LineStart int

const (
	// LineUnknown means the line may begin a logical line or continue one.
	LineUnknown LineStart = iota
	// LineStarts means the line can only begin a logical line: it is not
	// joined to a full-width line before it.
	LineStarts
	// LineContinues means the line cannot begin a logical line: after a
	// full-width line it is that line's continuation (an empty one is an
	// extra line end the device printed after a line that filled the
	// width exactly).
	LineContinues
)

// LineRule classifies the physical output lines of the commands Command
// matches: device knowledge that tells a line which happens to fill the
// console width from one the device hard-wrapped.
type LineRule struct {
	Command *regexp.Regexp
	// Start classifies line. before holds the logical lines of the output
	// so far; its last element is the one line would continue (complete or
	// not). Start must not modify before.
	Start func(before []string, line string) LineStart
}

func (p *Platform) level(name string) (*Level, error) {
	for i := range p.Levels {
		if p.Levels[i].Name == name {
			return &p.Levels[i], nil
		}
	}
	return nil, fmt.Errorf("unknown privilege level %q", name)
}
