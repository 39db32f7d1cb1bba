package rtx

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestArmScheduledRollback(t *testing.T) {
	t.Parallel()
	absolute := func(hms string) string { return "schedule at 1 11/25 " + hms + " * load 0 difference silent" }
	tests := []struct {
		name  string
		setup func(*rollbackConsole)
		opts  ArmOptions
		cmds  []string
		want  *ScheduledRollback
	}{
		{
			name: "relative load",
			opts: ArmOptions{After: 10 * time.Minute},
			cmds: []string{showEnv, showConfig, showSaved, armRelative, showSchedules},
			want: &ScheduledRollback{ID: 1, Command: "load 0 difference silent", Line: armRelative, Relative: true,
				Deadline: routerNow.Add(10*time.Minute + time.Second)},
		},
		{
			name: "next to an ntpdate schedule, deadline given, router clock 90 s ahead",
			setup: func(f *rollbackConsole) {
				f.schedules = []string{"schedule at 1 */* 00:00:00 * ntpdate ntp.example.jp syslog"}
				f.savedSchedules = f.schedules
			},
			opts: ArmOptions{Deadline: routerNow.Add(-90*time.Second + 30*time.Second)},
			cmds: []string{showEnv, showConfig, showSaved, "schedule at 2 +30 * load 0 difference silent", showSchedules},
			want: &ScheduledRollback{ID: 2, Command: "load 0 difference silent", Line: "schedule at 2 +30 * load 0 difference silent", Relative: true,
				Deadline: routerNow.Add(31 * time.Second), Skew: 90 * time.Second},
		},
		{
			name: "beyond an hour: absolute",
			opts: ArmOptions{After: time.Hour + time.Second},
			cmds: []string{showEnv, showConfig, showSaved, absolute("11:00:02"), showSchedules, showEnv},
			want: &ScheduledRollback{ID: 1, Command: "load 0 difference silent", Line: absolute("11:00:02"), Deadline: routerNow.Add(time.Hour + 2*time.Second)},
		},
		{
			name:  "relative form refused: absolute",
			setup: func(f *rollbackConsole) { f.refuseRelative = true },
			opts:  ArmOptions{After: 10 * time.Minute},
			cmds:  []string{showEnv, showConfig, showSaved, armRelative, absolute("10:10:01"), showSchedules, showEnv},
			want:  &ScheduledRollback{ID: 1, Command: "load 0 difference silent", Line: absolute("10:10:01"), Deadline: routerNow.Add(10*time.Minute + time.Second)},
		},
		{
			name:  "firmware without +SECONDS: absolute",
			setup: func(f *rollbackConsole) { f.revision = "14.01.30" },
			opts:  ArmOptions{After: 10 * time.Minute},
			cmds:  []string{showEnv, showConfig, showSaved, absolute("10:10:01"), showSchedules, showEnv},
			want:  &ScheduledRollback{ID: 1, Command: "load 0 difference silent", Line: absolute("10:10:01"), Deadline: routerNow.Add(10*time.Minute + time.Second)},
		},
		{
			name:  "firmware without load in schedules: restart when allowed",
			setup: func(f *rollbackConsole) { f.revision = "14.01.20" },
			opts:  ArmOptions{After: 10 * time.Minute, AllowRestart: true},
			cmds:  []string{showEnv, showConfig, showSaved, "schedule at 1 11/25 10:10:01 * restart", showSchedules, showEnv},
			want: &ScheduledRollback{ID: 1, Command: "restart", Line: "schedule at 1 11/25 10:10:01 * restart", Restart: true,
				Deadline: routerNow.Add(10*time.Minute + time.Second)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRollbackConsole(t, bgpOff, tt.setup)
			opts := tt.opts
			opts.Now = func() time.Time { return routerNow.Add(-tt.want.Skew) }
			got, err := ArmScheduledRollback(t.Context(), f, opts)
			if err != nil {
				t.Fatalf("ArmScheduledRollback: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ScheduledRollback mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestArmScheduledRollbackRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(*rollbackConsole)
		opts  ArmOptions
		cmds  []string
		want  error
		// left is the schedule lines left in the running configuration.
		left []string
	}{
		{
			name: "deadline in the past", opts: ArmOptions{Deadline: routerNow.Add(-time.Second)},
			cmds: []string{showEnv}, want: ErrInvalidOption,
		},
		{
			name: "old firmware", setup: func(f *rollbackConsole) { f.revision = "14.01.20" }, opts: ArmOptions{After: time.Minute},
			cmds: []string{showEnv}, want: ErrNoScheduledRollback,
		},
		{
			name: "legacy firmware", setup: func(f *rollbackConsole) { f.revision = "10.01.65" }, opts: ArmOptions{After: time.Minute},
			cmds: []string{showEnv}, want: ErrNoScheduledRollback,
		},
		{
			name: "unsaved changes", setup: func(f *rollbackConsole) { f.unsaved = []string{"ip route 10.1.0.0/16 gateway 192.168.254.254"} },
			opts: ArmOptions{After: time.Minute}, cmds: []string{showEnv, showConfig, showSaved}, want: ErrUnsavedChanges,
		},
		{
			name: "schedule refused", setup: func(f *rollbackConsole) { f.refuseSchedule = true }, opts: ArmOptions{After: time.Minute},
			cmds: []string{showEnv, showConfig, showSaved, "schedule at 1 +60 * load 0 difference silent", "schedule at 1 11/25 10:01:01 * load 0 difference silent"},
			want: ErrNoScheduledRollback,
		},
		{
			name: "clock passed the deadline while arming", opts: ArmOptions{After: 2 * time.Hour},
			setup: func(f *rollbackConsole) { f.clockJump = 3 * time.Hour },
			cmds:  []string{showEnv, showConfig, showSaved, "schedule at 1 11/25 12:00:01 * load 0 difference silent", showSchedules, showEnv, disarm1},
			want:  context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRollbackConsole(t, bgpOff, tt.setup)
			opts := tt.opts
			opts.Now = func() time.Time { return routerNow }
			_, err := ArmScheduledRollback(t.Context(), f, opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ArmScheduledRollback = %v, want %v", err, tt.want)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.left, f.schedules, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("schedules left mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDisarmScheduledRollback(t *testing.T) {
	t.Parallel()
	ours := ScheduledRollback{ID: 1, Command: "load 0 difference silent"}
	tests := []struct {
		name      string
		schedules []string
		keep      bool
		rb        ScheduledRollback
		cmds      []string
		removed   bool
		wantErr   bool
		left      []string
	}{
		{name: "armed", schedules: []string{armRelative}, rb: ours, cmds: []string{showSchedules, disarm1, showSchedules}, removed: true},
		{name: "already gone", rb: ours, cmds: []string{showSchedules}},
		{
			name: "id taken by another entry", schedules: []string{"schedule at 1 */* 00:00:00 * ntpdate ntp.example.jp"}, rb: ours,
			cmds: []string{showSchedules}, left: []string{"schedule at 1 */* 00:00:00 * ntpdate ntp.example.jp"},
		},
		{name: "by id only", schedules: []string{"schedule at 1 +60 * restart"}, rb: ScheduledRollback{ID: 1}, cmds: []string{showSchedules, disarm1, showSchedules}, removed: true},
		{
			name: "still there", schedules: []string{armRelative}, keep: true, rb: ours,
			cmds: []string{showSchedules, disarm1, showSchedules}, removed: true, wantErr: true, left: []string{armRelative},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRollbackConsole(t, bgpOff)
			f.schedules, f.keepSchedules = tt.schedules, tt.keep
			removed, err := DisarmScheduledRollback(t.Context(), f, tt.rb)
			if (err != nil) != tt.wantErr || removed != tt.removed {
				t.Errorf("DisarmScheduledRollback = %v, %v; want removed %v, error %v", removed, err, tt.removed, tt.wantErr)
			}
			if diff := cmp.Diff(tt.cmds, f.commands()); diff != "" {
				t.Errorf("commands mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.left, f.schedules, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("schedules left mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
