package rtx_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rtxctl/rtxctl/pkg/rtx"
	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// headerMain is the hardware line of the show config header, which is
// longer than 80 columns.
var headerMain = regexp.MustCompile(`^# main:  RTX1210 ver=00 serial=\S+( MAC-Address=[0-9a-f:]{17})+$`)

// TestWrapAgainstFake reads the article's configuration, with long lines of
// every width of the wrap matrix added, from the fake router over SSH and
// Telnet, wrapping at columns - 1 or at columns, with or without an empty
// line after an exact line, at 80 and 200 router columns, in Japanese
// (Shift_JIS, long lines padded with kanji) and English: `show config` and
// a `| grep` of it must give the fake's running configuration line for line,
// both with the router's own console settings (LeaveConsole, pager on) and
// with the session's `console columns 200`.
func TestWrapAgainstFake(t *testing.T) {
	t.Parallel()
	fills := map[string]string{"ja": "東京大阪名古屋福岡 札幌x仙台広島", "en": "branch office osaka via fiber "}
	for _, tr := range transports {
		for _, width := range []string{"columns-1", "columns"} {
			for _, exact := range []string{"", "blank"} {
				for _, columns := range []int{80, 200} {
					for _, lang := range []string{"ja", "en"} {
						for _, leave := range []bool{true, false} {
							name := fmt.Sprintf("%s/%s/exact=%q/%d/%s/leave=%v", tr, width, exact, columns, lang, leave)
							t.Run(name, func(t *testing.T) {
								t.Parallel()
								srv := newServer(t, func(sc *rtxtest.Scenario) {
									sc.Variants.WrapWidth, sc.Variants.WrapExact = width, exact
									sc.Columns, sc.Language = columns, lang
									var lines []string
									for _, l := range rtx.WrapConfig(fills[lang]) {
										if !strings.HasPrefix(l, "#") {
											lines = append(lines, l)
										}
									}
									sc.SavedConfig = strings.Join(lines, "\n")
								})
								cfg := clientConfig(t, srv, tr)
								cfg.LeaveConsole = leave
								checkWrappedConfig(t, dial(t, cfg), srv)
							})
						}
					}
				}
			}
		}
	}
}

// checkWrappedConfig runs `show config` and `show config | grep
// description` and compares them with the fake's running configuration.
func checkWrappedConfig(t *testing.T, c *rtx.Client, srv *rtxtest.Server) {
	t.Helper()
	got := strings.Split(strings.TrimSuffix(mustRun(t, c, "show config"), "\n"), "\n")
	running := srv.Router.RunningConfig()
	if len(got) < 5 || !headerMain.MatchString(got[3]) {
		t.Fatalf("show config header not read whole: %q", got[:min(len(got), 5)])
	}
	for _, l := range got[:5] {
		if !strings.HasPrefix(l, "# ") {
			t.Errorf("show config header line %q does not start with \"# \"", l)
		}
	}
	if diff := cmp.Diff(running, got[5:]); diff != "" {
		t.Errorf("show config mismatch with the running configuration (-want +got):\n%s", diff)
	}
	var described []string
	for _, l := range running {
		if strings.Contains(l, "description") {
			described = append(described, l)
		}
	}
	const grep = "show config | grep description"
	if diff := cmp.Diff(strings.Join(described, "\n")+"\n", mustRun(t, c, grep)); diff != "" {
		t.Errorf("Run(%q) mismatch (-want +got):\n%s", grep, diff)
	}
	if n := len(rtx.WrapWidths); len(described) != 2*n {
		t.Errorf("the fake holds %d description lines, want %d", len(described), 2*n)
	}
	// The reading that failed on real routers at 80 columns: the article's
	// neighbor line arrives in two pieces.
	st, err := rtx.ReadTunnelStatus(testContext(t), c, rtx.StatusOptions{Host: "fake"})
	if err != nil {
		t.Fatalf("ReadTunnelStatus: %v", err)
	}
	var bgp []string
	for _, l := range running {
		if strings.HasPrefix(l, "bgp ") {
			bgp = append(bgp, l)
		}
	}
	if diff := cmp.Diff(bgp, st.Lines, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("ReadTunnelStatus BGP lines mismatch (-want +got):\n%s", diff)
	}
}
