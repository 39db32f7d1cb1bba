package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/config"
)

func TestCompleteRouters(t *testing.T) {
	t.Parallel()
	f := &Factory{Config: func() (*config.Config, error) {
		return &config.Config{Routers: map[string]config.Host{"tokyo": {}, "osaka": {}, "tottori": {}}}, nil
	}}
	tests := []struct {
		name       string
		args       []string
		toComplete string
		want       []cobra.Completion
	}{
		{name: "all", want: []cobra.Completion{"osaka", "tokyo", "tottori"}},
		{name: "prefix", toComplete: "to", want: []cobra.Completion{"tokyo", "tottori"}},
		{name: "router already given", args: []string{"tokyo"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, directive := CompleteRouters(f)(&cobra.Command{}, tt.args, tt.toComplete)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CompleteRouters(%q, %q) mismatch (-want +got):\n%s", tt.args, tt.toComplete, diff)
			}
			if directive != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("CompleteRouters() directive = %v, want NoFileComp", directive)
			}
		})
	}
}
