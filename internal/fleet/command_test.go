package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/iostreams"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		data map[string]any
		want string
	}{
		{"nothing", nil, ""},
		{"status on", map[string]any{"tunnel": "on", "saved": true, "saved_checked": true}, "on"},
		{"status pending", map[string]any{"tunnel": "on", "saved": false, "saved_checked": true, "pending": map[string]any{}}, "on, not saved, pending"},
		{"tunnel changed", map[string]any{"want": "on", "changed": true, "saved": true}, "turned on, saved"},
		{"tunnel already", map[string]any{"want": "off", "changed": false, "saved": false}, "already off"},
		{"tunnel dry run", map[string]any{"want": "on", "dry_run": true}, "dry run: on"},
		{"confirm", map[string]any{"disarmed": true, "saved": true}, "saved"},
		{"rollback", map[string]any{"disarmed": true, "changed": true, "saved": false}, "undone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Describe(tt.data)); diff != "" {
				t.Errorf("Describe (-want +got):\n%s", diff)
			}
		})
	}
}

// commandFactory returns a factory whose config file has routers a, b and
// c and group g of c and a, and whose standard output is out.
func commandFactory(out *bytes.Buffer) *cli.Factory {
	cfg := &config.Config{
		Routers: map[string]config.Host{"a": {Name: "a", Host: "192.0.2.1"}, "b": {Name: "b", Host: "192.0.2.2"}, "c": {Name: "c", Host: "192.0.2.3"}},
		Groups:  map[string]config.Group{"g": {Routers: []string{"c", "a"}}},
	}
	return &cli.Factory{
		IO:        &iostreams.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: io.Discard},
		Config:    func() (*config.Config, error) { return cfg, nil },
		LookupEnv: func(string) (string, bool) { return "", false },
		Now:       time.Now,
		ExitCode:  exitCode,
	}
}

func TestOptionsRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		groups   []string
		output   string
		wantRuns []string // "nil:ARGS" for a single-router run, else the turn's router
		wantOut  string
		wantCode int
	}{
		{name: "one router as today", args: []string{"b"}, output: cli.OutputText, wantRuns: []string{"nil:b"}},
		{name: "no router as today", output: cli.OutputText, wantRuns: []string{"nil:"}},
		{name: "names and a group, each once", args: []string{"a", "b"}, groups: []string{"g"}, output: cli.OutputText, wantRuns: []string{"a", "b", "c"},
			wantOut: "ROUTER  RESULT      STATE  ERROR\na       ok          on\nb       failed (4)  off    failure 4\nc       ok          on\n" +
				"3 routers: 2 succeeded, 1 failed; exit status 4\n",
			wantCode: cli.ExitAuth},
		{name: "json lines", groups: []string{"g"}, output: cli.OutputJSON, wantRuns: []string{"a", "c"},
			wantOut: `{"router":"c","exit_code":0,"state":"on","seconds":0,"data":{"tunnel":"on"}}` + "\n" +
				`{"router":"a","exit_code":0,"state":"on","seconds":0,"data":{"tunnel":"on"}}` + "\n" +
				`{"summary":{"routers":2,"succeeded":2,"failed":0,"not_started":0,"exit_code":0}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			f := commandFactory(&out)
			f.Now = func() time.Time { return time.Time{} }
			o := &Options{Groups: tt.groups, Parallel: 1, RouterTimeout: time.Minute}
			var mu sync.Mutex
			var runs []string
			cmd := &cobra.Command{}
			cmd.SetContext(t.Context())
			err := o.Run(cmd, f, tt.args, tt.output, func(ctx context.Context, turn *Turn, args []string) error {
				mu.Lock()
				defer mu.Unlock()
				if turn == nil {
					runs = append(runs, "nil:"+strings.Join(args, " "))
					return nil
				}
				runs = append(runs, turn.Router)
				if turn.Router == "b" {
					fmt.Fprintln(turn.IO.Out, `{"tunnel":"off"}`)
					return codeError(cli.ExitAuth)
				}
				fmt.Fprintln(turn.IO.Out, `{"tunnel":"on"}`)
				return nil
			})
			slices.Sort(runs)
			if diff := cmp.Diff(tt.wantRuns, runs); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			got := cli.ExitOK
			if err != nil {
				got = cli.ExitFailure
				var exitErr *cli.ExitError
				if errors.As(err, &exitErr) {
					got = exitErr.Code
				}
			}
			if got != tt.wantCode {
				t.Errorf("error = %v, want exit status %d", err, tt.wantCode)
			}
		})
	}
}
