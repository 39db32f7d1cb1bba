// Package version implements `rtxctl version`.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/build"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
)

// Options holds the inputs of `rtxctl version`.
type Options struct {
	IO     *iostreams.IOStreams
	Output string
	Info   build.Info
}

// NewCmdVersion returns the `version` command. runF replaces the command's
// action in tests; nil runs it.
func NewCmdVersion(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO}
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version of rtxctl",
		Example: "  rtxctl version\n  rtxctl version -o json",
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cli.ValidateOutput(opts.Output); err != nil {
				return err
			}
			opts.Info = build.Current()
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", cli.OutputText, "output format: {text | json}")
	return cmd
}

func run(opts *Options) error {
	if opts.Output == cli.OutputJSON {
		return cli.WriteJSON(opts.IO.Out, opts.Info)
	}
	_, err := fmt.Fprintln(opts.IO.Out, Line(opts.Info))
	return err
}

// Line is the version line of `rtxctl version` and `rtxctl --version`:
// "rtxctl VERSION (commit COMMIT, GOVERSION)".
func Line(info build.Info) string {
	return fmt.Sprintf("rtxctl %s (commit %s, %s)", info.Version, info.Commit, info.GoVersion)
}
