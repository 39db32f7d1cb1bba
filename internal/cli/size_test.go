package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSizeValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    SizeValue
		str     string
		wantErr bool
	}{
		{in: "16MiB", want: 16 << 20, str: "16MiB"},
		{in: "16m", want: 16 << 20, str: "16MiB"},
		{in: "512 KiB", want: 512 << 10, str: "512KiB"},
		{in: "1G", want: 1 << 30, str: "1GiB"},
		{in: "1500", want: 1500, str: "1500"},
		{in: "2048", want: 2048, str: "2KiB"},
		{in: "0", wantErr: true},
		{in: "-1MiB", wantErr: true},
		{in: "1.5MiB", wantErr: true},
		{in: "16TB", wantErr: true},
		{in: "2048GiB", wantErr: true},
	}
	for _, tt := range tests {
		var v SizeValue
		err := v.Set(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Set(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if diff := cmp.Diff(tt.want, v); diff != "" {
			t.Errorf("Set(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		if diff := cmp.Diff(tt.str, v.String()); diff != "" {
			t.Errorf("String() after Set(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}
