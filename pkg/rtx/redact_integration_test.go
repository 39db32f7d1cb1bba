package rtx

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// TestSecretsNeverRecorded: a session that reads a configuration full of
// distinctive secrets (one long enough to be hard-wrapped inside the key)
// records none of them in its transcript or debug log, while the output it
// returns, which backups keep, is complete.
func TestSecretsNeverRecorded(t *testing.T) {
	t.Parallel()
	long := "Wombat-" + strings.Repeat("k", 80) + "-Key"
	secrets := []string{"Zebra-Psk-4711", long, "Okapi-User-0815", "Lynx-Ppp-2222", "Ibex-Hash-9999", "Heron-Radius-31", "rtxctl-login", "rtxctl-admin"}
	extra := []string{
		"ipsec ike pre-shared-key 1 text Zebra-Psk-4711",
		"ipsec ike pre-shared-key 2 text " + long,
		"login user alice Okapi-User-0815",
		"pp auth username isp Lynx-Ppp-2222",
		"administrator password encrypted Ibex-Hash-9999",
		"radius secret Heron-Radius-31",
	}
	for _, tc := range []struct {
		transport string
		leave     bool // 80 columns: the long key is hard-wrapped
	}{{"ssh", true}, {"telnet", false}} {
		t.Run(tc.transport, func(t *testing.T) {
			t.Parallel()
			ctx := integrationContext(t)
			sc := rtxtest.DefaultScenario()
			sc.SavedConfig += strings.Join(extra, "\n") + "\n"
			srv := rtxtest.NewServer(sc)
			t.Cleanup(srv.Close)
			var transcript, log bytes.Buffer
			cfg := fakeConfig(t, srv, tc.transport)
			cfg.LeaveConsole, cfg.Transcript = tc.leave, &transcript
			cfg.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := Dial(ctx, cfg)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			if err := c.Administrator(ctx); err != nil {
				t.Fatalf("Administrator: %v", err)
			}
			out, err := c.Run(ctx, "show config")
			if err != nil {
				t.Fatalf("Run(show config): %v", err)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			for _, l := range extra {
				if !strings.Contains(out, l) {
					t.Errorf("show config output lacks %q", l)
				}
			}
			for what, text := range map[string]string{"transcript": transcript.String(), "debug log": log.String()} {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s holds the secret %q", what, s)
					}
				}
				if s := long[:40]; strings.Contains(text, s) {
					t.Errorf("%s holds the start of the wrapped key %q", what, s)
				}
			}
			if !strings.Contains(transcript.String(), "ipsec ike pre-shared-key 1 text <redacted>") {
				t.Errorf("transcript lacks the redacted pre-shared key line:\n%s", transcript.String())
			}
		})
	}
}
