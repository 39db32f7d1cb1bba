package rtxtest

import (
	"context"
	"slices"
	"strings"
)

// passwordCommands are the configuration commands whose presence in a saved configuration
// makes `show config N` and `show config difference` ask for passwords (with the
// SavedConfigPasswords variant).
var passwordCommands = []string{"login password", "administrator password", "login user"}

// savedConfigPrompts gives, per SavedConfigPrompts variant, the login and administrator
// password questions.
var savedConfigPrompts = map[string][2]string{
	"":      {"Password: ", "Password: "},
	"same":  {"Password: ", "Password: "},
	"admin": {"Password: ", "Administrator Password: "},
	"named": {"Login Password: ", "Administrator Password: "},
}

// savedConfigRefs returns the saved configuration numbers a `show config N` or
// `show config difference [C1] C2` command line reads, and whether it is such a command
// that s may run.
func (r *Router) savedConfigRefs(s *session, ws []word) ([]int, bool) {
	cmd, _ := splitPipes(ws)
	a := lower(texts(cmd))
	if len(a) < 3 || a[0] != "show" || a[1] != "config" || !s.admin && r.sc.Variants.ShowConfigAdminOnly {
		return nil, false
	}
	refs := a[2:]
	if a[2] == "difference" {
		if !s.admin {
			return nil, false
		}
		refs = a[3:]
	}
	var out []int
	for _, ref := range refs {
		n, err := intArg(ref, 0, 4)
		if err != nil && ref != "-" {
			return nil, false
		}
		if err == nil {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

// asksPasswords reports whether the command line must ask for the login and
// administrator passwords before it runs.
func (s *session) asksPasswords(ws []word) bool {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.sc.Variants.SavedConfigPasswords {
		return false
	}
	refs, ok := r.savedConfigRefs(s, ws)
	if !ok {
		return false
	}
	for _, n := range refs {
		if cfg, ok := r.saved[n]; ok && slices.ContainsFunc(cfg.lines, isPasswordCommand) {
			return true
		}
	}
	return false
}

func isPasswordCommand(line string) bool {
	for _, p := range passwordCommands {
		if strings.HasPrefix(strings.ToLower(line), p+" ") {
			return true
		}
	}
	return false
}

// checkPasswords asks for the session user's login password and the administrator
// password (not echoed, never recorded) and reports whether both are right; if not, it
// prints the wrong-password error line.
func (s *session) checkPasswords(ctx context.Context) (bool, error) {
	r := s.r
	prompts := savedConfigPrompts[r.sc.Variants.SavedConfigPrompts]
	login, err := s.ask(ctx, prompts[0], false)
	if err != nil {
		return false, err
	}
	admin, err := s.ask(ctx, prompts[1], false)
	if err != nil {
		return false, err
	}
	r.mu.Lock()
	user := s.user
	r.mu.Unlock()
	if r.CheckPassword(user, login) && !s.faults().RejectPasswords && admin == r.sc.AdminPassword {
		return true, nil
	}
	s.writeLine(s.text("bad_password"))
	return false, nil
}
