package rtx

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// cmdShowEnvironment prints the router clock, firmware and config file.
const cmdShowEnvironment = "show environment"

// ErrNoClock is wrapped by the error [ReadClock] returns when
// `show environment` has no readable `Current time:` line.
var ErrNoClock = errors.New("no current time in show environment")

// Environment is what rtxctl reads from `show environment`.
type Environment struct {
	// Model and Revision come from the `MODEL Rev.X.Y.Z (build date)` line;
	// "" when missing.
	Model    string
	Revision string
	// Now is the router clock from `Current time: 2020/03/17 16:21:59 +09:00`,
	// in the router's time zone.
	Now time.Time
	// ConfigFile is the saved configuration the router runs: the one
	// `save` (without a number) writes and a scheduled `load` must restore
	// (`Config. file: config0` or `実行中設定ファイル: config0` gives 0; 0 when
	// missing).
	ConfigFile int
	// BootConfig is the saved configuration the router loads at its
	// next boot, and so what a `restart` brings back
	// (`Default config. file: config2` gives 2). It equals ConfigFile when
	// that line is missing.
	BootConfig int
}

var (
	currentTimeRE = regexp.MustCompile(`Current time\s*:\s*(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) ?([+-]\d{2}:\d{2})?`)
	firmwareRE    = regexp.MustCompile(`^(\S+) Rev\.(\d+\.\d+\.\d+)`)
	// configFileRE matches `Config. file: config0` (group 1 empty: the
	// running file) and `Default config. file: config2` (group 1 set: the
	// boot file), and the Japanese labels: `実行中設定ファイル` (real) for the
	// running file and two guesses for the boot file, which no capture shows
	// (the client reads this output in English; see [Client.RunStatus]).
	configFileRE = regexp.MustCompile(`(?i)(?:^|\s)(?:(default\s+)config\.\s*file|config\.\s*file|実行中設定ファイル|(デフォルト設定ファイル|起動設定ファイル))\s*[:：]\s*config(\d+)`)
)

// parseConfigFiles reads the running and the boot configuration numbers
// from `show environment`; a missing running line means 0 and a missing
// boot line the running file.
func parseConfigFiles(text string) (running, boot int) {
	boot = -1
	for _, m := range configFileRE.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[3])
		if err != nil {
			continue
		}
		if m[1] != "" || m[2] != "" {
			boot = n
		} else {
			running = n
		}
	}
	if boot < 0 {
		boot = running
	}
	return running, boot
}

// ParseEnvironment parses the output of `show environment`. The clock must
// be there ([ErrNoClock] otherwise); a missing `Config. file:` means config
// 0, a missing `Default config. file:` the running file. A `Current time:`
// without a zone offset is read as UTC.
func ParseEnvironment(text string) (*Environment, error) {
	env := &Environment{}
	env.ConfigFile, env.BootConfig = parseConfigFiles(text)
	found := false
	for _, line := range splitLines(text) {
		line = strings.TrimSpace(line)
		if m := firmwareRE.FindStringSubmatch(line); m != nil && env.Model == "" {
			env.Model, env.Revision = m[1], m[2]
		}
		if m := currentTimeRE.FindStringSubmatch(line); m != nil {
			t, err := parseRouterTime(m[1], m[2])
			if err != nil {
				return nil, fmt.Errorf("parse show environment: %w", err)
			}
			env.Now, found = t, true
		}
	}
	if !found {
		return nil, fmt.Errorf("parse show environment: %w", ErrNoClock)
	}
	return env, nil
}

// parseRouterTime reads `2020/03/17 16:21:59` with an offset like `+09:00`.
func parseRouterTime(stamp, offset string) (time.Time, error) {
	zone := time.UTC
	if offset != "" {
		o, err := time.Parse("-07:00", offset)
		if err != nil {
			return time.Time{}, fmt.Errorf("time zone %q: %w", offset, err)
		}
		_, secs := o.Zone()
		zone = time.FixedZone(offset, secs)
	}
	t, err := time.ParseInLocation("2006/01/02 15:04:05", stamp, zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("current time %q: %w", stamp, err)
	}
	return t, nil
}

// ReadEnvironment runs `show environment` and parses it, in English when r
// can switch its console ([StatusRunner]).
func ReadEnvironment(ctx context.Context, r Commander) (*Environment, error) {
	out, err := runStatus(ctx, r, cmdShowEnvironment)
	if err != nil {
		return nil, fmt.Errorf("read router environment: %w", err)
	}
	return ParseEnvironment(out)
}

// ReadClock returns the router's clock (`Current time:` of
// `show environment`) in the router's time zone. Compare it with the
// controller's clock with [ClockSkew].
func ReadClock(ctx context.Context, r Commander) (time.Time, error) {
	env, err := ReadEnvironment(ctx, r)
	if err != nil {
		return time.Time{}, err
	}
	return env.Now, nil
}

// ClockSkew returns how far the router clock is ahead of the controller
// clock (negative when behind), given a router reading and the controller
// time of that reading. The router prints whole seconds, so a skew below
// one second means the clocks agree.
func ClockSkew(router, controller time.Time) time.Duration {
	return router.Sub(controller.Truncate(time.Second))
}
