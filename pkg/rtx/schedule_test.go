package rtx

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSchedules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []Schedule
	}{
		{
			name: "show config",
			text: "# RTX1220 Rev.15.04.04 (Mon Jun 13 16:36:19 2022)\r\n" +
				"ip route default gateway 203.0.113.1\r\n" +
				"tunnel select 1\r\n schedule at 9 */* 01:00:00 * not top level\r\n" +
				"schedule at 1 */* 00:00:00 * ntpdate ntp.nict.jp syslog\r\n" +
				"schedule at 2 +600 * restart\r\n" +
				"schedule at 3 11/25 10:10:01 * load 0 difference silent\r\n" +
				"schedule at 4 */mon-fri 08:30:00 pp 1 pp enable 1\r\n" +
				"schedule at 5 */* startup * lua /sd1/boot.lua\r\n",
			want: []Schedule{
				{ID: 1, When: "*/* 00:00:00", Target: "*", Command: "ntpdate ntp.nict.jp syslog", Line: "schedule at 1 */* 00:00:00 * ntpdate ntp.nict.jp syslog"},
				{ID: 2, When: "+600", Target: "*", Command: "restart", Line: "schedule at 2 +600 * restart"},
				{ID: 3, When: "11/25 10:10:01", Target: "*", Command: "load 0 difference silent", Line: "schedule at 3 11/25 10:10:01 * load 0 difference silent"},
				{ID: 4, When: "*/mon-fri 08:30:00", Target: "pp 1", Command: "pp enable 1", Line: "schedule at 4 */mon-fri 08:30:00 pp 1 pp enable 1"},
				{ID: 5, When: "*/* startup", Target: "*", Command: "lua /sd1/boot.lua", Line: "schedule at 5 */* startup * lua /sd1/boot.lua"},
			},
		},
		{
			name: "grep output with a time but no date, and junk",
			text: "Searching ...\nschedule at 7 12:00 * restart\nschedule at x +1 * restart\nschedule at 8 +1 *\nschedule at 9 +1 bogus restart\n",
			want: []Schedule{{ID: 7, When: "12:00", Target: "*", Command: "restart", Line: "schedule at 7 12:00 * restart"}},
		},
		{name: "none", text: "Searching ...\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSchedules(tt.text)
			if err != nil {
				t.Fatalf("ParseSchedules: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSchedules(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestScheduleRelative(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]bool{"schedule at 1 +600 * restart": true, "schedule at 1 */* 00:00:00 * restart": false} {
		s, ok := ParseSchedule(line)
		if !ok || s.Relative() != want {
			t.Errorf("ParseSchedule(%q) = %+v, %v; want Relative %v", line, s, ok, want)
		}
	}
}

func TestFreeScheduleID(t *testing.T) {
	t.Parallel()
	all := make([]Schedule, MaxScheduleID)
	for i := range all {
		all[i].ID = i + 1
	}
	tests := []struct {
		name string
		ids  []int
		want int
	}{
		{name: "none", want: 1},
		{name: "first taken", ids: []int{1}, want: 2},
		{name: "gap", ids: []int{3, 1, 2, 5}, want: 4},
		{name: "all", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			entries := all
			if tt.name != "all" {
				entries = nil
				for _, id := range tt.ids {
					entries = append(entries, Schedule{ID: id})
				}
			}
			if got := FreeScheduleID(entries); got != tt.want {
				t.Errorf("FreeScheduleID(%v) = %d, want %d", tt.ids, got, tt.want)
			}
		})
	}
}
