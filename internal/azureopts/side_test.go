package azureopts

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/progress"
	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
)

// TestSideAfterChange drives the whole production path (flags, config,
// DefaultAzureCredential from the environment, a trusted CA file) against
// the fake: Azure learns the default route late, then agrees.
func TestSideAfterChange(t *testing.T) {
	speaker := &azuretest.StaticSpeaker{}
	cfg := azuretest.DefaultConfig()
	cfg.Gateway.Peers[0].Speaker = speaker
	cfg.PropagationDelay = 50 * time.Millisecond
	cfg.RetryAfter = 5 * time.Millisecond
	cfg.RouteTables[0].Routes = []azuretest.Route{
		{Name: "k1", AddressPrefix: azure.KMSPrefixes[0], NextHopType: "Internet"},
		{Name: "k2", AddressPrefix: azure.KMSPrefixes[1], NextHopType: "Internet"},
		{Name: "k3", AddressPrefix: azure.KMSPrefixes[2], NextHopType: "Internet"},
	}
	srv, ca := azuretest.StartForTest(t, cfg)
	c := srv.Config()

	var s Side
	fs := pflag.NewFlagSet("tunnel", pflag.ContinueOnError)
	s.AddTunnelFlags(fs)
	if err := fs.Parse([]string{"--azure-required", "--wait-interval", "10ms", "--nic", azuretest.DefaultNIC}); err != nil {
		t.Fatal(err)
	}
	if err := s.Prepare(config.Azure{Subscription: c.Subscription, ResourceGroup: c.ResourceGroup, Gateway: c.Gateway.Name,
		NICs: []string{"ignored-nic"}, Endpoint: srv.URL(), CAFile: ca}); err != nil {
		t.Fatal(err)
	}
	speaker.Set("Established", "0.0.0.0/0")
	// As with -v: a timestamped line when what is missing changes.
	var shown bytes.Buffer
	reporter := progress.New(&shown, progress.Options{Verbose: true})
	rep, err := s.AfterChange(t.Context(), reporter, azure.On, 5*time.Second)
	if err != nil {
		t.Fatalf("AfterChange: %v", err)
	}
	if !s.Enabled || !rep.Agrees() || len(rep.NICs) != 1 || rep.NICs[0].Name != azuretest.DefaultNIC {
		t.Errorf("AfterChange: enabled %v, report %+v; want enabled, agreeing, on the NIC of the flag", s.Enabled, rep)
	}
	for _, want := range []string{"waiting for Azure to learn the default route", "Azure has learned the default route after"} {
		if !strings.Contains(shown.String(), want) {
			t.Errorf("progress %q, want a line %q", shown.String(), want)
		}
	}

	// Withdrawn never: Azure keeps disagreeing, exit status 13. On a
	// terminal the status line says so, redrawn, and is erased at the end.
	s.Wait = time.Millisecond
	var screen bytes.Buffer
	rep, err = s.AfterChange(t.Context(), progress.New(&screen, progress.Options{TTY: true}), azure.Off, 100*time.Millisecond)
	var exitErr *cli.ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != cli.ExitAzureDisagrees || rep == nil || !rep.Learned.Default {
		t.Errorf("AfterChange(off) = %+v, %v; want the last report and exit status 13", rep, err)
	}
	const line, erase = "waiting for Azure to withdraw the default route from ", "\r\x1b[2K"
	if got := screen.String(); !strings.HasPrefix(got, line) || !strings.Contains(got, erase+line) || !strings.HasSuffix(got, erase) {
		t.Errorf("terminal shows %q, want the status line %q…, redrawn, then erased", got, line)
	}
}

func TestSidePrepare(t *testing.T) {
	t.Parallel()
	var off Side
	if err := off.Prepare(config.Azure{}); err != nil {
		t.Errorf("Prepare without --azure: %v", err)
	}
	on := Side{Enabled: true}
	var flagErr *cli.FlagError
	if err := on.Prepare(config.Azure{Subscription: "s"}); !errors.As(err, &flagErr) {
		t.Errorf("Prepare with --azure and no gateway = %v, want a *cli.FlagError", err)
	}
}

// TestSideUndo: with --azure-required a failed route check (or no report)
// undoes the change, missing KMS routes never do; without it nothing does.
func TestSideUndo(t *testing.T) {
	t.Parallel()
	report := func(failed ...string) *azure.Report {
		rep := &azure.Report{}
		for _, name := range []string{"peer", "learned", "default-route vm1-nic", "kms vm1-nic"} {
			v := azure.VerdictOK
			if slices.Contains(failed, name) {
				v = azure.VerdictFail
			}
			rep.Checks = append(rep.Checks, azure.Check{Name: name, Verdict: v})
		}
		return rep
	}
	tests := []struct {
		name     string
		required bool
		rep      *azure.Report
		want     bool
	}{
		{"agrees", true, report(), false},
		{"kms missing", true, report("kms vm1-nic"), false},
		{"peer down", true, report("peer"), true},
		{"not learned", true, report("learned", "kms vm1-nic"), true},
		{"nic default route", true, report("default-route vm1-nic"), true},
		{"no report", true, nil, true},
		{"not required", false, report("learned"), false},
	}
	for _, tt := range tests {
		s := Side{Enabled: true, Required: tt.required}
		if diff := cmp.Diff(tt.want, s.Undo(tt.rep)); diff != "" {
			t.Errorf("%s: Undo (-want +got):\n%s", tt.name, diff)
		}
	}
}
