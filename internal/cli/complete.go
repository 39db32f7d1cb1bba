package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
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
