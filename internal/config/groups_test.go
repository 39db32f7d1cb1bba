package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGroups(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    map[string]Group
		wantErr bool
	}{
		{
			name: "groups",
			in:   "routers:\n  tokyo: {host: 192.0.2.1}\n  osaka: {host: 192.0.2.2}\ngroups:\n  kanto: [tokyo]\n  all-sites: [osaka, tokyo]\n  none: []\n",
			want: map[string]Group{"kanto": {Routers: []string{"tokyo"}}, "all-sites": {Routers: []string{"osaka", "tokyo"}}, "none": {Routers: []string{}}},
		},
		{name: "no groups", in: "routers:\n  tokyo: {host: 192.0.2.1}\n"},
		{name: "undefined member", in: "routers:\n  tokyo: {host: 192.0.2.1}\ngroups:\n  kanto: [tokyo, chiba]\n", wantErr: true},
		{name: "group is not a list", in: "routers:\n  tokyo: {host: 192.0.2.1}\ngroups:\n  kanto: tokyo\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got.Groups); diff != "" {
				t.Errorf("Parse(%q) groups mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	cfg := &Config{Groups: map[string]Group{"kanto": {Routers: []string{"tokyo", "chiba"}}}}
	got, err := cfg.Group("kanto")
	if err != nil {
		t.Fatalf("Group(kanto) error = %v", err)
	}
	if diff := cmp.Diff([]string{"tokyo", "chiba"}, got); diff != "" {
		t.Errorf("Group(kanto) mismatch (-want +got):\n%s", diff)
	}
	if _, err := cfg.Group("kansai"); !errors.Is(err, ErrUnknownGroup) {
		t.Errorf("Group(kansai) error = %v, want ErrUnknownGroup", err)
	}
}
