package driver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/rtxctl/rtxctl/pkg/channel"
)

// Driver runs commands over a [channel.Channel] according to a [Platform].
// It does not own the channel: the caller closes it.
type Driver struct {
	ch      *channel.Channel
	p       Platform
	log     *slog.Logger
	level   string
	columns int
	// owed counts prompts the device still owes for lines whose reply was
	// cut short by a context; owedCmd is the last such command.
	owed    int
	owedCmd string
	secrets map[string]string // answers to password questions, by name
	wrap    wrapping          // what the session learned of the device's hard wrapping
	// prompt is the text of the last prompt read (without the line end
	// before it); "" until one was.
	prompt string
}

// New returns a Driver for a session currently at the level named level.
// A nil logger discards debug records.
func New(ch *channel.Channel, p Platform, level string, log *slog.Logger) (*Driver, error) {
	if _, err := p.level(level); err != nil {
		return nil, fmt.Errorf("new driver: %w", err)
	}
	for _, l := range p.Levels {
		if l.Prompt == nil {
			return nil, fmt.Errorf("new driver: level %q has no prompt", l.Name)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ch.SetColumns(p.Columns)
	return &Driver{ch: ch, p: p, log: log, level: level, columns: p.Columns}, nil
}

// Level returns the name of the current privilege level.
func (d *Driver) Level() string { return d.level }

// SetSecret registers the answer to the password questions that name it
// (see [Question.Secrets]) and has the channel redact it. An empty value
// unsets it: such questions are then answered with an empty line.
func (d *Driver) SetSecret(name, value string) {
	if d.secrets == nil {
		d.secrets = map[string]string{}
	}
	d.secrets[name] = value
	if value != "" {
		d.ch.Redact(value)
	}
}

// SetProbe turns the confirmation of prompts that silence settled on or
// off (see [Platform].Probe), as the device's paging allows: while the
// console pages, a line typed ahead would go to the pager.
func (d *Driver) SetProbe(on bool) { d.p.Probe = on }

// SetColumns tells the driver the console width the device now wraps at;
// zero disables unwrapping.
func (d *Driver) SetColumns(n int) {
	d.columns = n
	d.ch.SetColumns(n)
}

// cutShort records that the reply to cmd was not read to its prompt because
// the context ended: the device still sends it, and the next call must read
// past it first so that replies do not shift by one.
func (d *Driver) cutShort(cmd string, err error) {
	var te *channel.TimeoutError
	if errors.As(err, &te) {
		d.owed++
		d.owedCmd = cmd
	}
}

// resync reads the prompts still owed for replies cut short earlier. A
// password question left waiting is answered with an empty line.
func (d *Driver) resync(ctx context.Context) error {
	var questions []*regexp.Regexp
	for _, l := range d.p.Levels {
		if l.PasswordPrompt != nil {
			questions = append(questions, l.PasswordPrompt)
		}
	}
	for d.owed > 0 {
		r, err := d.read(ctx, d.owedCmd, false, questions...)
		if err != nil {
			return fmt.Errorf("wait for the rest of an interrupted reply: %w", err)
		}
		if r.level == nil {
			if err := d.ch.WriteLine(ctx, ""); err != nil {
				return err
			}
			continue
		}
		d.setLevel(r.level.Name)
		d.owed--
		d.log.Debug("skipped the rest of an interrupted reply", "command", d.owedCmd)
	}
	return nil
}

// Run sends cmd and reads to the next prompt: one round trip. It returns the
// output without echo, prompt or filtered lines, hard-wrapped lines joined,
// each line ending in "\n" ("" for no output). Questions listed in the
// platform are answered on the way. A command that leaves the current level
// (a prompt of another level follows) updates [Driver.Level].
//
// An error line in the output yields a [*CommandError] carrying the output.
// ctx bounds the whole round trip; on expiry the error is a
// [*channel.TimeoutError], and the next call first reads past the rest of
// this reply.
func (d *Driver) Run(ctx context.Context, cmd string) (string, error) {
	if err := d.resync(ctx); err != nil {
		return "", fmt.Errorf("run %q: %w", cmd, err)
	}
	if err := d.ch.WriteLine(ctx, cmd); err != nil {
		return "", fmt.Errorf("run %q: %w", cmd, err)
	}
	r, err := d.await(ctx, cmd)
	if err != nil {
		d.cutShort(cmd, err)
		return "", fmt.Errorf("run %q: %w", cmd, err)
	}
	d.setLevel(r.level.Name)
	out, msg := d.output(cmd, r.text)
	if len(r.secrets) > 0 && (msg != "" || r.repeated) {
		return "", &PasswordError{Command: cmd, Secrets: r.secrets, Missing: d.missing(r.secrets), Message: msg}
	}
	if msg != "" {
		return out, &CommandError{Command: cmd, Output: out, Message: msg}
	}
	return out, nil
}

// missing returns the names among names whose secret is not set.
func (d *Driver) missing(names []string) []string {
	var out []string
	for _, n := range names {
		if d.secrets[n] == "" {
			out = append(out, n)
		}
	}
	return out
}

// output cleans the raw text read after cmd and returns it with the first
// error line, if any.
func (d *Driver) output(cmd, raw string) (string, string) {
	body := d.wrap.stripEcho(raw, cmd, d.columns)
	if body == "" {
		return "", ""
	}
	lines := d.wrap.unwrap(strings.Split(body, "\n"), d.columns, d.lineStart(cmd))
	lines = d.filter(cmd, lines)
	var msg string
	for _, l := range lines {
		if d.p.ErrorLine != nil && msg == "" && d.p.ErrorLine.MatchString(l) {
			msg = strings.TrimSpace(l)
		}
	}
	if len(lines) == 0 {
		return "", msg
	}
	return joinLines(lines), msg
}

// joinLines returns lines, each ending in "\n", in a single copy.
func joinLines(lines []string) string {
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

func (d *Driver) filter(cmd string, lines []string) []string {
	for _, f := range d.p.Filters {
		if !f.Command.MatchString(cmd) {
			continue
		}
		kept := lines[:0]
		for _, l := range lines {
			if !f.Line.MatchString(l) {
				kept = append(kept, l)
			}
		}
		lines = kept
	}
	return lines
}

// reply is what [Driver.await] found.
type reply struct {
	// text is everything before the final match, including answered key
	// questions; password questions and the line end after them are left
	// out.
	text     string
	level    *Level   // level whose prompt ended the read; nil if an extra pattern did
	extra    int      // index of the extra pattern that ended the read; -1 if a prompt did
	secrets  []string // names of the secrets sent to password questions
	repeated bool     // a password question was asked more often than it lists secrets
}

// await reads the reply to cmd, just sent ("" if none), until the prompt of
// any level or one of extra, answering the platform questions that apply to
// cmd on the way.
func (d *Driver) await(ctx context.Context, cmd string, extra ...*regexp.Regexp) (reply, error) {
	return d.read(ctx, cmd, true, extra...)
}

// read reads until the prompt of any level or one of extra, answering the
// platform questions that apply to cmd on the way. cmd is the command whose
// output is being read ("" if none); fresh says whether the read starts at
// the beginning of its reply, with the echo. Both tell a prompt from output
// that looks like one (see [Driver.judge]).
func (d *Driver) read(ctx context.Context, cmd string, fresh bool, extra ...*regexp.Regexp) (reply, error) {
	var pats []*regexp.Regexp
	for _, l := range d.p.Levels {
		pats = append(pats, l.Prompt)
	}
	nLevels := len(pats)
	var questions []*Question
	for i := range d.p.Questions {
		if q := &d.p.Questions[i]; q.Command == nil || q.Command.MatchString(cmd) {
			questions = append(questions, q)
			pats = append(pats, q.Pattern)
		}
	}
	nQuestions := len(pats)
	pats = append(pats, extra...)
	exp := channel.Expect{Patterns: pats, Quiet: d.p.Quiet}
	// Outputs are joined only when a question split the reply, so that a
	// long output is not copied.
	var text string
	r := reply{extra: -1}
	asked := map[*Question]int{}
	afterSecret := false
	var probe bool // the last settled match may be confirmed by a probe
	for {
		// Only the first match of a fresh read follows the echo.
		exp.Judge = d.judge(cmd, fresh, nLevels, &probe)
		fresh = false
		m, err := d.ch.Expect(ctx, exp)
		if err != nil {
			return reply{}, err
		}
		if afterSecret {
			// The device moves to a new line after the hidden answer.
			m.Output = strings.TrimPrefix(m.Output, "\n")
			afterSecret = false
		}
		text += m.Output
		r.text = text
		switch {
		case m.Index < nLevels && m.Settled && probe && d.p.Probe && cmd != "":
			more, end, err := d.confirm(ctx, m)
			if err != nil {
				return reply{}, err
			}
			r.text = text + more
			return d.prompted(r, end), nil
		case m.Index < nLevels:
			return d.prompted(r, m), nil
		case m.Index < nQuestions:
			q := questions[m.Index-nLevels]
			if len(q.Secrets) > 0 {
				if err := d.answerSecret(ctx, cmd, q, asked, &r); err != nil {
					return reply{}, err
				}
				afterSecret = true
				continue
			}
			text += m.Prompt
			d.log.Debug("answer question", "question", m.Prompt, "answer", q.Answer)
			if err := d.ch.WriteKey(ctx, q.Answer); err != nil {
				return reply{}, err
			}
		default:
			r.extra = m.Index - nQuestions
			return r, nil
		}
	}
}

// confirm tells whether m, a match of a level's prompt that silence
// settled, is the prompt (see [Platform].Probe). It sends an empty line,
// which a device waiting at that prompt answers at once with a line end and
// the prompt again; a device that only paused in its output sends the rest
// of it first, then the prompt, then that answer. It returns the text of the
// reply that followed m (empty when m was the prompt) and the match that
// ends the reply. When the device answers a pager marker in between, the
// empty line went to the pager: the next prompt match settles by silence
// and is confirmed in turn.
func (d *Driver) confirm(ctx context.Context, m channel.Match) (string, channel.Match, error) {
	var more string
	for {
		p := regexp.QuoteMeta(strings.TrimPrefix(m.Prompt, "\n"))
		pages := d.ch.Pages()
		if err := d.ch.WriteLine(ctx, ""); err != nil {
			return "", m, err
		}
		exp := channel.Expect{
			Patterns: []*regexp.Regexp{
				regexp.MustCompile(`^\n` + p),           // answered at once
				regexp.MustCompile(`\n` + p + `\n` + p), // the prompt, then the answer
				regexp.MustCompile(`(?:^|\n)` + p),      // a prompt after paging
			},
			Quiet: d.p.Quiet,
			Judge: func(c channel.Match, _ channel.Excerpt) channel.Verdict {
				switch {
				case c.Index < 2:
					return channel.Accept
				case d.ch.Pages() == pages:
					return channel.Reject // the answer is still to come
				}
				return channel.Settle
			},
		}
		c, err := d.ch.Expect(ctx, exp)
		if err != nil {
			return "", m, err
		}
		switch {
		case c.Index == 0:
			d.log.Debug("prompt confirmed")
			return more, m, nil
		case c.Index == 1:
			d.log.Debug("prompt-like output before the prompt")
			return more + m.Prompt + c.Output, m, nil
		}
		more += m.Prompt + c.Output
		c.Index = m.Index
		if !c.Settled {
			return more, c, nil
		}
		m = c
	}
}

// prompted completes r, read up to m, a match of a level's prompt.
func (d *Driver) prompted(r reply, m channel.Match) reply {
	r.level = &d.p.Levels[m.Index]
	d.prompt = strings.TrimPrefix(m.Prompt, "\n")
	d.wrap.prompt = displayWidth(d.prompt)
	return r
}

// answerSecret answers one password question: with the next secret q
// lists, or, once they are used up, with an empty line so that the device
// gives up and shows a prompt (at most abandonTries times).
func (d *Driver) answerSecret(ctx context.Context, cmd string, q *Question, asked map[*Question]int, r *reply) error {
	n := asked[q]
	asked[q]++
	if n >= len(q.Secrets) {
		r.repeated = true
		if n >= len(q.Secrets)+abandonTries {
			return fmt.Errorf("still asked for a password after %d empty answers: %w",
				abandonTries, &PasswordError{Command: cmd, Secrets: r.secrets, Missing: d.missing(r.secrets)})
		}
		d.log.Debug("password asked again: answer with an empty line", "command", cmd)
		return d.ch.WriteLine(ctx, "")
	}
	name := q.Secrets[n]
	r.secrets = append(r.secrets, name)
	d.log.Debug("answer password question", "command", cmd, "secret", name)
	return d.ch.WriteSecret(ctx, d.secrets[name])
}

func (d *Driver) setLevel(name string) {
	if name != d.level {
		d.log.Debug("privilege level changed", "from", d.level, "to", name)
		d.level = name
	}
}

// judge returns the [channel.Expect] Judge that tells the prompt ending the
// reply to cmd from output that only looks like one; fresh says whether the
// read starts with the echo. Only prompts of levels (the first nLevels
// patterns) are judged: questions and extra patterns are accepted. It sets
// *probe when it settles a match by rule 3's free text or rule 4, the
// matches [Platform].Probe confirms. The rules, in order (see the package
// documentation):
//
//  1. Unless cmd may change the prompt, the prompt is exactly the one read
//     before it: another level's prompt, or the same level's with another
//     peer or prefix, is output.
//  2. The reply starts with the echo of cmd: a match before the whole echo
//     arrived is part of it.
//  3. For commands whose output starts with prompt-like lines, a match
//     while the output holds nothing else is output if the command always
//     prints more; otherwise it settles with silence. For commands whose
//     output is free text, every match settles with silence.
//  4. A match right after a line that may fill the console width may be a
//     continuation of that line: it is output if the device is known to
//     print an empty line after an exactly full one, and settles with
//     silence otherwise.
func (d *Driver) judge(cmd string, fresh bool, nLevels int, probe *bool) func(channel.Match, channel.Excerpt) channel.Verdict {
	fixed := d.prompt != "" && !d.changesPrompt(cmd)
	want := d.prompt
	shaped := cmd != "" && d.p.PromptLikeOutput != nil && d.p.PromptLikeOutput.MatchString(cmd)
	never := shaped && d.p.PromptLikeNeverAlone != nil && d.p.PromptLikeNeverAlone.MatchString(cmd)
	free := cmd != "" && d.p.FreeText != nil && d.p.FreeText.MatchString(cmd)
	return func(m channel.Match, before channel.Excerpt) channel.Verdict {
		*probe = false
		switch {
		case m.Index >= nLevels:
			return channel.Accept
		case fixed && strings.TrimPrefix(m.Prompt, "\n") != want:
			return channel.Reject
		case fresh && echoPending(cmd, before):
			return channel.Reject
		case shaped && d.onlyPromptLike(cmd, before):
			if never {
				return channel.Reject
			}
			return channel.Settle
		case free:
			*probe = true
			return channel.Settle
		}
		v := d.afterFullLine(fresh, before)
		*probe = v == channel.Settle
		return v
	}
}

// changesPrompt reports whether cmd may leave the prompt text changed: it
// enters or leaves a level ("" stands for an answer that may), or the
// platform lists it in PromptChange.
func (d *Driver) changesPrompt(cmd string) bool {
	if cmd == "" || d.p.PromptChange != nil && d.p.PromptChange.MatchString(cmd) {
		return true
	}
	for _, l := range d.p.Levels {
		if cmd == l.Escalate || cmd == l.Deescalate {
			return true
		}
	}
	return false
}

// echoPending reports whether the text before a match is a proper
// beginning of the echo of cmd (line ends of hard wrapping ignored), so
// that the match is part of the echo.
func echoPending(cmd string, before channel.Excerpt) bool {
	if before.Len > len(before.Head) {
		return false
	}
	typed := strings.ReplaceAll(before.Head, "\n", "")
	return len(typed) < len(cmd) && strings.HasPrefix(cmd, typed)
}

// afterFullLine judges a match by the physical line before it (rule 4):
// the first line of a fresh reply follows the prompt on screen, so the
// prompt's width counts.
func (d *Driver) afterFullLine(fresh bool, before channel.Excerpt) channel.Verdict {
	if d.columns <= 0 || before.Len == 0 {
		return channel.Accept
	}
	i := strings.LastIndexByte(before.Tail, '\n')
	n := displayWidth(before.Tail[i+1:])
	if i < 0 && fresh && before.Len == len(before.Tail) {
		n += displayWidth(d.prompt)
	}
	switch {
	case !d.wrap.full(n, d.columns):
		return channel.Accept
	case d.wrap.blank == yes:
		return channel.Reject
	}
	return channel.Settle
}

// onlyPromptLike reports whether every output line read so far could be
// part of the prompt-like lines that precede the rest of the output. Only
// the start of a long output is looked at: the prompt-like lines come first.
func (d *Driver) onlyPromptLike(cmd string, before channel.Excerpt) bool {
	if d.p.PromptLikeLine == nil {
		return true
	}
	raw := before.Head
	if len(raw) < before.Len {
		// Cut short: the last line may be incomplete.
		raw = raw[:strings.LastIndexByte(raw, '\n')+1]
	}
	out, _ := d.output(cmd, raw)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l != "" && !d.p.PromptLikeLine.MatchString(l) {
			return false
		}
	}
	return true
}
