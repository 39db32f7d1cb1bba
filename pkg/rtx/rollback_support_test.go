package rtx

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFirmwareScheduleSupport(t *testing.T) {
	t.Parallel()
	yes, no, unknown := Supported, Unsupported, SupportUnknown
	tests := []struct {
		revision       string
		relative, load Support
	}{
		{"14.00.25", no, no}, // RTX5000/RTX3500
		{"14.00.26", no, yes},
		{"14.00.32", yes, yes},
		{"14.01.27", no, no}, // RTX1210
		{"14.01.28", no, yes},
		{"14.01.40", no, yes},
		{"Rev.14.01.41", yes, yes},
		{"15.02.02", no, no}, // RTX830
		{"15.02.03", yes, yes},
		{"15.04.03", no, yes}, // RTX1220
		{"15.04.04", yes, yes},
		{"23.00.01", yes, yes}, // RTX1300, RTX3510, RTX840
		{"10.01.65", no, no},   // RTX1200
		{"8.03.94", no, no},    // RTX1500
		{"19.01.05", unknown, yes},
		{"", unknown, no},
		{"14.01", unknown, no},
	}
	for _, tt := range tests {
		t.Run(tt.revision, func(t *testing.T) {
			t.Parallel()
			want := ScheduleSupport{RelativeSchedule: tt.relative, ScheduledLoad: tt.load}
			if diff := cmp.Diff(want, FirmwareScheduleSupport(tt.revision)); diff != "" {
				t.Errorf("FirmwareScheduleSupport(%q) mismatch (-want +got):\n%s", tt.revision, diff)
			}
		})
	}
}
