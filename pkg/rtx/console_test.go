package rtx

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRouterConsole(t *testing.T) {
	t.Parallel()
	const text = "# RTX1210 Rev.14.01.42\r\nconsole lines infinity\r\nconsole columns 200\r\nbgp use on\r\n"
	session := consoleSettings{lines: sessionLines, columns: sessionColumns}
	tests := []struct {
		name string
		text string
		cur  consoleSettings
		orig consoleSettings
		want string
	}{
		{
			name: "factory defaults",
			text: text,
			cur:  session,
			want: "# RTX1210 Rev.14.01.42\r\nbgp use on\r\n",
		},
		{
			name: "own settings",
			text: text,
			cur:  session,
			orig: consoleSettings{lines: "40", columns: "120"},
			want: "# RTX1210 Rev.14.01.42\r\nconsole lines 40\r\nconsole columns 120\r\nbgp use on\r\n",
		},
		{
			name: "session values are the router's own",
			text: text,
			cur:  session,
			orig: session,
			want: text,
		},
		{
			name: "only lines changed for the session",
			text: text,
			cur:  session,
			orig: consoleSettings{lines: "40", columns: sessionColumns},
			want: "# RTX1210 Rev.14.01.42\r\nconsole lines 40\r\nconsole columns 200\r\nbgp use on\r\n",
		},
		{
			name: "other values running",
			text: "console lines 30\nbgp use on\n",
			cur:  session,
			want: "console lines 30\nbgp use on\n",
		},
		{
			name: "nested and character lines kept",
			text: "console character ja.utf8\n console lines infinity\nbgp use on\n",
			cur:  session,
			orig: consoleSettings{character: "ascii"},
			want: "console character ja.utf8\n console lines infinity\nbgp use on\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, routerConsole(tt.text, tt.cur, tt.orig)); diff != "" {
				t.Errorf("routerConsole(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
