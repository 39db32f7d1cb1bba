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
		use        string
		args       []string
		toComplete string
		want       []cobra.Completion
	}{
		{name: "all", use: "show [ROUTER]", want: []cobra.Completion{"osaka", "tokyo", "tottori"}},
		{name: "prefix", use: "show [ROUTER]", toComplete: "to", want: []cobra.Completion{"tokyo", "tottori"}},
		{name: "router already given", use: "show [ROUTER]", args: []string{"tokyo"}, want: nil},
		{name: "several routers: the others", use: "status [ROUTER...]", args: []string{"tokyo"}, want: []cobra.Completion{"osaka", "tottori"}},
		{name: "several routers: prefix", use: "status [ROUTER...]", args: []string{"tokyo"}, toComplete: "to", want: []cobra.Completion{"tottori"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, directive := CompleteRouters(f)(&cobra.Command{Use: tt.use}, tt.args, tt.toComplete)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CompleteRouters(%q, %q) mismatch (-want +got):\n%s", tt.args, tt.toComplete, diff)
			}
			if directive != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("CompleteRouters() directive = %v, want NoFileComp", directive)
			}
		})
	}
}

func TestRegisterCompletions(t *testing.T) {
	t.Parallel()
	f := &Factory{Config: func() (*config.Config, error) {
		return &config.Config{
			Routers: map[string]config.Host{"tokyo": {}, "osaka": {}, "osaka-b": {Pair: "kansai-pair"}, "osaka-c": {Pair: "kansai-pair"}},
			Groups:  map[string]config.Group{"kanto": {Routers: []string{"tokyo"}}},
		}, nil
	}}
	root := &cobra.Command{Use: "rtxctl"}
	sub := &cobra.Command{Use: "status [ROUTER]"}
	var o ConnectionOptions
	o.AddFlags(sub)
	sub.Flags().String("match", "", "")
	sub.Flags().StringArray("group", nil, "")
	root.AddCommand(sub)
	RegisterCompletions(root, f)

	tests := []struct {
		flag string
		want []cobra.Completion
	}{
		{"output", []cobra.Completion{"text", "json"}},
		{"transport", []cobra.Completion{"ssh", "telnet"}},
		{"encoding", []cobra.Completion{"auto", "shift_jis", "euc-jp", "utf-8", "ascii"}},
		{"match", []cobra.Completion{"include", "equal"}},
		{"group", []cobra.Completion{"kansai-pair", "kanto"}},
	}
	for _, tt := range tests {
		complete, ok := sub.GetFlagCompletionFunc(tt.flag)
		if !ok {
			t.Errorf("--%s: no completion", tt.flag)
			continue
		}
		got, _ := complete(sub, nil, "")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("--%s completion mismatch (-want +got):\n%s", tt.flag, diff)
		}
	}
	if sub.ValidArgsFunction == nil {
		t.Fatal("no router completion for a command taking ROUTER")
	}
	got, _ := sub.ValidArgsFunction(sub, nil, "")
	if diff := cmp.Diff([]cobra.Completion{"osaka", "osaka-b", "osaka-c", "tokyo"}, got); diff != "" {
		t.Errorf("router completion mismatch (-want +got):\n%s", diff)
	}
	if root.ValidArgsFunction != nil {
		t.Error("router completion on a command without ROUTER")
	}
}
