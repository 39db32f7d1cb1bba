package rtx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/rtxctl/rtxctl/pkg/channel"
	"github.com/rtxctl/rtxctl/pkg/transport"
)

// session is what login learns.
type session struct {
	info   Info
	prefix string // prompt prefix (`console prompt`)
	level  string // level of the first prompt
}

// login reads the banner up to the first prompt. Over Telnet it first runs
// the login dialogue (shared/rtx-console.md §2.3): at `Username: ` send the
// user; at the first `Password: ` send an empty line if a user is configured
// (the router then asks `Username: `), else the login password. A second
// credential prompt after the credentials were sent, or a hang-up, is a
// [*transport.AuthError]; there is no retry.
func login(ctx context.Context, ch *channel.Channel, cfg Config, telnet bool) (session, error) {
	refused := func(err error) error { return &transport.AuthError{User: cfg.User, Err: err} }
	var userSent, passSent, emptySent bool
	for {
		pats := []*regexp.Regexp{firstPrompt}
		if telnet {
			pats = append(pats, usernamePrompt, passwordPrompt)
		}
		m, err := ch.ReadUntil(ctx, pats...)
		if err != nil {
			if passSent && errors.Is(err, io.ErrUnexpectedEOF) {
				return session{}, refused(err)
			}
			return session{}, fmt.Errorf("read login banner: %w", err)
		}
		switch pats[m.Index] {
		case firstPrompt:
			return newSession(m), nil
		case usernamePrompt:
			if userSent {
				return session{}, refused(errors.New("router asked for the user name again"))
			}
			if cfg.User == "" {
				return session{}, refused(errors.New("router asks for a user name, but none is configured"))
			}
			err = ch.WriteLine(ctx, cfg.User)
			userSent = true
		case passwordPrompt:
			switch {
			case passSent:
				return session{}, refused(errors.New("router asked for the password again"))
			case cfg.User != "" && !userSent:
				if emptySent {
					return session{}, refused(errors.New("router did not ask for a user name"))
				}
				err = ch.WriteLine(ctx, "")
				emptySent = true
			default:
				err = ch.WriteSecret(ctx, cfg.Password)
				passSent = true
			}
		}
		if err != nil {
			return session{}, fmt.Errorf("login: %w", err)
		}
	}
}

func newSession(m channel.Match) session {
	s := session{prefix: m.Groups[1], level: levelUser}
	if m.Groups[2] == "#" {
		s.level = levelAdmin
	}
	s.info.Banner = strings.Trim(m.Output, "\n")
	if sm := bannerInfo.FindStringSubmatch(s.info.Banner); sm != nil {
		s.info.Model, s.info.Revision = sm[1], sm[2]
	}
	return s
}
