package cli

import (
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/logfile"
)

// LogOptions holds the logging flags of the commands that change a router:
// every run appends timestamped lines to the log file; -v also prints them
// on standard error.
type LogOptions struct {
	File    string // --log-file; "" = rtxctl.log in the state directory
	Verbose bool   // -v/--verbose
}

// AddFlags registers --log-file and -v/--verbose on cmd.
func (o *LogOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.File, "log-file", "", "append a timestamped log to `FILE` (default $XDG_STATE_HOME/rtxctl/rtxctl.log)")
	cmd.Flags().BoolVarP(&o.Verbose, "verbose", "v", false, "also print the log on standard error")
}

// Open returns the logger of this run: the log file (in stateDir unless
// --log-file), and errOut too with -v. The caller must call close.
func (o *LogOptions) Open(stateDir string, errOut io.Writer) (logger *slog.Logger, close func() error, err error) {
	path := o.File
	if path == "" {
		path = logfile.DefaultPath(stateDir)
	}
	logger, close, err = logfile.Open(path, slog.LevelInfo)
	if err != nil {
		return nil, nil, err
	}
	if o.Verbose {
		stderr := slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelInfo})
		logger = slog.New(slog.NewMultiHandler(logger.Handler(), stderr))
	}
	return logger, close, nil
}
