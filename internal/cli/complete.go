package cli

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/config"
)

// CompleteRouters returns a shell completion function that offers the router
// names of the configuration file: for every argument of a command whose
// usage takes ROUTER... (the names not given yet), else for the first. It
// reads the file only when the shell asks; an unreadable file offers
// nothing.
func CompleteRouters(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 && !strings.Contains(cmd.Use, "ROUTER...") {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return matching(slices.Collect(maps.Keys(cfg.Routers)), args, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeGroups offers the group and pair names of the configuration file
// for --group.
func completeGroups(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return matching(cfg.GroupNames(), nil, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// matching returns the names starting with prefix that given does not
// hold, sorted.
func matching(names, given []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, name := range names {
		if strings.HasPrefix(name, prefix) && !slices.Contains(given, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
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
// below it: the values of -o, --transport, --encoding and --match, the
// group and pair names of the configuration file for --group, and its
// router names for a command whose usage takes a ROUTER and that has no
// completion of its own.
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
	if _, ok := cmd.GetFlagCompletionFunc("group"); !ok && cmd.Flags().Lookup("group") != nil {
		_ = cmd.RegisterFlagCompletionFunc("group", completeGroups(f))
	}
	if cmd.ValidArgsFunction == nil && strings.Contains(cmd.Use, "ROUTER") {
		cmd.ValidArgsFunction = CompleteRouters(f)
	}
	for _, sub := range cmd.Commands() {
		RegisterCompletions(sub, f)
	}
}
