package fleet

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/internal/config"
)

// DefaultParallel is how many routers a [Runner] works on at once when
// Parallel is 0 (--parallel).
const DefaultParallel = 10

// ErrNotStarted is the error of a router the run never started because it
// was interrupted first.
var ErrNotStarted = errors.New("not started: the run was interrupted")

// Outcome is what the function run for one router reports besides its error.
type Outcome struct {
	// State is one line for the operator, such as "forced tunnel on"; "" = none.
	State string
	// Data is the command's result for -o json (it must marshal to JSON); nil = none.
	Data any
}

// Func does the work on one router. It must honour ctx: ctx carries the
// per-router deadline and is cancelled on Ctrl-C. It may be called from
// several goroutines at once, one call per router.
type Func func(ctx context.Context, h config.Host) (Outcome, error)

// Result is what happened on one router.
type Result struct {
	Router   string        // the router's name in the configuration file
	ExitCode int           // the router's exit status (docs/exit-codes.md)
	State    string        // Outcome.State
	Data     any           // Outcome.Data
	Err      error         // nil on success
	Started  bool          // false when the run was interrupted before this router's turn
	Duration time.Duration // time spent on the router
}

// Progress is the state of a run, reported after every change.
type Progress struct {
	Total   int // routers in the run
	Done    int // routers finished, successfully or not
	Running int // routers being worked on
	Failed  int // finished routers with a non-zero exit status
	// Router is the router whose change this report follows.
	Router string
	// Result is the router's result once it is finished; nil when it has just started.
	Result *Result
}

// Runner runs a [Func] on many routers. The zero value runs
// [DefaultParallel] routers at a time with no deadline but ctx's and maps
// every error to exit status 1 (interruptions to 130). A Runner may be
// used for several runs, one at a time.
type Runner struct {
	// Parallel is how many routers are worked on at once; 0 = DefaultParallel.
	Parallel int
	// Timeout is the deadline of each router's run, from its start; 0 = none.
	Timeout time.Duration
	// ExitCode maps a router's error to its exit status (root.ExitCode);
	// nil = 1 for any error but an interruption (130).
	ExitCode func(error) int
	// Progress, when not nil, is called after each router starts and after
	// each finishes, one call at a time and in order, from the goroutine
	// that worked on the router: it must return quickly (a terminal display
	// redraws its lines, no more).
	Progress func(Progress)
	// Now returns the current time for Result.Duration; nil = time.Now.
	Now func() time.Time
}

// Run calls fn once per router, at most Parallel at a time, and returns
// their results in the order of hosts with the aggregate exit status. It
// returns once every call has returned, so no goroutine outlives it. When
// ctx is cancelled (Ctrl-C), routers not started yet are not started: their
// result is [ErrNotStarted] with exit status 130. A panic in fn becomes that
// router's error (exit status 2, as rtxctl exits on a bug) and does not stop
// the others.
func (r *Runner) Run(ctx context.Context, hosts []config.Host, fn Func) Report {
	results := make([]Result, len(hosts))
	for i, h := range hosts {
		results[i] = Result{Router: h.Name, ExitCode: cli.ExitInterrupted, Err: ErrNotStarted}
	}
	workers := r.Parallel
	if workers <= 0 {
		workers = DefaultParallel
	}
	workers = min(workers, len(hosts))
	p := &progress{report: r.Progress, state: Progress{Total: len(hosts)}}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					continue // interrupted: leave it not started
				}
				p.started(hosts[i].Name)
				results[i] = r.one(ctx, hosts[i], fn)
				p.finished(&results[i])
			}
		}()
	}
feed:
	for i := range hosts {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return NewReport(results)
}

// one runs fn on h within its deadline.
func (r *Runner) one(ctx context.Context, h config.Host, fn Func) (res Result) {
	now := r.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	res = Result{Router: h.Name, Started: true}
	defer func() {
		if v := recover(); v != nil {
			res.Err = &PanicError{Value: v, Stack: debug.Stack()}
		}
		res.ExitCode = r.code(res.Err)
		res.Duration = now().Sub(start)
	}()
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	out, err := fn(ctx, h)
	res.State, res.Data, res.Err = out.State, out.Data, err
	return res
}

// code maps err to an exit status.
func (r *Runner) code(err error) int {
	var panicErr *PanicError
	switch {
	case err == nil:
		return cli.ExitOK
	case errors.As(err, &panicErr):
		return cli.ExitUsage
	case r.ExitCode != nil:
		return r.ExitCode(err)
	case errors.Is(err, context.Canceled):
		return cli.ExitInterrupted
	}
	return cli.ExitFailure
}

// PanicError is the error of a router whose function panicked: a bug in
// rtxctl.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the goroutine's stack when it panicked
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error (please report it with this stack): panic: %v\n%s", e.Value, e.Stack)
}

// progress counts a run's routers and reports each change, one at a time.
type progress struct {
	mu     sync.Mutex
	report func(Progress)
	state  Progress
}

func (p *progress) started(router string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.Running++
	p.send(router, nil)
}

func (p *progress) finished(res *Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.Running--
	p.state.Done++
	if res.ExitCode != cli.ExitOK {
		p.state.Failed++
	}
	p.send(res.Router, res)
}

// send reports the state; p.mu is held.
func (p *progress) send(router string, res *Result) {
	if p.report == nil {
		return
	}
	s := p.state
	s.Router, s.Result = router, res
	p.report(s)
}
