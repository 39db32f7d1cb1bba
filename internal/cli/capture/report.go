package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rtxctl/rtxctl/pkg/driver"
	"github.com/rtxctl/rtxctl/pkg/rtx"
)

// Report says, for each recorded command, what rtxctl read from its output
// and what it did not understand.
type Report struct {
	File     string          `json:"file"`
	Router   Router          `json:"router"`
	Commands []CommandReport `json:"commands"`
	// Status is what `rtxctl status` reads from the recording; nil when it
	// cannot (StatusError says why).
	Status      *rtx.TunnelStatus `json:"status,omitempty"`
	StatusError string            `json:"status_error,omitempty"`
	// StatusNote says why the status does not apply (no or several
	// neighbor ASes); it does not count as a problem.
	StatusNote string `json:"status_note,omitempty"`
	// Understood reports that every output and the status were read.
	Understood bool `json:"understood"`
	// Notes explain problems, for people.
	Notes []string `json:"notes,omitempty"`
}

// japaneseNote explains problems with status output recorded in Japanese.
const japaneseNote = "the router prints status output in Japanese: rtxctl reads the status it needs in English " +
	"(it switches the session to console character en.ascii and back), so these problems only matter where the " +
	"router refuses that; no Japanese status output has been published yet, so the file helps the project all the same"

// Router is the header of the capture.
type Router struct {
	Model     string      `json:"model"`
	Revision  string      `json:"revision"`
	Transport string      `json:"transport"`
	Console   rtx.Console `json:"console"`
}

// CommandReport is what one recorded output gave.
type CommandReport struct {
	Command string `json:"command"`
	// OK reports that the output was read and nothing in it was left
	// unexplained.
	OK bool `json:"ok"`
	// Read lists what was read, for people.
	Read []string `json:"read,omitempty"`
	// Problems lists what was not understood.
	Problems []string `json:"problems,omitempty"`
}

// reader reads the output of one kind of command (already run through the
// console handling) into findings and problems.
type reader func(out string, r *CommandReport)

var (
	neighborCmd   = regexp.MustCompile(`^show status bgp neighbor (\S+)$`)
	advertisedCmd = regexp.MustCompile(`^show status bgp neighbor (\S+) advertised-routes$`)
	savedCmd      = regexp.MustCompile(`^show config \d+$`)
)

// readerFor returns how the output of cmd is read; nil for commands rtxctl
// records but does not parse.
func readerFor(cmd string) reader {
	switch {
	case cmd == cmdEnvironment:
		return readEnvironment
	case cmd == cmdConfig || savedCmd.MatchString(cmd):
		return readConfig
	case cmd == cmdConsole:
		return readConsole
	case cmd == cmdBGP:
		return readBGP
	case cmd == cmdNeighbors:
		return readNeighbors("")
	case advertisedCmd.MatchString(cmd):
		return readAdvertised
	case neighborCmd.MatchString(cmd):
		return readNeighbors(neighborCmd.FindStringSubmatch(cmd)[1])
	case cmd == cmdRoutes:
		return readRoutes
	}
	return nil
}

// NewReport replays every output of f through rtxctl's console handling
// and parsers, and reads the forced-tunnelling status from it.
func NewReport(ctx context.Context, name string, f *File) *Report {
	replay := &rtx.Replay{
		Outputs: f.Recorded(),
		Columns: f.Columns(),
		Router:  rtx.Info{Model: f.Header[keyModel], Revision: f.Header[keyRevision]},
	}
	rep := &Report{File: name, Understood: true, Router: Router{
		Model:     f.Header[keyModel],
		Revision:  f.Header[keyRevision],
		Transport: f.Header[keyTransport],
		Console:   rtx.Console{Lines: f.Header[keyLines], Columns: f.Header[keyColumns], Character: f.Header[keyCharacter]},
	}}
	for _, o := range f.Outputs {
		cr := CommandReport{Command: o.Command}
		out, err := replay.Run(ctx, o.Command)
		var ce *driver.CommandError
		switch {
		case errors.As(err, &ce):
			msg := "the router refused the command: " + ce.Message
			if strings.HasPrefix(o.Command, cmdConfig) {
				msg += " (some firmware shows the configuration only in administrator mode: try --admin)"
			}
			cr.Problems = append(cr.Problems, msg)
		case err != nil:
			cr.Problems = append(cr.Problems, "the output could not be read: "+err.Error())
		default:
			if read := readerFor(o.Command); read != nil {
				read(out, &cr)
			} else {
				cr.Read = append(cr.Read, fmt.Sprintf("recorded, %d lines (rtxctl does not parse it)", strings.Count(out, "\n")))
			}
		}
		cr.OK = len(cr.Problems) == 0
		rep.Understood = rep.Understood && cr.OK
		rep.Commands = append(rep.Commands, cr)
	}
	if !rep.Understood && !englishCharacter(f.Header[keyCharacter]) {
		rep.Notes = append(rep.Notes, japaneseNote)
	}
	st, err := rtx.ReadTunnelStatus(ctx, replay, rtx.StatusOptions{Host: name})
	var peerErr *rtx.PeerASError
	switch {
	case errors.As(err, &peerErr):
		rep.StatusNote = peerErr.Error()
	case err != nil:
		rep.StatusError = err.Error()
		rep.Understood = false
	default:
		rep.Status = st
	}
	return rep
}

// englishCharacter reports whether a recorded console-character value
// prints English messages; the factory default is Japanese.
func englishCharacter(v string) bool {
	return v == "en.ascii" || v == "ascii"
}

func readEnvironment(out string, r *CommandReport) {
	env, err := rtx.ParseEnvironment(out)
	if err != nil {
		r.Problems = append(r.Problems, "no router clock (Current time) found")
		return
	}
	if env.Model == "" {
		r.Problems = append(r.Problems, "no model and firmware revision line found")
	} else {
		r.Read = append(r.Read, env.Model+" Rev."+env.Revision)
	}
	r.Read = append(r.Read, "clock "+env.Now.Format("2006/01/02 15:04:05 -07:00"))
	r.Read = append(r.Read, fmt.Sprintf("runs config%d, boots config%d", env.ConfigFile, env.BootConfig))
	if id, ok := rtx.ParseIdentity(out); ok {
		r.Read = append(r.Read, "serial "+id.Serial)
	} else {
		r.Problems = append(r.Problems, "no serial number (main: line) found")
	}
}

func readConfig(out string, r *CommandReport) {
	sc, err := rtx.ParseShowConfig(out)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return
	}
	if sc.Model == "" {
		r.Problems = append(r.Problems, "no model and firmware revision in the header")
	} else {
		r.Read = append(r.Read, "header: "+sc.Model+" Rev."+sc.Revision)
	}
	r.Read = append(r.Read, fmt.Sprintf("%d top-level lines", len(sc.Lines)))
	if n := len(sc.BGP().Neighbors); n > 0 {
		r.Read = append(r.Read, fmt.Sprintf("%d bgp neighbors", n))
	}
}

func readConsole(out string, r *CommandReport) {
	c := rtx.ParseConsole(out)
	r.Read = append(r.Read, "lines "+orDefault(c.Lines), "columns "+orDefault(c.Columns), "character "+orDefault(c.Character))
}

func orDefault(v string) string {
	if v == "" {
		return defaultValue
	}
	return v
}

func readBGP(out string, r *CommandReport) {
	bgp, err := rtx.ParseBGP(out)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return
	}
	if len(bgp.Neighbors) == 0 {
		r.Read = append(r.Read, "no bgp neighbor configured")
	}
	for _, n := range bgp.Neighbors {
		r.Read = append(r.Read, fmt.Sprintf("neighbor %s AS %d", n.Address, n.RemoteAS))
	}
}

// readNeighbors reads `show status bgp neighbor [ADDR]`; want is ADDR or "".
func readNeighbors(want string) reader {
	return func(out string, r *CommandReport) {
		ns := rtx.ParseNeighborSessions(out)
		found := false
		for _, n := range ns {
			if n.State == "" {
				r.Problems = append(r.Problems, fmt.Sprintf("no BGP state found for neighbor %q", n.Address))
				continue
			}
			r.Read = append(r.Read, fmt.Sprintf("neighbor %s AS %d %s", n.Address, n.RemoteAS, n.State))
			found = found || n.Address == want || n.Address == ""
		}
		switch {
		case want != "" && !found:
			r.Problems = append(r.Problems, "no state found for neighbor "+want)
		case len(ns) == 0 && strings.TrimSpace(out) != "":
			r.Problems = append(r.Problems, "no neighbor block found")
		case len(ns) == 0:
			r.Read = append(r.Read, "no neighbors")
		}
	}
}

func readAdvertised(out string, r *CommandReport) {
	adv := rtx.ParseAdvertisedRoutes(out)
	r.Read = append(r.Read, "default route "+map[bool]string{true: "advertised", false: "not advertised"}[adv.Default])
	if len(adv.Prefixes) > 0 {
		r.Read = append(r.Read, strconv.Itoa(len(adv.Prefixes))+" other prefixes")
	}
}

func readRoutes(out string, r *CommandReport) {
	routes := rtx.ParseRoutes(out)
	r.Read = append(r.Read, fmt.Sprintf("%d routes", len(routes)))
	if len(routes) == 0 && strings.Count(out, "\n") > 1 {
		r.Problems = append(r.Problems, "no route rows found")
	}
}

// Write prints rep for people.
func (rep *Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "capture:  %s\n", rep.File)
	fmt.Fprintf(&b, "router:   %s Rev.%s over %s\n", orUnknown(rep.Router.Model), orUnknown(rep.Router.Revision), rep.Router.Transport)
	c := rep.Router.Console
	fmt.Fprintf(&b, "console:  lines %s, columns %s, character %s\n", orDefault(c.Lines), orDefault(c.Columns), orDefault(c.Character))
	b.WriteString("\n")
	for _, cr := range rep.Commands {
		mark := "ok"
		if !cr.OK {
			mark = "NOT UNDERSTOOD"
		}
		fmt.Fprintf(&b, "%-58s %s\n", cr.Command, mark)
		for _, p := range cr.Problems {
			fmt.Fprintf(&b, "    problem: %s\n", p)
		}
		if len(cr.Read) > 0 {
			fmt.Fprintf(&b, "    read: %s\n", strings.Join(cr.Read, "; "))
		}
	}
	b.WriteString("\n")
	if rep.Status != nil {
		st := rep.Status
		var ns []string
		for _, n := range st.Neighbors {
			ns = append(ns, n.Address+" "+orUnknown(n.State))
		}
		fmt.Fprintf(&b, "status:   forced tunnel %s, peer AS %d, neighbors: %s\n", st.Tunnel, st.PeerAS, orNone(ns))
	} else if rep.StatusNote != "" {
		fmt.Fprintf(&b, "status:   does not apply: %s\n", rep.StatusNote)
	} else {
		fmt.Fprintf(&b, "status:   NOT UNDERSTOOD: %s\n", rep.StatusError)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "note:     %s\n", n)
	}
	if rep.Understood {
		b.WriteString("result:   rtxctl understands every output of this router\n")
	} else {
		b.WriteString("result:   rtxctl could not read everything (see the problems above); unless a command was only refused, please send the capture file to the rtxctl project\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(slices.Clip(s), ", ")
}
