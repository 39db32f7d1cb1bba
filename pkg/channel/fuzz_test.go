package channel_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
)

// namedPrompt matches the RTX prompts with any learned prefix.
var namedPrompt = regexp.MustCompile(`(?:^|\n)([^\n]*)[>#] `)

// FuzzPromptMatch feeds arbitrary output, split at an arbitrary point and
// followed by the end of the stream, to the prompt matcher. A match must be a
// prompt at the very end of the text received so far, and the text returned
// must not depend on where the output was split.
func FuzzPromptMatch(f *testing.F) {
	for _, seed := range []string{
		"\r\nRTX1210> ",
		"\r\n[RTX1210] # ",
		"# RTX1210 Rev.14.01.29 (Tue May 29 16:47:33 2018)\r\n# MAC Address : 00:a0:de:00:00:01\r\n# ",
		"show config\r\n# RTX1220 Rev.15.04.04\r\nip lan1 address 192.168.100.1/24\r\n# ",
		"l1\r\n---つづく---",
		"l1\r\n--- more ---\r   \rl2\r\n> ",
		"エラー: パラメータの数が不適当です\r\n# ",
		"BGPの設定が変更されました。\r\n# ",
		"Save new configuration ? (Y/N)",
		"\x1b[2K\x1b[10Dshow\x1b[K\r\r\n> ",
		"a\r\x00b\b\r\n> ",
	} {
		f.Add(seed, uint(len(seed)/2))
	}
	f.Fuzz(func(t *testing.T, data string, split uint) {
		at := int(split % uint(len(data)+1))
		whole := read(t, []string{data})
		parts := read(t, []string{data[:at], data[at:]})
		if !strings.HasPrefix(whole.text, parts.text) {
			t.Errorf("split at %d returned %q, not a prefix of the unsplit result %q", at, parts.text, whole.text)
		}
		for _, r := range []result{whole, parts} {
			if r.matched && !namedPrompt.MatchString(r.prompt) {
				t.Errorf("prompt %q does not match %s", r.prompt, namedPrompt)
			}
			if strings.ContainsAny(r.text, "\r\x1b") {
				t.Errorf("text %q still contains CR or ESC", r.text)
			}
		}
	})
}

type result struct {
	text, prompt string
	matched      bool
}

func read(t *testing.T, reply []string) result {
	conn := channeltest.NewConn(t, channeltest.Step{Reply: reply, Hangup: true})
	ch := channel.New(conn, channel.Config{Encoding: channel.ShiftJIS})
	defer ch.Close()
	m, err := ch.ReadUntil(t.Context(), namedPrompt)
	if err != nil {
		return result{}
	}
	return result{text: m.Output + m.Prompt, prompt: m.Prompt, matched: true}
}
