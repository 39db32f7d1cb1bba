package fleet

import (
	"testing"

	"github.com/google/go-cmp/cmp"
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
