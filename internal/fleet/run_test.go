package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
)

// fleetOf returns n routers named r1..rn.
func fleetOf(n int) []config.Host {
	hosts := make([]config.Host, n)
	for i := range hosts {
		hosts[i] = config.Host{Name: fmt.Sprintf("r%d", i+1), Host: "127.0.0.1", Port: 10000 + i}
	}
	return hosts
}

// codeError is an error carrying the exit status a test wants.
type codeError int

func (e codeError) Error() string { return fmt.Sprintf("failure %d\nsecond line", int(e)) }

func exitCode(err error) int {
	var c codeError
	if errors.As(err, &c) {
		return int(c)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return cli.ExitUnreachable
	}
	return cli.ExitFailure
}

// checkNoLeak fails t when goroutines started during the test are still
// running once it ends (waiting up to 5 s for them to finish returning).
func checkNoLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			runtime.Gosched()
		}
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("goroutines: %d before the run, %d after", before, n)
		}
	})
}

var ignoreTimes = cmpopts.IgnoreFields(Result{}, "Duration", "Err")

func TestRunResults(t *testing.T) {
	checkNoLeak(t)
	codes := map[string]int{"r2": cli.ExitUnreachable, "r3": cli.ExitVerifyFailed, "r5": cli.ExitAuth}
	r := &Runner{Parallel: 2, ExitCode: exitCode}
	rep := r.Run(context.Background(), fleetOf(5), func(ctx context.Context, h config.Host) (Outcome, error) {
		if c, ok := codes[h.Name]; ok {
			return Outcome{State: "unknown"}, codeError(c)
		}
		return Outcome{State: "forced tunnel on", Data: map[string]int{"port": h.Port}}, nil
	})
	want := []Result{
		{Router: "r1", State: "forced tunnel on", Data: map[string]int{"port": 10000}, Started: true},
		{Router: "r2", ExitCode: 3, State: "unknown", Started: true},
		{Router: "r3", ExitCode: 10, State: "unknown", Started: true},
		{Router: "r4", State: "forced tunnel on", Data: map[string]int{"port": 10003}, Started: true},
		{Router: "r5", ExitCode: 4, State: "unknown", Started: true},
	}
	if diff := cmp.Diff(want, rep.Results, ignoreTimes); diff != "" {
		t.Errorf("Run() results mismatch (-want +got):\n%s", diff)
	}
	wantSummary := Summary{Routers: 5, Succeeded: 2, Failed: 3, ExitCode: cli.ExitVerifyFailed}
	if diff := cmp.Diff(wantSummary, rep.Summary); diff != "" {
		t.Errorf("Run() summary mismatch (-want +got):\n%s", diff)
	}
}

func TestRunParallelBound(t *testing.T) {
	for _, tt := range []struct{ parallel, routers, want int }{
		{parallel: 1, routers: 5, want: 1},
		{parallel: 3, routers: 20, want: 3},
		{parallel: 0, routers: 30, want: DefaultParallel},
		{parallel: 50, routers: 4, want: 4},
	} {
		t.Run(fmt.Sprintf("parallel %d routers %d", tt.parallel, tt.routers), func(t *testing.T) {
			checkNoLeak(t)
			var running, peak atomic.Int32
			// release lets the routers finish once the bound has been reached,
			// so that the peak is the bound and not an accident of scheduling.
			release := make(chan struct{})
			var once sync.Once
			r := &Runner{Parallel: tt.parallel}
			rep := r.Run(context.Background(), fleetOf(tt.routers), func(ctx context.Context, h config.Host) (Outcome, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				if int(n) == tt.want {
					once.Do(func() { close(release) })
				}
				<-release
				return Outcome{}, nil
			})
			if got := int(peak.Load()); got != tt.want {
				t.Errorf("peak parallel runs = %d, want %d", got, tt.want)
			}
			if rep.Summary.ExitCode != 0 || rep.Summary.Succeeded != tt.routers {
				t.Errorf("summary = %+v, want all %d succeeded", rep.Summary, tt.routers)
			}
		})
	}
}

func TestRunPerRouterDeadline(t *testing.T) {
	checkNoLeak(t)
	r := &Runner{Parallel: 3, Timeout: 50 * time.Millisecond, ExitCode: exitCode}
	rep := r.Run(context.Background(), fleetOf(3), func(ctx context.Context, h config.Host) (Outcome, error) {
		if h.Name == "r2" {
			<-ctx.Done() // a router that never answers
			return Outcome{}, fmt.Errorf("read prompt: %w", ctx.Err())
		}
		if _, ok := ctx.Deadline(); !ok {
			return Outcome{}, errors.New("no deadline")
		}
		return Outcome{State: "ok"}, nil
	})
	got := []int{rep.Results[0].ExitCode, rep.Results[1].ExitCode, rep.Results[2].ExitCode, rep.Summary.ExitCode}
	if diff := cmp.Diff([]int{0, 3, 0, 3}, got); diff != "" {
		t.Errorf("exit codes r1, r2, r3, run mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(rep.Results[1].Err, context.DeadlineExceeded) {
		t.Errorf("r2 error = %v, want the deadline", rep.Results[1].Err)
	}
}

func TestRunInterrupted(t *testing.T) {
	checkNoLeak(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &Runner{Parallel: 2}
	rep := r.Run(ctx, fleetOf(6), func(ctx context.Context, h config.Host) (Outcome, error) {
		if h.Name == "r1" {
			return Outcome{State: "done"}, nil
		}
		cancel() // Ctrl-C while r2 (or r3) runs
		<-ctx.Done()
		return Outcome{}, ctx.Err()
	})
	if rep.Results[0].ExitCode != 0 {
		t.Errorf("r1 = %+v, want success", rep.Results[0])
	}
	for _, res := range rep.Results[1:] {
		if res.ExitCode != cli.ExitInterrupted {
			t.Errorf("%s exit code = %d, want %d", res.Router, res.ExitCode, cli.ExitInterrupted)
		}
	}
	last := rep.Results[5]
	if last.Started || !errors.Is(last.Err, ErrNotStarted) {
		t.Errorf("r6 = %+v, want not started", last)
	}
	if rep.Summary.ExitCode != cli.ExitInterrupted || rep.Summary.NotStarted < 3 {
		t.Errorf("summary = %+v, want exit 130 with at least 3 routers not started", rep.Summary)
	}
}

func TestRunPanic(t *testing.T) {
	checkNoLeak(t)
	r := &Runner{Parallel: 2}
	rep := r.Run(context.Background(), fleetOf(3), func(ctx context.Context, h config.Host) (Outcome, error) {
		if h.Name == "r2" {
			panic("bug")
		}
		return Outcome{}, nil
	})
	var pe *PanicError
	if !errors.As(rep.Results[1].Err, &pe) || pe.Value != "bug" || rep.Results[1].ExitCode != cli.ExitUsage {
		t.Errorf("r2 = %+v, want a PanicError and exit 2", rep.Results[1])
	}
	if rep.Summary.Succeeded != 2 {
		t.Errorf("summary = %+v, want the other 2 routers done", rep.Summary)
	}
}

func TestRunProgress(t *testing.T) {
	checkNoLeak(t)
	var got []string
	r := &Runner{Parallel: 1, ExitCode: exitCode, Progress: func(p Progress) {
		event := "start"
		if p.Result != nil {
			event = fmt.Sprintf("end %d", p.Result.ExitCode)
		}
		got = append(got, fmt.Sprintf("%s %s: %d/%d done, %d running, %d failed", p.Router, event, p.Done, p.Total, p.Running, p.Failed))
	}}
	r.Run(context.Background(), fleetOf(2), func(ctx context.Context, h config.Host) (Outcome, error) {
		if h.Name == "r1" {
			return Outcome{}, codeError(cli.ExitAuth)
		}
		return Outcome{}, nil
	})
	want := []string{
		"r1 start: 0/2 done, 1 running, 0 failed",
		"r1 end 4: 1/2 done, 0 running, 1 failed",
		"r2 start: 1/2 done, 1 running, 1 failed",
		"r2 end 0: 2/2 done, 0 running, 1 failed",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("progress mismatch (-want +got):\n%s", diff)
	}
}

func TestMostSevere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		codes []int
		want  int
	}{
		{nil, 0},
		{[]int{0, 0}, 0},
		{[]int{0, 6, 3}, 3},
		{[]int{3, 4, 2}, 4},
		{[]int{10, 5}, 5},
		{[]int{12, 13, 11, 10}, 10},
		{[]int{5, 1, 130}, 130},
		{[]int{5, 1}, 1},
		{[]int{5, 14}, 14}, // a code added later ranks just after 1
		{[]int{14, 1}, 1},
	}
	for _, tt := range tests {
		if got := MostSevere(tt.codes...); got != tt.want {
			t.Errorf("MostSevere(%v) = %d, want %d", tt.codes, got, tt.want)
		}
	}
}

func testReport() Report {
	return NewReport([]Result{
		{Router: "tokyo", State: "forced tunnel on", Started: true, Duration: 1500 * time.Millisecond, Data: map[string]string{"tunnel": "on"}},
		{Router: "osaka", ExitCode: 3, Err: codeError(3), Started: true, Duration: 10 * time.Second},
		{Router: "nagoya", ExitCode: 130, Err: ErrNotStarted},
	})
}

func TestWriteJSONLines(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := testReport().WriteJSONLines(&b); err != nil {
		t.Fatal(err)
	}
	want := `{"router":"tokyo","exit_code":0,"state":"forced tunnel on","seconds":1.5,"data":{"tunnel":"on"}}
{"router":"osaka","exit_code":3,"error":"failure 3\nsecond line","seconds":10}
{"router":"nagoya","exit_code":130,"error":"not started: the run was interrupted","seconds":0}
{"summary":{"routers":3,"succeeded":1,"failed":1,"not_started":1,"exit_code":130}}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteJSONLines mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := testReport().WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"ROUTER  RESULT       STATE             ERROR",
		"tokyo   ok           forced tunnel on",
		"osaka   failed (3)                     failure 3",
		"nagoya  not started                    not started: the run was interrupted",
		"3 routers: 1 succeeded, 1 failed, 1 not started; exit status 130",
		"",
	}, "\n")
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteTable mismatch (-want +got):\n%s", diff)
	}
}
