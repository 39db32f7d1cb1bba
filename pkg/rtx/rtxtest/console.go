package rtxtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	// errLogout ends a session normally.
	errLogout = errors.New("logout")
	// errIdle ends a session whose login timer expired.
	errIdle = errors.New("login timer expired")
)

// session is one console session. Fields marked "r.mu" are read by other goroutines
// (show status user, rollback timers) and written under the router's lock; the rest belong
// to the session's goroutine.
type session struct {
	r    *Router
	rw   io.ReadWriter
	info SessionInfo

	admin     bool      // r.mu: administrator mode
	user      string    // r.mu: login user ("" = anonymous)
	lineName  string    // r.mu: connection name (telnet1, ssh1, ...)
	loginAt   time.Time // r.mu
	lastInput time.Time // r.mu: last key press, for the login timer
	reminded  bool      // r.mu: the BGP reminder was printed since the last refresh
	restarts  int       // r.mu: router restarts seen when the session started

	in      chan []byte
	inErr   chan error
	done    chan struct{}
	pending []byte
	out     bytes.Buffer
	col     int // output column, for wrapping the echo
}

func newSession(r *Router, rw io.ReadWriter, info SessionInfo) *session {
	return &session{r: r, rw: rw, info: info, in: make(chan []byte), inErr: make(chan error, 1), done: make(chan struct{})}
}

// remoteIP is the IP address part of the remote address.
func (s *session) remoteIP() string {
	if host, _, err := net.SplitHostPort(s.info.RemoteAddr); err == nil {
		return host
	}
	return s.info.RemoteAddr
}

// readLoop copies rw's input to the session until a Read fails or the session ends.
func (s *session) readLoop() {
	buf := make([]byte, 4096)
	for {
		n, err := s.rw.Read(buf)
		if n > 0 {
			select {
			case s.in <- slices.Clone(buf[:n]):
			case <-s.done:
				return
			}
		}
		if err != nil {
			s.inErr <- err
			return
		}
	}
}

// serve runs the session: login dialogue (Telnet), banner, then commands until logout.
func (s *session) serve(ctx context.Context) error {
	defer close(s.done)
	go s.readLoop()
	r := s.r
	r.mu.Lock()
	s.restarts = r.restarts
	s.lastInput = r.now()
	r.mu.Unlock()

	user := s.info.User
	if s.info.Transport == "telnet" {
		ok, name, err := s.login(ctx)
		if err != nil {
			return s.result(err)
		}
		if !ok {
			return s.result(s.flush())
		}
		user = name
	}
	r.register(s, user)
	// The banner is not wrapped: captures show its long factory-default notice on one line.
	for _, line := range r.lockedLines(r.banner) {
		s.writeLine(line)
	}
	err := s.commandLoop(ctx)
	r.unregister(s, !errors.Is(err, errLogout) && !errors.Is(err, errIdle))
	r.reportConfig()
	return s.result(err)
}

// result maps the way a session ended to ServeConsole's result.
func (s *session) result(err error) error {
	if ferr := s.flush(); err == nil || errors.Is(err, errLogout) || errors.Is(err, errIdle) {
		err = ferr
	}
	switch {
	case err == nil, errors.Is(err, errLogout), errors.Is(err, errIdle), errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, ErrDropped), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("console session: %w", err)
}

// register adds a logged-in session to the router.
func (r *Router) register(s *session, user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	used := map[string]bool{}
	for _, o := range r.sessions {
		used[o.lineName] = true
	}
	for _, o := range r.sc.OtherSessions {
		used[o.connection()] = true
	}
	for n := 1; ; n++ {
		name := s.info.Transport + strconv.Itoa(n)
		if !used[name] {
			s.lineName = name
			break
		}
	}
	s.user = user
	s.loginAt = r.now()
	r.sessions = append(r.sessions, s)
}

// unregister removes a session. A dropped session's rollback timer keeps running (until
// it or the session's login timer expires) or is cancelled, as the variant says.
func (r *Router) unregister(s *session, dropped bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions = slices.DeleteFunc(r.sessions, func(o *session) bool { return o == s })
	if !dropped || r.sc.Variants.RollbackOnDrop == "cancel" {
		delete(r.rollbacks, s)
	}
	r.tickLocked()
}

// lockedLines calls f under the router's lock.
func (r *Router) lockedLines(f func() []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return f()
}

// login runs the Telnet login dialogue; it reports whether a user logged in and who.
func (s *session) login(ctx context.Context) (bool, string, error) {
	r := s.r
	v := r.sc.Variants
	attempts := v.LoginAttempts
	if attempts == 0 {
		attempts = 3
	}
	named := len(r.sc.Users) > 0 && !(r.sc.LoginPassword == "" && v.EmptyPasswordLogin == "anonymous")
	for range attempts {
		var user, password string
		var err error
		if v.UsernameFirst {
			if user, err = s.ask(ctx, "Username: ", true); err != nil {
				return false, "", err
			}
		}
		if password, err = s.ask(ctx, "Password: ", false); err != nil {
			return false, "", err
		}
		if !v.UsernameFirst && password == "" && named {
			if user, err = s.ask(ctx, "Username: ", true); err != nil {
				return false, "", err
			}
			if password, err = s.ask(ctx, "Password: ", false); err != nil {
				return false, "", err
			}
		}
		_, known := r.user(user)
		if (user == "" || known) && r.CheckPassword(user, password) {
			return true, user, nil
		}
		if v.LoginFailure != "silent" {
			s.writeLine(s.text("login_failed"))
		}
	}
	return false, "", nil
}

// ask prints a prompt and reads one line (echoed or hidden).
func (s *session) ask(ctx context.Context, prompt string, echo bool) (string, error) {
	s.write(prompt)
	return s.readLine(ctx, echo)
}

// commandLoop prompts and runs commands until the session ends.
func (s *session) commandLoop(ctx context.Context) error {
	lose := s.faults().LoseFirstCommand
	for {
		s.r.reportConfig()
		s.prompt()
		line, err := s.readLine(ctx, !lose)
		if err != nil {
			return err
		}
		if lose {
			lose = false
			continue
		}
		if err := s.command(ctx, line); err != nil {
			return err
		}
	}
}

func (s *session) faults() Faults {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	return s.r.faults
}

// command runs one command line entered at the prompt.
func (s *session) command(ctx context.Context, line string) error {
	r := s.r
	key := strings.TrimSpace(line)
	r.mu.Lock()
	r.commands = append(r.commands, line)
	r.seen[key]++
	n := r.seen[key]
	f := r.faults
	r.tickLocked()
	r.mu.Unlock()

	if dropFault(f.Drops, key, n, "before") {
		return ErrDropped
	}
	if f.ResponseDelay > 0 {
		if err := s.wait(ctx, f.ResponseDelay); err != nil {
			return err
		}
	}
	if fl, ok := floodFault(f.Floods, key, n, ""); ok {
		return s.flood(ctx, fl)
	}
	if text, ok := failFault(f.FailCommands, key, n); ok {
		if text == "" {
			s.errorLine(errInvalidCommand)
		} else {
			s.writeLine(text)
		}
		return nil
	}
	ws := tokenize(line)
	args := lower(texts(ws))
	if s.asksPasswords(ws) {
		ok, err := s.checkPasswords(ctx)
		if err != nil || !ok {
			return err
		}
	}
	var err error
	switch {
	case len(args) > 0 && args[0] == "administrator":
		err = s.administrator(ctx, args)
	case len(args) > 0 && (args[0] == "exit" || args[0] == "quit"):
		err = s.exit(ctx, args)
	case len(args) > 0 && args[0] == "restart":
		err = s.restart(args)
	default:
		r.mu.Lock()
		out, cerr := r.runLocked(s, ws, r.now())
		if cerr != nil {
			out = append(out, r.errorText(cerr))
		}
		physical, ok := r.outputs[strings.ToLower(key)]
		r.mu.Unlock()
		if !ok {
			physical = s.wrapLines(out)
		}
		err = s.printPhysical(ctx, physical, pauseFaults(f.Pauses, key, n))
	}
	if err != nil {
		return err
	}
	if fl, ok := floodFault(f.Floods, key, n, "output"); ok {
		return s.flood(ctx, fl)
	}
	if dropFault(f.Drops, key, n, "after") {
		return ErrDropped
	}
	return nil
}

// wait pauses the session for d (the response-delay fault).
func (s *session) wait(ctx context.Context, d time.Duration) error {
	if err := s.flush(); err != nil {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// administrator runs `administrator`: password prompt, then administrator mode.
func (s *session) administrator(ctx context.Context, args []string) error {
	r := s.r
	if len(args) != 1 {
		s.errorLine(errParamCount)
		return nil
	}
	r.mu.Lock()
	already := s.admin
	attr := "on"
	if u, ok := r.user(s.user); ok && u.Administrator != "" {
		attr = u.Administrator
	}
	skipPrompt := attr == "2" || r.sc.AdminPassword == "" && r.sc.Variants.AdminNoPasswordPrompt
	r.mu.Unlock()
	switch {
	case already:
		return nil
	case attr == "off":
		s.writeLine(s.text("admin_not_allowed"))
		return nil
	case skipPrompt:
		s.setAdmin(true)
		return nil
	}
	password, err := s.ask(ctx, "Password: ", false)
	if err != nil {
		return err
	}
	if !s.faults().RejectPasswords && password == r.sc.AdminPassword {
		s.setAdmin(true)
		return nil
	}
	if r.sc.Variants.AdminFailure != "silent" {
		s.writeLine(s.text("bad_password"))
	}
	return nil
}

func (s *session) setAdmin(admin bool) {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.admin = admin
}

// exit runs `exit`/`quit` [save]: leaves administrator mode (asking to save when the
// configuration is dirty) or logs out. Either stops the session's rollback timer.
func (s *session) exit(ctx context.Context, args []string) error {
	r := s.r
	save := len(args) == 2 && args[1] == "save"
	if len(args) > 2 || len(args) == 2 && !save {
		s.errorLine(errKeyword)
		return nil
	}
	r.mu.Lock()
	admin := s.admin
	delete(r.rollbacks, s)
	dirty := r.dirty
	if r.sc.Variants.Dirty == "differs" {
		dirty = !r.running.equal(r.saved[r.configNo])
	}
	r.mu.Unlock()
	if !admin {
		return errLogout
	}
	switch {
	case save:
		s.writeLine(s.saveNow())
	case dirty:
		if err := s.saveQuestion(ctx); err != nil {
			return err
		}
	}
	s.setAdmin(false)
	return nil
}

// saveNow saves the running configuration to the Config. file and returns the save message.
func (s *session) saveNow() string {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	return s.r.saveLocked(s, s.r.configNo)
}

// saveQuestion asks the single-key (Y/N) question; Y saves, N keeps the changes unsaved.
func (s *session) saveQuestion(ctx context.Context) error {
	question := s.text("save_question")
	s.write(question)
	for {
		b, err := s.readByte(ctx)
		if err != nil {
			return err
		}
		switch b {
		case 'Y', 'y':
			s.write("Y")
			s.writeLine(s.saveNow())
			return nil
		case 'N', 'n':
			s.write("N")
			s.writeLine("")
			return nil
		}
		if s.r.sc.Variants.SaveQuestionOtherKeys == "repeat" {
			s.writeLine("")
			s.write(question)
		}
	}
}

// restart runs `restart`: the router restarts and drops every session.
func (s *session) restart(args []string) error {
	r := s.r
	r.mu.Lock()
	var err error
	switch {
	case !s.admin:
		err = errAdminOnly
	case len(args) != 1:
		err = errParamCount
	default:
		r.restartLocked(r.now())
	}
	r.mu.Unlock()
	if err != nil {
		s.errorLine(err)
		return nil
	}
	return ErrDropped
}

// text returns a message in the current language.
func (s *session) text(key string, args ...any) string {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	return s.r.text(key, args...)
}
