package driver_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/channel/channeltest"
	"github.com/rtxctl/rtxctl/pkg/driver"
)

// platform is a small console personality in the style of a YAMAHA RTX.
func platform(columns int) driver.Platform {
	return driver.Platform{
		Levels: []driver.Level{
			{Name: "user", Prompt: regexp.MustCompile(`(?:^|\n)> `)},
			{
				Name: "admin", Prompt: regexp.MustCompile(`(?:^|\n)# `), Previous: "user",
				Escalate: "administrator", PasswordPrompt: regexp.MustCompile(`Password: `), Deescalate: "exit",
			},
		},
		Questions:        []driver.Question{{Pattern: regexp.MustCompile(`\(Y/N\) ?`), Answer: "N"}},
		ErrorLine:        regexp.MustCompile(`^(Error|エラー)\s*[:：]`),
		Filters:          []driver.Filter{{Command: regexp.MustCompile(`\|\s*grep`), Line: regexp.MustCompile(`^Searching \.\.\.`)}},
		PromptLikeOutput: regexp.MustCompile(`^show\s+config`),
		Columns:          columns,
	}
}

func newDriver(t *testing.T, p driver.Platform, level string, steps ...channeltest.Step) *driver.Driver {
	t.Helper()
	ch := channel.New(channeltest.NewConn(t, steps...), channel.Config{})
	t.Cleanup(func() { ch.Close() })
	d, err := driver.New(ch, p, level, nil)
	if err != nil {
		t.Fatalf("driver.New: %v", err)
	}
	return d
}

func TestRun(t *testing.T) {
	t.Parallel()
	long := "bgp import filter 1 include 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 100.64.0.0/10"
	tests := []struct {
		name    string
		columns int
		cmd     string
		reply   []string
		want    string
	}{
		{"echo with trailing space", 0, "show config | grep bgp", []string{"show config | grep bgp \r\nSearching ...\r\nbgp use on\r\n", "bgp import filter 2 include 0.0.0.0/0\r\n# "}, "bgp use on\nbgp import filter 2 include 0.0.0.0/0\n"},
		{"no output", 0, "bgp configure refresh", []string{"bgp configure refresh\r\n# "}, ""},
		{"empty command", 0, "", []string{"\r\n# "}, ""},
		{"echo redrawn with escapes", 0, "show ip route", []string{"s\b\x1b[Ksh\b\b\x1b[Kshow ip route\r\n", "Destination\r\n# "}, "Destination\n"},
		{"long echo wrapped", 80, long, []string{long[:78] + "\r\n" + long[78:] + "\r\nBGPの設定が変更されました。\r\n# "}, "BGPの設定が変更されました。\n"},
		{
			"output wrapped at columns", 20, "show x",
			[]string{"show x\r\n0123456789abcdefghij\r\nklm\r\n日本語の長い行です日\r\n本語\r\nshort\r\n# "},
			"0123456789abcdefghijklm\n日本語の長い行です日本語\nshort\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, platform(tt.columns), "admin", channeltest.Step{Send: tt.cmd + "\r", Reply: tt.reply})
			got, err := d.Run(t.Context(), tt.cmd)
			if err != nil {
				t.Fatalf("Run(%q): %v", tt.cmd, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Run(%q) mismatch (-want +got):\n%s", tt.cmd, diff)
			}
		})
	}
}

func TestRunErrorLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply string
		want  driver.CommandError
	}{
		{"english", "bgp x\r\nError: Invalid command name\r\n# ", driver.CommandError{Command: "bgp x", Output: "Error: Invalid command name\n", Message: "Error: Invalid command name"}},
		{"japanese", "bgp x\r\nエラー: パラメータの数が不適当です\r\n# ", driver.CommandError{Command: "bgp x", Output: "エラー: パラメータの数が不適当です\n", Message: "エラー: パラメータの数が不適当です"}},
		{"full-width colon and caret", "bgp x\r\n      ^\r\nエラー：コマンド名を確認してください\r\n# ", driver.CommandError{Command: "bgp x", Output: "      ^\nエラー：コマンド名を確認してください\n", Message: "エラー：コマンド名を確認してください"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, platform(0), "admin", channeltest.Step{Send: "bgp x\r", Reply: []string{tt.reply}})
			_, err := d.Run(t.Context(), "bgp x")
			var ce *driver.CommandError
			if !errors.As(err, &ce) {
				t.Fatalf("Run error = %v, want *CommandError", err)
			}
			if diff := cmp.Diff(tt.want, *ce); diff != "" {
				t.Errorf("CommandError mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunAnswersQuestion(t *testing.T) {
	t.Parallel()
	d := newDriver(t, platform(0), "admin",
		channeltest.Step{Send: "exit\r", Reply: []string{"exit\r\nSave new configuration ? (Y/N)"}},
		channeltest.Step{Send: "N", Reply: []string{"N\r\n> "}},
	)
	if _, err := d.Run(t.Context(), "exit"); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := d.Level(); got != "user" {
		t.Errorf("Level() = %q, want user", got)
	}
}

func TestRunPromptLikeOutput(t *testing.T) {
	t.Parallel()
	const quiet = 50 * time.Millisecond
	tests := []struct {
		name      string
		headerOK  bool // platform knows header lines come first
		steps     []channeltest.Step
		want      string
		wantDelay time.Duration // on the fake clock
	}{
		{
			name:     "read ends after a header line",
			headerOK: true,
			steps: []channeltest.Step{
				{Send: "show config\r", Reply: []string{"show config\r\n# RTX1210 Rev.14.01.42\r\n# "}},
				{Reply: []string{"Reporting Date: x\r\nip lan1 address 192.168.100.1/24\r\n# "}, Delay: 10 * time.Millisecond},
			},
			want:      "# RTX1210 Rev.14.01.42\n# Reporting Date: x\nip lan1 address 192.168.100.1/24\n",
			wantDelay: 10 * time.Millisecond,
		},
		{
			name:     "configuration lines rule out a header",
			headerOK: true,
			steps: []channeltest.Step{
				{Send: "show config\r", Reply: []string{"show config\r\n# RTX1210 Rev.14.01.42\r\nip lan1 address 192.168.100.1/24\r\n# "}},
			},
			want: "# RTX1210 Rev.14.01.42\nip lan1 address 192.168.100.1/24\n",
		},
		{
			name:     "only header lines: silence settles the prompt",
			headerOK: true,
			steps: []channeltest.Step{
				{Send: "show config\r", Reply: []string{"show config\r\n# RTX1210 Rev.14.01.42\r\n# "}},
			},
			want:      "# RTX1210 Rev.14.01.42\n",
			wantDelay: quiet,
		},
		{
			name: "without header knowledge every match waits",
			steps: []channeltest.Step{
				{Send: "show config\r", Reply: []string{"show config\r\nip lan1 address 192.168.100.1/24\r\n# "}},
			},
			want:      "ip lan1 address 192.168.100.1/24\n",
			wantDelay: quiet,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				p := platform(0)
				p.Quiet = quiet
				if tt.headerOK {
					p.PromptLikeLine = regexp.MustCompile(`^#`)
				}
				d := newDriver(t, p, "admin", tt.steps...)
				start := time.Now()
				got, err := d.Run(t.Context(), "show config")
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Run mismatch (-want +got):\n%s", diff)
				}
				if delay := time.Since(start); delay != tt.wantDelay {
					t.Errorf("Run returned after %v on the fake clock, want %v", delay, tt.wantDelay)
				}
			})
		})
	}
}

func TestEscalate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		steps     []channeltest.Step
		wantErr   error
		wantLevel string
	}{
		{
			name: "password accepted",
			steps: []channeltest.Step{
				{Send: "administrator\r", Reply: []string{"administrator\r\nPassword: "}},
				{Send: "pw\r", Reply: []string{"\r\n# "}},
			},
			wantLevel: "admin",
		},
		{
			name:      "no password question",
			steps:     []channeltest.Step{{Send: "administrator\r", Reply: []string{"administrator\r\n# "}}},
			wantLevel: "admin",
		},
		{
			name: "prompt stays",
			steps: []channeltest.Step{
				{Send: "administrator\r", Reply: []string{"administrator\r\nPassword: "}},
				{Send: "pw\r", Reply: []string{"\r\nError: Incorrect password\r\n> "}},
			},
			wantErr:   driver.ErrBadPassword,
			wantLevel: "user",
		},
		{
			name: "password asked again",
			steps: []channeltest.Step{
				{Send: "administrator\r", Reply: []string{"administrator\r\nPassword: "}},
				{Send: "pw\r", Reply: []string{"\r\nPassword: "}},
				{Send: "\r", Reply: []string{"\r\n> "}},
			},
			wantErr:   driver.ErrBadPassword,
			wantLevel: "user",
		},
		{
			name: "command refused",
			steps: []channeltest.Step{
				{Send: "administrator\r", Reply: []string{"administrator\r\nError: Administrator use only\r\n> "}},
			},
			wantErr:   &driver.CommandError{},
			wantLevel: "user",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, platform(0), "user", tt.steps...)
			err := d.Escalate(t.Context(), "admin", "pw")
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Errorf("Escalate: %v", err)
				}
			case *driver.CommandError:
				if !errors.As(err, &want) {
					t.Errorf("Escalate error = %v, want *CommandError", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Errorf("Escalate error = %v, want %v", err, want)
				}
			}
			var pe *driver.PrivilegeError
			if err != nil && !errors.As(err, &pe) {
				t.Errorf("Escalate error = %v, want *PrivilegeError", err)
			}
			if got := d.Level(); got != tt.wantLevel {
				t.Errorf("Level() = %q, want %q", got, tt.wantLevel)
			}
		})
	}
}

func TestDeescalate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []channeltest.Step
	}{
		{"clean", []channeltest.Step{{Send: "exit\r", Reply: []string{"exit\r\n> "}}}},
		{"japanese save question", []channeltest.Step{
			{Send: "exit\r", Reply: []string{"exit\r\n新しい設定を保存しますか? (Y/N)"}},
			{Send: "N", Reply: []string{"N\r\n> "}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, platform(0), "admin", tt.steps...)
			if err := d.Deescalate(t.Context()); err != nil {
				t.Fatalf("Deescalate: %v", err)
			}
			if got := d.Level(); got != "user" {
				t.Errorf("Level() = %q, want user", got)
			}
		})
	}
}

func TestRunAfterTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := newDriver(t, platform(0), "admin",
			channeltest.Step{Send: "show a\r", Reply: []string{"show a\r\n", "a1\r\n# "}, Delay: 2 * time.Second},
			channeltest.Step{Send: "show b\r", Reply: []string{"show b\r\nb1\r\n# "}},
		)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		var te *channel.TimeoutError
		if _, err := d.Run(ctx, "show a"); !errors.As(err, &te) {
			t.Fatalf("Run(show a) error = %v, want *channel.TimeoutError", err)
		}
		got, err := d.Run(t.Context(), "show b")
		if err != nil {
			t.Fatalf("Run(show b): %v", err)
		}
		if diff := cmp.Diff("b1\n", got); diff != "" {
			t.Errorf("Run(show b) mismatch (-want +got):\n%s", diff)
		}
	})
}

// passwordPlatform adds password questions for "show config N" to platform:
// a distinct administrator prompt, and a plain one answered with the login
// password first and the administrator password second.
func passwordPlatform() driver.Platform {
	p := platform(0)
	saved := regexp.MustCompile(`^show config \d`)
	p.Questions = append(p.Questions,
		driver.Question{Pattern: regexp.MustCompile(`Administrator Password: `), Command: saved, Secrets: []string{"admin"}},
		driver.Question{Pattern: regexp.MustCompile(`Password: `), Command: saved, Secrets: []string{"login", "admin"}},
	)
	return p
}

func TestRunPasswordQuestions(t *testing.T) {
	t.Parallel()
	const cmd = "show config 0 | grep bgp"
	tests := []struct {
		name    string
		login   string // login secret; "" = unset
		steps   []channeltest.Step
		want    string
		wantErr *driver.PasswordError
	}{
		{
			name:  "no question",
			login: "lpw",
			steps: []channeltest.Step{{Send: cmd + "\r", Reply: []string{cmd + "\r\nSearching ...\r\nbgp use on\r\n# "}}},
			want:  "bgp use on\n",
		},
		{
			name:  "same prompt twice: login first, administrator second",
			login: "lpw",
			steps: []channeltest.Step{
				{Send: cmd + "\r", Reply: []string{cmd + "\r\nPassword: "}},
				{Send: "lpw\r", Reply: []string{"\r\nPassword: "}},
				{Send: "apw\r", Reply: []string{"\r\nSearching ...\r\nbgp use on\r\n# "}},
			},
			want: "bgp use on\n",
		},
		{
			name:  "distinct administrator prompt",
			login: "lpw",
			steps: []channeltest.Step{
				{Send: cmd + "\r", Reply: []string{cmd + "\r\nPassword: "}},
				{Send: "lpw\r", Reply: []string{"\r\nAdministrator Password: "}},
				{Send: "apw\r", Reply: []string{"\r\nSearching ...\r\nbgp use on\r\n# "}},
			},
			want: "bgp use on\n",
		},
		{
			name:  "rejected with an error line",
			login: "lpw",
			steps: []channeltest.Step{
				{Send: cmd + "\r", Reply: []string{cmd + "\r\nPassword: "}},
				{Send: "lpw\r", Reply: []string{"\r\nPassword: "}},
				{Send: "apw\r", Reply: []string{"\r\nError: Incorrect password\r\n# "}},
			},
			wantErr: &driver.PasswordError{Command: cmd, Secrets: []string{"login", "admin"}, Message: "Error: Incorrect password"},
		},
		{
			name: "unset login password, asked again",
			steps: []channeltest.Step{
				{Send: cmd + "\r", Reply: []string{cmd + "\r\nPassword: "}},
				{Send: "\r", Reply: []string{"\r\nPassword: "}},
				{Send: "apw\r", Reply: []string{"\r\nPassword: "}},
				{Send: "\r", Reply: []string{"\r\n# "}},
			},
			wantErr: &driver.PasswordError{Command: cmd, Secrets: []string{"login", "admin"}, Missing: []string{"login"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, passwordPlatform(), "admin", tt.steps...)
			d.SetSecret("login", tt.login)
			d.SetSecret("admin", "apw")
			got, err := d.Run(t.Context(), cmd)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Run mismatch (-want +got):\n%s", diff)
				}
				return
			}
			var pe *driver.PasswordError
			if !errors.As(err, &pe) || !errors.Is(err, driver.ErrBadPassword) {
				t.Fatalf("Run error = %v, want a *PasswordError matching ErrBadPassword", err)
			}
			if diff := cmp.Diff(tt.wantErr, pe); diff != "" {
				t.Errorf("PasswordError mismatch (-want +got):\n%s", diff)
			}
			for _, secret := range []string{"lpw", "apw"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q reveals a password", err)
				}
			}
		})
	}
}

// TestEscalateIgnoresCommandQuestions checks that a password question
// limited to some commands does not take the escalation's password prompt.
func TestEscalateIgnoresCommandQuestions(t *testing.T) {
	t.Parallel()
	d := newDriver(t, passwordPlatform(), "user",
		channeltest.Step{Send: "administrator\r", Reply: []string{"administrator\r\nPassword: "}},
		channeltest.Step{Send: "pw\r", Reply: []string{"\r\n# "}},
	)
	d.SetSecret("admin", "apw")
	if err := d.Escalate(t.Context(), "admin", "pw"); err != nil {
		t.Fatalf("Escalate: %v", err)
	}
}
