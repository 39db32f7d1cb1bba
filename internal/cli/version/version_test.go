package version

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/build"
	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/iostreams"
)

func TestNewCmdVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		want      string
		wantUsage bool
	}{
		{name: "default", args: nil, want: "text"},
		{name: "json", args: []string{"-o", "json"}, want: "json"},
		{name: "bad output", args: []string{"-o", "yaml"}, wantUsage: true},
		{name: "extra argument", args: []string{"now"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := iostreams.Test()
			var got string
			cmd := NewCmdVersion(&cli.Factory{IO: ios}, func(o *Options) error { got = o.Output; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetFlagErrorFunc(cli.WrapFlagError)
			err := cmd.Execute()
			var flagErr *cli.FlagError
			if tt.wantUsage != errors.As(err, &flagErr) {
				t.Fatalf("version %q: error = %v, want usage error: %v", tt.args, err, tt.wantUsage)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("version %q output format mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	info := build.Info{Version: "v1.2.3", Commit: "abc1234", GoVersion: "go1.26.0"}
	tests := []struct {
		output string
		want   string
	}{
		{"text", "rtxctl v1.2.3 (commit abc1234, go1.26.0)\n"},
		{"json", "{\n  \"schema_version\": 1,\n  \"version\": \"v1.2.3\",\n  \"commit\": \"abc1234\",\n  \"go_version\": \"go1.26.0\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			t.Parallel()
			ios, _, out, _ := iostreams.Test()
			if err := run(&Options{IO: ios, Output: tt.output, Info: info}); err != nil {
				t.Fatalf("run() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("run() output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
