package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/config"
)

// CompleteRouters returns a shell completion function that offers the router
// names of the configuration file for the first argument. It reads the file
// only when the shell asks; an unreadable file offers nothing.
func CompleteRouters(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []cobra.Completion
		for name := range cfg.Routers {
			if strings.HasPrefix(name, toComplete) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// flagValues are the values shell completion offers for the flags of that
// name, on every command that has one.
var flagValues = map[string][]string{
	"output":    {OutputText, OutputJSON},
	"transport": config.Transports,
	"encoding":  config.Encodings,
	"match":     config.Matches,
}

// RegisterCompletions sets up shell completion on cmd and every command
// below it: the values of -o, --transport, --encoding and --match, and the
// router names of the configuration file for a command whose usage takes a
// ROUTER and that has no completion of its own.
func RegisterCompletions(cmd *cobra.Command, f *Factory) {
	for name, values := range flagValues {
		if cmd.Flags().Lookup(name) == nil {
			continue
		}
		if _, ok := cmd.GetFlagCompletionFunc(name); !ok {
			// The error is for an unknown or already registered flag,
			// both ruled out above.
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	if cmd.ValidArgsFunction == nil && strings.Contains(cmd.Use, "ROUTER") {
		cmd.ValidArgsFunction = CompleteRouters(f)
	}
	for _, sub := range cmd.Commands() {
		RegisterCompletions(sub, f)
	}
}
