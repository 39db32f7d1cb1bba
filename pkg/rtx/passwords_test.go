package rtx_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// passwordLines are saved configuration lines that make `show config N`
// ask for passwords under the SavedConfigPasswords variant.
const passwordLines = "administrator password encrypted *\nlogin user rtxctl encrypted *\n"

// TestSavedConfigPasswords reads the saved configuration with and without
// the router asking for the login and administrator passwords.
func TestSavedConfigPasswords(t *testing.T) {
	t.Parallel()
	asking := func(prompts string) func(*rtxtest.Scenario) {
		return func(sc *rtxtest.Scenario) {
			sc.SavedConfig += passwordLines
			sc.Variants.SavedConfigPasswords = true
			sc.Variants.SavedConfigPrompts = prompts
		}
	}
	tests := []struct {
		name     string
		scenario func(*rtxtest.Scenario)
		config   func(*rtx.Config)
		admin    bool
		wantErr  *driver.PasswordError // nil = success
	}{
		{name: "variant off", scenario: func(sc *rtxtest.Scenario) { sc.SavedConfig += passwordLines }},
		{name: "no password commands", scenario: func(sc *rtxtest.Scenario) { sc.Variants.SavedConfigPasswords = true }},
		{name: "same prompt twice", scenario: asking("same")},
		{name: "same prompt twice, administrator mode", scenario: asking("same"), admin: true},
		{name: "distinct administrator prompt", scenario: asking("admin")},
		{name: "named prompts", scenario: asking("named"), admin: true},
		{
			name:     "wrong administrator password",
			scenario: asking("same"),
			config:   func(cfg *rtx.Config) { cfg.AdminPassword = "wrong-admin" },
			wantErr:  &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"}, Message: "エラー: パスワードが間違っています"},
		},
		{
			name:     "missing administrator password, named prompts",
			scenario: asking("named"),
			config:   func(cfg *rtx.Config) { cfg.AdminPassword = "" },
			wantErr: &driver.PasswordError{Command: "show config 0", Secrets: []string{"login", "administrator"},
				Missing: []string{"administrator"}, Message: "エラー: パスワードが間違っています"},
		},
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, tt.scenario)
					cfg := clientConfig(t, srv, tr)
					var transcript bytes.Buffer
					cfg.Transcript = &transcript
					if tt.config != nil {
						tt.config(&cfg)
					}
					c := dial(t, cfg)
					if tt.admin {
						mustAdmin(t, c)
					}
					text, err := c.SavedConfig(testContext(t))
					if tt.wantErr != nil {
						checkPasswordError(t, err, tt.wantErr, cfg)
						// The session is still in step.
						if diff := cmp.Diff(bgpConfig, mustRun(t, c, "show config | grep bgp")); diff != "" {
							t.Errorf("show config | grep bgp after the error mismatch (-want +got):\n%s", diff)
						}
						return
					}
					if err != nil {
						t.Fatalf("SavedConfig: %v", err)
					}
					sc, err := rtx.ParseShowConfig(text)
					if err != nil {
						t.Fatalf("ParseShowConfig: %v", err)
					}
					if diff := cmp.Diff(srv.Router.SavedConfig(), sc.TopLevel()); diff != "" {
						t.Errorf("SavedConfig lines mismatch (-want +got):\n%s", diff)
					}
					st, err := rtx.ReadTunnelStatus(testContext(t), c, rtx.StatusOptions{})
					if err != nil {
						t.Fatalf("ReadTunnelStatus: %v", err)
					}
					if !st.SavedChecked || !st.Saved {
						t.Errorf("ReadTunnelStatus: SavedChecked, Saved = %v, %v; want true, true", st.SavedChecked, st.Saved)
					}
					c.Close()
					for _, secret := range []string{cfg.Password, cfg.AdminPassword} {
						if strings.Contains(transcript.String(), secret) {
							t.Errorf("transcript reveals %q", secret)
						}
					}
				})
			}
		})
	}
}

// TestShowConfigDifferencePasswords runs `show config difference` on a
// router that asks for passwords.
func TestShowConfigDifferencePasswords(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(sc *rtxtest.Scenario) {
				sc.SavedConfig += passwordLines
				sc.Variants.SavedConfigPasswords = true
				sc.Variants.SavedConfigPrompts = "admin"
			})
			c := dial(t, clientConfig(t, srv, tr))
			mustAdmin(t, c)
			mustRun(t, c, forcedFilter)
			if diff := cmp.Diff("+ "+forcedFilter+"\n", mustRun(t, c, "show config difference 0 - | grep bgp")); diff != "" {
				t.Errorf("show config difference 0 - | grep bgp mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func checkPasswordError(t *testing.T, err error, want *driver.PasswordError, cfg rtx.Config) {
	t.Helper()
	var pe *driver.PasswordError
	if !errors.As(err, &pe) || !errors.Is(err, driver.ErrBadPassword) {
		t.Fatalf("error = %v, want a *driver.PasswordError matching driver.ErrBadPassword", err)
	}
	if diff := cmp.Diff(want, pe); diff != "" {
		t.Errorf("PasswordError mismatch (-want +got):\n%s", diff)
	}
	for _, secret := range []string{cfg.Password, cfg.AdminPassword, adminPassword} {
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("error %q reveals a password", err)
		}
	}
}
