// Package root assembles the rtxctl command tree and runs it: [Main] sets
// up signal handling, executes the command, prints any error once and turns
// it into the exit status.
package root

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/build"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/cli/azure"
	"github.com/rtxctl/rtxctl/internal/cli/capture"
	"github.com/rtxctl/rtxctl/internal/cli/confirm"
	"github.com/rtxctl/rtxctl/internal/cli/history"
	"github.com/rtxctl/rtxctl/internal/cli/rollback"
	"github.com/rtxctl/rtxctl/internal/cli/show"
	"github.com/rtxctl/rtxctl/internal/cli/status"
	"github.com/rtxctl/rtxctl/internal/cli/tunnel"
	"github.com/rtxctl/rtxctl/internal/cli/version"
)

// NewCmdRoot returns the rtxctl root command with every subcommand.
func NewCmdRoot(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rtxctl",
		Short: "Safely automate YAMAHA RTX routers over SSH or Telnet",
		Long: `rtxctl drives the console of YAMAHA RTX routers over SSH or Telnet.

Routers can be named in the config file ($XDG_CONFIG_HOME/rtxctl/config.yaml,
or --config FILE) and then used by name: rtxctl show tokyo -- show config.
Exit statuses are listed in each command's help and in docs/exit-codes.md.`,
		Example: `  rtxctl show --host 192.168.100.1 --user admin -- show config
  rtxctl show tokyo --admin -- 'show config | grep bgp'
  rtxctl completion bash > /etc/bash_completion.d/rtxctl`,
		Args:          cli.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.Version = build.Current().Version
	cmd.SetVersionTemplate(version.Line(build.Current()) + "\n")
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetIn(f.IO.In)
	cmd.SetFlagErrorFunc(cli.WrapFlagError)
	f.ExitCode = ExitCode
	f.Subcommand = func(ctx context.Context, sf *cli.Factory, args []string) error {
		sub := NewCmdRoot(sf)
		sub.SetArgs(args)
		return sub.ExecuteContext(ctx)
	}
	cmd.PersistentFlags().StringVar(&f.ConfigFile, "config", "", "config `FILE` (default $XDG_CONFIG_HOME/rtxctl/config.yaml)")
	cmd.AddCommand(
		azure.NewCmdAzure(f),
		capture.NewCmdCapture(f, nil),
		confirm.NewCmdConfirm(f, nil),
		history.NewCmdHistory(f, nil),
		rollback.NewCmdRollback(f, nil),
		show.NewCmdShow(f, nil),
		status.NewCmdStatus(f, nil),
		tunnel.NewCmdTunnel(f, status.NewCmdStatus(f, nil)),
		version.NewCmdVersion(f, nil),
	)
	cli.RegisterCompletions(cmd, f)
	return cmd
}
