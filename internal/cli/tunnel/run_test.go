package tunnel

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/rtx"
)

func mustShowConfig(t *testing.T, text string) *rtx.ShowConfig {
	t.Helper()
	sc, err := rtx.ParseShowConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestConsoleRepair(t *testing.T) {
	t.Parallel()
	const session = "# RTX1210 Rev.14.01.42\r\nconsole lines infinity\r\nconsole columns 200\r\nbgp use on\r\n"
	tests := []struct {
		name       string
		running    string
		saved      string
		wantFix    []string
		wantBackup string
	}{
		{
			name:       "factory defaults saved",
			running:    session,
			saved:      "bgp use on\n",
			wantFix:    []string{"no console lines", "no console columns"},
			wantBackup: "# RTX1210 Rev.14.01.42\r\nbgp use on\r\n",
		},
		{
			name:       "own settings saved",
			running:    session,
			saved:      "console columns 120\nconsole lines 40\nbgp use on\n",
			wantFix:    []string{"console lines 40", "console columns 120"},
			wantBackup: "# RTX1210 Rev.14.01.42\r\nconsole lines 40\r\nconsole columns 120\r\nbgp use on\r\n",
		},
		{
			name:       "session values saved",
			running:    session,
			saved:      "console lines infinity\nconsole columns 200\n",
			wantBackup: session,
		},
		{
			name:       "other values running",
			running:    "console lines 30\nbgp use on\n",
			saved:      "bgp use on\n",
			wantBackup: "console lines 30\nbgp use on\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			running, saved := mustShowConfig(t, tt.running), mustShowConfig(t, tt.saved)
			if diff := cmp.Diff(tt.wantFix, leftoverConsole(running, saved)); diff != "" {
				t.Errorf("leftoverConsole mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantBackup, routerConsole(tt.running, saved)); diff != "" {
				t.Errorf("routerConsole mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
