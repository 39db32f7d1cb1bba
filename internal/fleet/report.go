package fleet

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rtxctl/rtxctl/internal/cli"
)

// Report is the outcome of a run: one result per router and a summary.
type Report struct {
	Results []Result // in the order the routers were given
	Summary Summary
}

// Summary counts a run's results.
type Summary struct {
	Routers    int `json:"routers"`     // routers in the run
	Succeeded  int `json:"succeeded"`   // routers with exit status 0
	Failed     int `json:"failed"`      // routers started that did not succeed
	NotStarted int `json:"not_started"` // routers the run was interrupted before
	// ExitCode is the run's exit status: 0 when every router succeeded,
	// else the most severe of the routers' statuses ([MostSevere]).
	ExitCode int `json:"exit_code"`
}

// NewReport summarises results, one per router in the order given (a run
// of several phases, such as an all-or-nothing change, builds its own).
func NewReport(results []Result) Report {
	s := Summary{Routers: len(results)}
	codes := make([]int, 0, len(results))
	for _, r := range results {
		codes = append(codes, r.ExitCode)
		switch {
		case !r.Started:
			s.NotStarted++
		case r.ExitCode == cli.ExitOK:
			s.Succeeded++
		default:
			s.Failed++
		}
	}
	s.ExitCode = MostSevere(codes...)
	return Report{Results: results, Summary: s}
}

// severity lists exit statuses from the most to the least severe
// (docs/exit-codes.md, "Many routers"): a run cut short, then a failure
// whose outcome is unknown, then routers that answered but did not do what
// was asked, then problems to fix on the operator's side, then transient
// ones worth a retry.
var severity = []int{
	cli.ExitInterrupted,
	cli.ExitFailure,
	cli.ExitRefused,
	cli.ExitVerifyFailed,
	cli.ExitUndone,
	cli.ExitAzureDisagrees,
	cli.ExitNotUnderstood,
	cli.ExitAuth,
	cli.ExitUsage,
	cli.ExitUnreachable,
	cli.ExitLocked,
}

// rank orders exit statuses: lower is more severe. A status missing from
// severity (a code added later) ranks between ExitFailure and the next one.
func rank(code int) int {
	if code == cli.ExitOK {
		return 2*len(severity) + 2
	}
	if i := slices.Index(severity, code); i >= 0 {
		return 2 * i
	}
	return 2*slices.Index(severity, cli.ExitFailure) + 1
}

// MostSevere returns the most severe of codes by the order documented in
// docs/exit-codes.md (the first of equally severe ones), and 0 when every
// code is 0 or there is none.
func MostSevere(codes ...int) int {
	worst := cli.ExitOK
	for _, c := range codes {
		if rank(c) < rank(worst) {
			worst = c
		}
	}
	return worst
}

// jsonResult is one router's JSON Lines object.
type jsonResult struct {
	Router   string  `json:"router"`
	ExitCode int     `json:"exit_code"`
	State    string  `json:"state,omitempty"`
	Error    string  `json:"error,omitempty"`
	Seconds  float64 `json:"seconds"`
	Data     any     `json:"data,omitempty"`
}

// WriteJSONLines writes one JSON object per router, in order, then
// {"summary":{...}}, each on its own line:
//
//	{"router":"tokyo","exit_code":0,"state":"forced tunnel on","seconds":1.2}
//	{"router":"osaka","exit_code":3,"error":"connect to ...","seconds":10}
//	{"summary":{"routers":2,"succeeded":1,"failed":1,"not_started":0,"exit_code":3}}
func (r Report) WriteJSONLines(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, res := range r.Results {
		j := jsonResult{Router: res.Router, ExitCode: res.ExitCode, State: res.State, Seconds: res.Duration.Seconds(), Data: res.Data}
		if res.Err != nil {
			j.Error = res.Err.Error()
		}
		if err := enc.Encode(j); err != nil {
			return fmt.Errorf("write result of %s: %w", res.Router, err)
		}
	}
	return enc.Encode(struct {
		Summary Summary `json:"summary"`
	}{r.Summary})
}

// WriteTable writes a table with one line per router (name, result, state,
// first line of the error) and a summary line.
func (r Report) WriteTable(w io.Writer) error {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUTER\tRESULT\tSTATE\tERROR")
	for _, res := range r.Results {
		var msg string
		if res.Err != nil {
			msg, _, _ = strings.Cut(res.Err.Error(), "\n")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", res.Router, resultWord(res), res.State, msg)
	}
	tw.Flush() // writing to a strings.Builder cannot fail
	var out strings.Builder
	for line := range strings.Lines(table.String()) {
		out.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
	fmt.Fprintln(&out, r.Summary)
	_, err := io.WriteString(w, out.String())
	return err
}

// resultWord is the RESULT column.
func resultWord(res Result) string {
	switch {
	case !res.Started:
		return "not started"
	case res.ExitCode == cli.ExitOK:
		return "ok"
	}
	return fmt.Sprintf("failed (%d)", res.ExitCode)
}

// String returns the summary line, such as "3 routers: 2 succeeded, 1
// failed; exit status 3".
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s: %d succeeded, %d failed", s.Routers, plural(s.Routers, "router"), s.Succeeded, s.Failed)
	if s.NotStarted > 0 {
		fmt.Fprintf(&b, ", %d not started", s.NotStarted)
	}
	fmt.Fprintf(&b, "; exit status %d", s.ExitCode)
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
