package rtx

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// cmdShowUsers lists the sessions logged in to the router.
const cmdShowUsers = "show status user"

// ErrNoUserTable is wrapped by the error of [ParseUsers] when the output has
// no table of sessions.
var ErrNoUserTable = errors.New("no session table in the output")

// UserSession is one session logged in to the router, a row of
// `show status user` (console reference §8.6).
type UserSession struct {
	// User is the login name; "(noname)" for an anonymous login.
	User string `json:"user"`
	// Connection is how the session is connected: "telnet1", "ssh2",
	// "serial", "remote", ...
	Connection string `json:"connection"`
	// Login is the login time as printed ("09/16 10:21"), Idle the idle
	// time ("0:02:08").
	Login string `json:"login,omitempty"`
	Idle  string `json:"idle,omitempty"`
	// Address is the remote IP address; "" for a serial session.
	Address string `json:"address,omitempty"`
	// Self marks the session that ran the command (`*`).
	Self bool `json:"self,omitempty"`
	// Administrator marks a session in administrator mode (`+`).
	Administrator bool `json:"administrator,omitempty"`
	// RADIUS marks a user authenticated through RADIUS (`@`).
	RADIUS bool `json:"radius,omitempty"`
}

// String describes s for messages, e.g. "rtxctl on ssh2 from 192.0.2.1
// (logged in 12/06 15:04)".
func (s UserSession) String() string {
	msg := s.User + " on " + s.Connection
	if s.Address != "" {
		msg += " from " + s.Address
	}
	if s.Login != "" {
		msg += " (logged in " + s.Login + ")"
	}
	return msg
}

// ParseUsers parses the output of `show status user`, in English or
// Japanese: the rows after the dashed line under the header. The first
// three columns of a row are marks (`*` this session, `+` administrator
// mode, `@` RADIUS), then user name, connection, login date and time, idle
// time and, for a network session, the IP address.
func ParseUsers(text string) ([]UserSession, error) {
	lines := splitLines(text)
	var rows []string
	for i, l := range lines {
		// The dashed line is as wide as the console less one column; a
		// driver that joins lines of that width as wrapped leaves the
		// first row glued to it.
		if rest := strings.TrimLeft(l, "-"); len(l)-len(rest) >= 10 {
			rows = append([]string{rest}, lines[i+1:]...)
			break
		}
	}
	if rows == nil {
		return nil, fmt.Errorf("parse show status user: %w", ErrNoUserTable)
	}
	var out []UserSession
	for _, l := range rows {
		if strings.TrimSpace(l) == "" || len(l) < 4 {
			continue
		}
		marks, f := l[:3], strings.Fields(l[3:])
		if len(f) < 2 {
			continue
		}
		s := UserSession{User: f[0], Connection: f[1],
			Self: strings.Contains(marks, "*"), Administrator: strings.Contains(marks, "+"), RADIUS: strings.Contains(marks, "@")}
		if len(f) >= 4 {
			s.Login = f[2] + " " + f[3]
		}
		if len(f) >= 5 {
			s.Idle = f[4]
		}
		if len(f) >= 6 {
			s.Address = f[5]
		}
		out = append(out, s)
	}
	return out, nil
}

// ReadUsers runs `show status user` and returns the sessions logged in
// ([ParseUsers]).
func ReadUsers(ctx context.Context, r Commander) ([]UserSession, error) {
	out, err := r.Run(ctx, cmdShowUsers)
	if err != nil {
		return nil, fmt.Errorf("read the router's sessions: %w", err)
	}
	return ParseUsers(out)
}

// OtherAdministrators returns the sessions in administrator mode other than
// the one that listed them: someone else who may be changing the router.
func OtherAdministrators(sessions []UserSession) []UserSession {
	var out []UserSession
	for _, s := range sessions {
		if s.Administrator && !s.Self {
			out = append(out, s)
		}
	}
	return out
}
