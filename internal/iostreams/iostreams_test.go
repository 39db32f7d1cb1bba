package iostreams

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		tty        bool
		input      string
		want       string
		wantErr    error
		wantPrompt string
	}{
		{name: "terminal", tty: true, input: "s3cret\nnext\n", want: "s3cret", wantPrompt: "Password: \n"},
		{name: "terminal crlf", tty: true, input: "s3cret\r\n", want: "s3cret", wantPrompt: "Password: \n"},
		{name: "terminal without newline", tty: true, input: "s3cret", want: "s3cret", wantPrompt: "Password: \n"},
		{name: "not a terminal", tty: false, input: "s3cret\n", wantErr: ErrNotTerminal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, in, _, errOut := Test()
			if tt.tty {
				ios.SetStdinTTY(true)
			}
			in.WriteString(tt.input)
			got, err := ios.ReadPassword("Password: ")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadPassword() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadPassword() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPrompt, errOut.String()); diff != "" {
				t.Errorf("ReadPassword() stderr mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
