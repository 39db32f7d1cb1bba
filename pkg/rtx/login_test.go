package rtx

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

const testBanner = "\r\nRTX830 Rev.15.02.31 (Mon Apr  1 00:00:00 2024)\r\nCopyright (c) 1994-2024 Yamaha Corporation. All Rights Reserved.\r\n"

func TestLogin(t *testing.T) {
	t.Parallel()
	wantInfo := Info{Model: "RTX830", Revision: "15.02.31", Banner: "RTX830 Rev.15.02.31 (Mon Apr  1 00:00:00 2024)\nCopyright (c) 1994-2024 Yamaha Corporation. All Rights Reserved."}
	tests := []struct {
		name   string
		telnet bool
		user   string
		steps  []channeltest.Step
		want   session
	}{
		{
			name:  "ssh, no dialogue",
			steps: []channeltest.Step{{Reply: []string{testBanner + "> "}}},
			want:  session{info: wantInfo, level: levelUser},
		},
		{
			name:   "anonymous",
			telnet: true,
			steps: []channeltest.Step{
				{Reply: []string{"Password: "}},
				{Send: "pw\r", Reply: []string{"\r\n" + testBanner + "\r\n> "}},
			},
			want: session{info: wantInfo, level: levelUser},
		},
		{
			name:   "user after an empty password",
			telnet: true,
			user:   "alice",
			steps: []channeltest.Step{
				{Reply: []string{"Password: "}},
				{Send: "\r", Reply: []string{"\r\nUsername: "}},
				{Send: "alice\r", Reply: []string{"alice\r\nPassword: "}},
				{Send: "pw\r", Reply: []string{"\r\n" + testBanner + "\r\n[RTX830] > "}},
			},
			want: session{info: wantInfo, prefix: "[RTX830] ", level: levelUser},
		},
		{
			name:   "username first, lands in administrator mode",
			telnet: true,
			user:   "alice",
			steps: []channeltest.Step{
				{Reply: []string{"\r\nUsername: "}},
				{Send: "alice\r", Reply: []string{"alice\r\nPassword: "}},
				{Send: "pw\r", Reply: []string{"\r\n" + testBanner + "\r\nRTX830# "}},
			},
			want: session{info: wantInfo, prefix: "RTX830", level: levelAdmin},
		},
		{
			name:   "factory default: Enter logs in",
			telnet: true,
			user:   "alice",
			steps: []channeltest.Step{
				{Reply: []string{"Password: "}},
				{Send: "\r", Reply: []string{"\r\n" + testBanner + "> "}},
			},
			want: session{info: wantInfo, level: levelUser},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ch := channel.New(channeltest.NewConn(t, tt.steps...), channel.Config{})
			t.Cleanup(func() { ch.Close() })
			got, err := login(t.Context(), ch, Config{User: tt.user, Password: "pw"}, tt.telnet)
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(session{})); diff != "" {
				t.Errorf("login mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoginRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		user  string
		steps []channeltest.Step
	}{
		{
			name: "password asked again",
			steps: []channeltest.Step{
				{Reply: []string{"Password: "}},
				{Send: "pw\r", Reply: []string{"\r\nError: Incorrect password\r\nPassword: "}},
			},
		},
		{
			name: "silent retry",
			user: "alice",
			steps: []channeltest.Step{
				{Reply: []string{"Username: "}},
				{Send: "alice\r", Reply: []string{"alice\r\nPassword: "}},
				{Send: "pw\r", Reply: []string{"\r\nUsername: "}},
			},
		},
		{
			name: "hang-up after the password",
			steps: []channeltest.Step{
				{Reply: []string{"Password: "}},
				{Send: "pw\r", Reply: []string{"\r\n"}, Hangup: true},
			},
		},
		{
			name:  "user name asked, none configured",
			steps: []channeltest.Step{{Reply: []string{"Username: "}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ch := channel.New(channeltest.NewConn(t, tt.steps...), channel.Config{})
			t.Cleanup(func() { ch.Close() })
			_, err := login(t.Context(), ch, Config{User: tt.user, Password: "pw"}, true)
			var ae *transport.AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("login error = %v, want *transport.AuthError", err)
			}
			if ae.User != tt.user {
				t.Errorf("AuthError.User = %q, want %q", ae.User, tt.user)
			}
		})
	}
}

func TestParseConsole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  string
		want consoleSettings
	}{
		{"absent", "", consoleSettings{}},
		{"all", "console character en.ascii\nconsole columns 80\nconsole lines infinity\nconsole prompt RTX\n", consoleSettings{lines: "infinity", columns: "80", character: "en.ascii"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, parseConsole(tt.out), cmp.AllowUnexported(consoleSettings{})); diff != "" {
				t.Errorf("parseConsole(%q) mismatch (-want +got):\n%s", tt.out, diff)
			}
		})
	}
}

func TestEncodingOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		character, model string
		want             channel.Encoding
	}{
		{"", "RTX1210", channel.ShiftJIS},
		{"", "vRX", channel.UTF8},
		{"ja.sjis", "RTX1210", channel.ShiftJIS},
		{"sjis", "RTX1200", channel.ShiftJIS},
		{"ja.euc", "RTX1210", channel.EUCJP},
		{"euc", "RTX1200", channel.EUCJP},
		{"ja.utf8", "RTX1220", channel.UTF8},
		{"en.ascii", "RTX1210", channel.ASCII},
		{"ascii", "RTX1200", channel.ASCII},
	}
	for _, tt := range tests {
		t.Run(tt.character+"/"+tt.model, func(t *testing.T) {
			t.Parallel()
			if got := encodingOf(tt.character, tt.model); got != tt.want {
				t.Errorf("encodingOf(%q, %q) = %q, want %q", tt.character, tt.model, got, tt.want)
			}
		})
	}
}
