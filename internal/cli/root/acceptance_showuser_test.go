package root

import (
	"strings"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// TestAcceptanceShowStatusUser: `rtxctl show -- show status user` on a
// router at its factory 80 columns (wrapping at 79) must print the 79-dash
// rule and the session rows on lines of their own.
func TestAcceptanceShowStatusUser(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "ja"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			a := startAcceptanceRouter(t, "ssh", lang, func(sc *rtxtest.Scenario) { sc.Columns = 80 })
			lines := strings.Split(a.rtxctl(t, "show", "--", "show", "status", "user"), "\n")
			if len(lines) < 4 || lines[2] != strings.Repeat("-", 79) || !strings.HasPrefix(lines[3], "*  rtxctl ") {
				t.Errorf("show status user:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}
