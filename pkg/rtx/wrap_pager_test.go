package rtx

import (
	"strings"
	"testing"
)

// TestPagerMarkerForms pages at every spacing of the Japanese marker seen
// in the command reference and captures, and at the English guesses: each
// must be answered with a space and removed from the output.
func TestPagerMarkerForms(t *testing.T) {
	t.Parallel()
	forms := []string{
		"---つづく---", "---つづく ---", "--- つづく ---", "--- つづく  ---", " --- つづく  ---",
		"---more---", "--- more ---", "-- MORE --", "--- More ---",
	}
	checkPagerMarkers(t, strings.Join(forms, "\n"))
}
