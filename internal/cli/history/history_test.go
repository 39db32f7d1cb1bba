package history

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/internal/cli/clitest"
	"github.com/rtxctl/rtxctl/internal/config"
	"github.com/rtxctl/rtxctl/internal/state"
)

func TestNewCmdHistory(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Routers: map[string]config.Host{"tokyo": {Name: "tokyo", Host: "192.0.2.1"}}}
	tests := []struct {
		name       string
		args       string
		wantHost   string
		wantOutput string
		wantFlag   bool
	}{
		{name: "router", args: "tokyo", wantHost: "192.0.2.1", wantOutput: "text"},
		{name: "host", args: "--host 127.0.0.1 -o json", wantHost: "127.0.0.1", wantOutput: "json"},
		{name: "host wins", args: "tokyo --host 127.0.0.1", wantHost: "127.0.0.1", wantOutput: "text"},
		{name: "unknown router", args: "osaka", wantFlag: true},
		{name: "no router", args: "", wantFlag: true},
		{name: "bad output", args: "tokyo -o yaml", wantFlag: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := clitest.Execute(clitest.NewFactory(cfg, t.TempDir()), NewCmdHistory, strings.Fields(tt.args))
			if !clitest.CheckUsage(t, err, tt.wantFlag) {
				return
			}
			if got.Host != tt.wantHost || got.Output != tt.wantOutput {
				t.Errorf("host, output = %q, %q; want %q, %q", got.Host, got.Output, tt.wantHost, tt.wantOutput)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 1, 30, 0, 0, time.Local)
	before := []string{"bgp import 65521 static filter 1"}
	after := []string{"bgp import filter 2 include 0.0.0.0/0", "bgp import 65521 static filter 1 2"}
	tests := []struct {
		name    string
		entries []state.Entry
		want    string
	}{
		{
			name: "pending with schedule",
			entries: []state.Entry{
				{ID: 1, Time: at, Host: "h", User: state.User{Local: "ops", Login: "admin"}, Action: state.ActionTunnelOn,
					Before: before, After: after, Pending: true, State: state.StatePending, Deadline: at.Add(15 * time.Minute), RouterScheduleID: 3},
				{ID: 2, Ref: 1, Time: at, Host: "h", User: state.User{Local: "ops", Login: "admin"}, Action: state.ActionTunnelOn, Result: state.ResultApplied},
			},
			want: `ID  TIME                 USER          ACTION             RESULT   SAVED  STATE
1   2026-11-25 01:30:00  ops as admin  tunnel-on          -        no     pending until 2026-11-25 01:45:00 (router schedule 3)
    - bgp import 65521 static filter 1
    + bgp import filter 2 include 0.0.0.0/0
    + bgp import 65521 static filter 1 2
2   2026-11-25 01:30:00  ops as admin  tunnel-on (ref 1)  applied  no     -
`,
		},
		{
			name: "failed rollback",
			entries: []state.Entry{
				{ID: 5, Ref: 4, Time: at, Host: "h", User: state.User{Local: "cron"}, Action: state.ActionRollback, Result: state.ResultFailed, Error: "connect: refused"},
			},
			want: `ID  TIME                 USER  ACTION            RESULT  SAVED  STATE
5   2026-11-25 01:30:00  cron  rollback (ref 4)  failed  no     -
    error: connect: refused
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := Write(&b, tt.entries); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("Write mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
