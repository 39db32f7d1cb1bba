package channel_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/encoding/japanese"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
)

var (
	userPrompt  = regexp.MustCompile(`(?:^|\n)> `)
	adminPrompt = regexp.MustCompile(`(?:^|\n)# `)
	pager       = regexp.MustCompile(`-{2,3} ?(つづく|more|MORE) ?-{2,3}`)
)

// encode returns s in the given Japanese encoding.
func encode(t *testing.T, e channel.Encoding, s string) string {
	t.Helper()
	var (
		b   []byte
		err error
	)
	switch e {
	case channel.ShiftJIS:
		b, err = japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	case channel.EUCJP:
		b, err = japanese.EUCJP.NewEncoder().Bytes([]byte(s))
	default:
		b = []byte(s)
	}
	if err != nil {
		t.Fatalf("encode %q as %s: %v", s, e, err)
	}
	return string(b)
}

// chunks splits s after each of the given byte offsets.
func chunks(s string, at ...int) []string {
	var out []string
	prev := 0
	for _, a := range at {
		out = append(out, s[prev:a])
		prev = a
	}
	return append(out, s[prev:])
}

func newChannel(t *testing.T, conn io.ReadWriteCloser, cfg channel.Config) *channel.Channel {
	t.Helper()
	ch := channel.New(conn, cfg)
	t.Cleanup(func() { ch.Close() })
	return ch
}

func TestReadUntil(t *testing.T) {
	t.Parallel()
	sjisErr := encode(t, channel.ShiftJIS, "エラー: パラメータの数が不適当です\r\n# ")
	tests := []struct {
		name     string
		enc      channel.Encoding
		reply    []string
		patterns []*regexp.Regexp
		want     channel.Match
	}{
		{
			name:     "whole prompt in one read",
			reply:    []string{"\r\nRTX1210 Rev.14.01.29\r\n> "},
			patterns: []*regexp.Regexp{userPrompt},
			want:     channel.Match{Output: "\nRTX1210 Rev.14.01.29", Prompt: "\n> ", Groups: []string{"\n> "}},
		},
		{
			name:     "prompt split across reads",
			reply:    chunks("abc\r\n> ", 3, 4, 5, 6),
			patterns: []*regexp.Regexp{userPrompt},
			want:     channel.Match{Output: "abc", Prompt: "\n> ", Groups: []string{"\n> "}},
		},
		{
			name:     "shift_jis character split across reads",
			enc:      channel.ShiftJIS,
			reply:    chunks(sjisErr, 1, 2, 3, 7),
			patterns: []*regexp.Regexp{adminPrompt},
			want:     channel.Match{Output: "エラー: パラメータの数が不適当です", Prompt: "\n# ", Groups: []string{"\n# "}},
		},
		{
			name:     "shift_jis trail bytes are not matched raw",
			enc:      channel.ShiftJIS,
			reply:    []string{encode(t, channel.ShiftJIS, "表示> ソ\r\n> ")},
			patterns: []*regexp.Regexp{userPrompt},
			want:     channel.Match{Output: "表示> ソ", Prompt: "\n> ", Groups: []string{"\n> "}},
		},
		{
			name:     "euc-jp",
			enc:      channel.EUCJP,
			reply:    chunks(encode(t, channel.EUCJP, "セーブ中... CONFIG0 終了\r\n# "), 1),
			patterns: []*regexp.Regexp{adminPrompt},
			want:     channel.Match{Output: "セーブ中... CONFIG0 終了", Prompt: "\n# ", Groups: []string{"\n# "}},
		},
		{
			name:     "utf-8 split character",
			enc:      channel.UTF8,
			reply:    chunks("終了\r\n# ", 1, 4),
			patterns: []*regexp.Regexp{adminPrompt},
			want:     channel.Match{Output: "終了", Prompt: "\n# ", Groups: []string{"\n# "}},
		},
		{
			name:     "line ends normalised",
			reply:    []string{"a\r\r\nb\r\x00c\r", "\nd\r\n> "},
			patterns: []*regexp.Regexp{userPrompt},
			want:     channel.Match{Output: "a\nb\nc\nd", Prompt: "\n> ", Groups: []string{"\n> "}},
		},
		{
			name:     "escape sequences stripped even when split",
			reply:    []string{"\x1b[2K\x1b[1", "0Dshow\x1b[K\x1b]0;t\a\x1b(B\r\n\x1b7> "},
			patterns: []*regexp.Regexp{userPrompt},
			want:     channel.Match{Output: "show", Prompt: "\n> ", Groups: []string{"\n> "}},
		},
		{
			name:     "backspace erases within the line",
			reply:    []string{"x\nab\bc\r\n> "},
			patterns: []*regexp.Regexp{userPrompt},
			want:     channel.Match{Output: "x\nac", Prompt: "\n> ", Groups: []string{"\n> "}},
		},
		{
			name:     "prompt-like text in the middle is not a match",
			reply:    []string{"# RTX1210 Rev.14.01.29\r\n# MAC\r\nip lan1\r\n", "RTX1210> "},
			patterns: []*regexp.Regexp{regexp.MustCompile(`\nRTX1210[>#] `)},
			want:     channel.Match{Output: "# RTX1210 Rev.14.01.29\n# MAC\nip lan1", Prompt: "\nRTX1210> ", Groups: []string{"\nRTX1210> "}},
		},
		{
			name:     "first matching pattern wins, groups returned",
			reply:    []string{"banner\r\n[RTX] > "},
			patterns: []*regexp.Regexp{regexp.MustCompile(`Password: `), regexp.MustCompile(`\n([^\n]*)> `)},
			want:     channel.Match{Output: "banner", Prompt: "\n[RTX] > ", Index: 1, Groups: []string{"\n[RTX] > ", "[RTX] "}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := channeltest.NewConn(t, channeltest.Step{Reply: tt.reply})
			ch := newChannel(t, conn, channel.Config{Encoding: tt.enc})
			got, err := ch.ReadUntil(t.Context(), tt.patterns...)
			if err != nil {
				t.Fatalf("ReadUntil: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadUntil mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPager(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		enc   channel.Encoding
		first string // page ending in the marker
		rest  string // after the space
		want  string
	}{
		{"japanese marker, CR spaces CR", channel.ShiftJIS, "l1\r\nl2\r\n---つづく---", "\r            \r l3\r\nl4\r\n# ", "l1\nl2\n l3\nl4"},
		{"spaced marker, backspaces", channel.ShiftJIS, "l1\r\n--- つづく ---", "\b\b\b\b\b\b\b\b\b\b\b\b\b   \b\b\bl2\r\n# ", "l1\nl2"},
		{"english marker, ANSI erase", channel.ASCII, "l1\r\n---more---", "\r\x1b[Kl2\r\n# ", "l1\nl2"},
		{"marker then plain line end", channel.UTF8, "l1\r\n---MORE---", "\r\nl2\r\n# ", "l1\n\nl2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := channeltest.NewConn(t,
				channeltest.Step{Reply: []string{encode(t, tt.enc, tt.first)}},
				channeltest.Step{Send: " ", Reply: chunks(tt.rest, 1)},
			)
			ch := newChannel(t, conn, channel.Config{Encoding: tt.enc, Pager: pager})
			got, err := ch.ReadUntil(t.Context(), adminPrompt)
			if err != nil {
				t.Fatalf("ReadUntil: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Output); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAmbiguousMatch(t *testing.T) {
	t.Parallel()
	header := "# RTX1210 Rev.14.01.29\r\n# "
	tests := []struct {
		name  string
		steps []channeltest.Step
		want  string
	}{
		{
			name: "more output follows a header line",
			steps: []channeltest.Step{
				{Reply: []string{header}},
				{Reply: []string{"MAC Address : x\r\nip lan1\r\n# "}, Delay: 10 * time.Millisecond},
			},
			want: "# RTX1210 Rev.14.01.29\n# MAC Address : x\nip lan1",
		},
		{
			name:  "silence settles the prompt",
			steps: []channeltest.Step{{Reply: []string{"ip lan1\r\n# "}}},
			want:  "ip lan1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				conn := channeltest.NewConn(t, tt.steps...)
				ch := channel.New(conn, channel.Config{})
				defer ch.Close()
				got, err := ch.Expect(t.Context(), channel.Expect{
					Patterns: []*regexp.Regexp{adminPrompt},
					Judge:    func(channel.Match, channel.Excerpt) channel.Verdict { return channel.Settle },
					Quiet:    50 * time.Millisecond,
				})
				if err != nil {
					t.Fatalf("Expect: %v", err)
				}
				if diff := cmp.Diff(tt.want, got.Output); diff != "" {
					t.Errorf("output mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestReadUntilTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		conn := channeltest.NewConn(t, channeltest.Step{Reply: []string{"still working s3cret"}})
		ch := channel.New(conn, channel.Config{})
		defer ch.Close()
		ch.Redact("s3cret")
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := ch.ReadUntil(ctx, userPrompt)
		var te *channel.TimeoutError
		if !errors.As(err, &te) {
			t.Fatalf("ReadUntil error = %v, want *TimeoutError", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ReadUntil error = %v, want it to wrap context.DeadlineExceeded", err)
		}
		want := channel.TimeoutError{Want: userPrompt.String(), Tail: "still working <redacted>", Err: context.DeadlineExceeded}
		if diff := cmp.Diff(want, *te, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("TimeoutError mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestReadUntilClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		close func(*channel.Channel)
		steps []channeltest.Step
	}{
		{name: "peer hangs up", steps: []channeltest.Step{{Reply: []string{"partial"}, Hangup: true}}},
		{name: "closed locally", steps: []channeltest.Step{{Reply: []string{"partial"}}}, close: func(ch *channel.Channel) { ch.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := channeltest.NewConn(t, tt.steps...)
			ch := newChannel(t, conn, channel.Config{})
			if tt.close != nil {
				tt.close(ch)
			}
			_, err := ch.ReadUntil(t.Context(), userPrompt)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("ReadUntil error = %v, want io.ErrUnexpectedEOF", err)
			}
			if err := ch.Close(); err != nil {
				t.Errorf("second Close = %v", err)
			}
		})
	}
}

func TestWrites(t *testing.T) {
	t.Parallel()
	var tr bytes.Buffer
	conn := channeltest.NewConn(t,
		channeltest.Step{Reply: []string{"> "}},
		channeltest.Step{Send: "administrator\r", Reply: []string{"administrator\r\nPassword: "}},
		channeltest.Step{Send: "pa55\r", Reply: []string{"\r\n# "}},
		channeltest.Step{Send: "exit\r", Reply: []string{"exit\r\nSave new configuration ? (Y/N)"}},
		channeltest.Step{Send: "N", Reply: []string{"N\r\n> "}},
	)
	ch := newChannel(t, conn, channel.Config{Transcript: &tr})
	ctx := t.Context()
	read := func(p ...*regexp.Regexp) {
		t.Helper()
		if _, err := ch.ReadUntil(ctx, p...); err != nil {
			t.Fatalf("ReadUntil: %v", err)
		}
	}
	read(userPrompt)
	if err := ch.WriteLine(ctx, "administrator"); err != nil {
		t.Fatal(err)
	}
	read(regexp.MustCompile(`Password: `))
	if err := ch.WriteSecret(ctx, "pa55"); err != nil {
		t.Fatal(err)
	}
	read(adminPrompt)
	if err := ch.WriteLine(ctx, "exit"); err != nil {
		t.Fatal(err)
	}
	read(regexp.MustCompile(`\(Y/N\)`))
	if err := ch.WriteKey(ctx, "N"); err != nil {
		t.Fatal(err)
	}
	read(userPrompt)
	ch.Close()
	want := strings.Join([]string{
		"< > ",
		"> administrator",
		"< administrator",
		"< Password: ",
		"> <redacted>",
		"< ",
		"< # ",
		"> exit",
		"< exit",
		"< Save new configuration ? (Y/N)",
		"> N",
		"< N",
		"< > ",
	}, "\n") + "\n"
	if diff := cmp.Diff(want, tr.String()); diff != "" {
		t.Errorf("transcript mismatch (-want +got):\n%s", diff)
	}
}

func TestTranscriptRedactsAcrossReads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply []string
		want  string
	}{
		{"secret split", []string{"login password hu", "nter2 x\r\n> "}, "< login password <redacted> x\n< > \n"},
		{"secret split three ways", []string{"a hun", "te", "r2\r\n> "}, "< a <redacted>\n< > \n"},
		{"prefix only", []string{"hunt", "er\r\n> "}, "< hunter\n< > \n"},
		{"secret at the very end", []string{"x hunter", "2"}, "< x <redacted>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tr bytes.Buffer
			conn := channeltest.NewConn(t, channeltest.Step{Reply: tt.reply})
			ch := channel.New(conn, channel.Config{Transcript: &tr})
			ch.Redact("hunter2")
			ctx, cancel := context.WithCancel(t.Context())
			if strings.HasSuffix(strings.Join(tt.reply, ""), "> ") {
				if _, err := ch.ReadUntil(ctx, userPrompt); err != nil {
					t.Fatalf("ReadUntil: %v", err)
				}
			} else {
				// Read everything, then give up waiting.
				if _, err := ch.ReadUntil(ctx, regexp.MustCompile(`2`)); err != nil {
					t.Fatalf("ReadUntil: %v", err)
				}
			}
			cancel()
			ch.Close()
			if diff := cmp.Diff(tt.want, tr.String()); diff != "" {
				t.Errorf("transcript mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetEncoding(t *testing.T) {
	t.Parallel()
	conn := channeltest.NewConn(t,
		channeltest.Step{Reply: []string{"console character ja.sjis\r\n> "}},
		channeltest.Step{Send: "show\r", Reply: chunks(encode(t, channel.ShiftJIS, "show\r\nエラー: コマンド名を確認してください\r\n> "), 9)},
	)
	ch := newChannel(t, conn, channel.Config{})
	ctx := t.Context()
	if _, err := ch.ReadUntil(ctx, userPrompt); err != nil {
		t.Fatal(err)
	}
	if err := ch.SetEncoding(channel.ShiftJIS); err != nil {
		t.Fatalf("SetEncoding: %v", err)
	}
	if err := ch.WriteLine(ctx, "show"); err != nil {
		t.Fatal(err)
	}
	got, err := ch.ReadUntil(ctx, userPrompt)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("show\nエラー: コマンド名を確認してください", got.Output); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
	if got := ch.Encoding(); got != channel.ShiftJIS {
		t.Errorf("Encoding() = %q, want %q", got, channel.ShiftJIS)
	}
}

func TestParseEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    channel.Encoding
		wantErr bool
	}{
		{"", channel.UTF8, false},
		{"SJIS", channel.ShiftJIS, false},
		{"shift_jis", channel.ShiftJIS, false},
		{"euc-jp", channel.EUCJP, false},
		{"utf8", channel.UTF8, false},
		{"ascii", channel.ASCII, false},
		{"latin1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := channel.ParseEncoding(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseEncoding(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseEncoding(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// redactPSK stands for a pattern redactor such as rtx.RedactSecrets: it
// hides the key of a pre-shared-key line.
func redactPSK(line string) string {
	return regexp.MustCompile(`(pre-shared-key \d+ text )\S+`).ReplaceAllString(line, "${1}"+channel.Redacted)
}

func TestTranscriptRedactsByPattern(t *testing.T) {
	t.Parallel()
	psk := "ipsec ike pre-shared-key 1 text Zebra-Psk-4711"
	tests := []struct {
		name    string
		columns int
		reply   []string
		want    string
	}{
		{
			name:  "line split across reads",
			reply: []string{"ipsec ike pre-sha", "red-key 1 text Zebra-P", "sk-4711\r\n# "},
			want:  "< ipsec ike pre-shared-key 1 text <redacted>\n< # \n",
		},
		{
			name:    "line hard-wrapped inside the key",
			columns: 34,
			reply:   []string{psk[:33] + "\r\n", psk[33:] + "\r\n# "},
			want:    "< ipsec ike pre-shared-key 1 text <redacted>\n< # \n",
		},
		{
			name:    "line hard-wrapped before the key, at the full width",
			columns: 33,
			reply:   []string{psk[:33] + "\r", "\n" + psk[33:] + "\r\n# "},
			want:    "< ipsec ike pre-shared-key 1 text <redacted>\n< # \n",
		},
		{
			name:    "wrapped lines without a secret stay as they were",
			columns: 10,
			reply:   []string{"123456789\r\nabc\r\n# "},
			want:    "< 123456789\n< abc\n< # \n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tr bytes.Buffer
			conn := channeltest.NewConn(t, channeltest.Step{Reply: tt.reply})
			ch := channel.New(conn, channel.Config{Transcript: &tr, RedactLine: redactPSK})
			ch.SetColumns(tt.columns)
			if _, err := ch.ReadUntil(t.Context(), adminPrompt); err != nil {
				t.Fatalf("ReadUntil: %v", err)
			}
			ch.Close()
			if diff := cmp.Diff(tt.want, tr.String()); diff != "" {
				t.Errorf("transcript mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLogsAndErrorsRedactByPattern(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var log bytes.Buffer
		conn := channeltest.NewConn(t,
			channeltest.Step{Send: "ipsec ike pre-shared-key 1 text Zebra-Psk-4711\r", Reply: []string{"ipsec ike pre-shared-key 1 text Zebra-Psk-4711\r\n"}},
		)
		ch := channel.New(conn, channel.Config{Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})), RedactLine: redactPSK})
		defer ch.Close()
		if err := ch.WriteLine(t.Context(), "ipsec ike pre-shared-key 1 text Zebra-Psk-4711"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err := ch.ReadUntil(ctx, adminPrompt)
		if err == nil {
			t.Fatal("ReadUntil succeeded without a prompt")
		}
		for what, text := range map[string]string{"debug log": log.String(), "error": err.Error()} {
			if strings.Contains(text, "Zebra") {
				t.Errorf("%s shows the key: %s", what, text)
			}
			if !strings.Contains(text, "pre-shared-key 1 text <redacted>") {
				t.Errorf("%s does not show the redacted line: %s", what, text)
			}
		}
	})
}
