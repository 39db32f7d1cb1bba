package fakertx

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rtxctl/rtxctl/pkg/rtx/rtxtest"
)

// maxRouters bounds --routers: every router holds two listening sockets
// and its sessions' descriptors.
const maxRouters = 2000

// Roles of the routers of a fleet, in the order they are numbered: the
// healthy routers come first, the down ones last.
const (
	roleHealthy       = "healthy"
	roleSlow          = "slow"
	roleFailing       = "failing"
	rolePartial       = "partial"
	roleWrongPassword = "wrong_password"
	roleDown          = "down"
)

// fleetOptions are the flags of --routers: many fake routers in one process.
type fleetOptions struct {
	routers       int
	dir           string
	slow          int
	slowDelay     time.Duration
	failing       int
	partial       int
	wrongPassword int
	down          int
}

func (o *fleetOptions) addFlags(fs *flag.FlagSet) {
	fs.IntVar(&o.routers, "routers", 0, "serve `N` independent fake routers and write a config.yaml and an Ansible inventory for them (see --fleet-dir)")
	fs.StringVar(&o.dir, "fleet-dir", "", "with --routers, write config.yaml, inventory.yml, inventory.ini, known_hosts and the password files to `dir`, and keep each router's saved and running configuration in dir/saved/NAME.conf and dir/running/NAME.conf (default: a new temporary directory)")
	fs.IntVar(&o.slow, "slow", 0, "with --routers, `K` routers answer every command after --slow-delay")
	fs.DurationVar(&o.slowDelay, "slow-delay", 2*time.Second, "how long the --slow routers take to answer each command")
	fs.IntVar(&o.failing, "failing", 0, "with --routers, `K` routers whose BGP neighbor never comes back after a change (a tunnel change fails verification)")
	fs.IntVar(&o.partial, "partial", 0, "with --routers, `K` routers whose forced tunnel is half applied: the default route's import filter defined but not used by the import line")
	fs.IntVar(&o.wrongPassword, "wrong-password", 0, "with --routers, `K` routers that refuse every password")
	fs.IntVar(&o.down, "down", 0, "with --routers, `K` routers that are unreachable (nothing listens on their ports)")
}

// roles returns how many routers play each role, in numbering order.
func (o *fleetOptions) roles() []struct {
	role  string
	count int
} {
	return []struct {
		role  string
		count int
	}{
		{roleHealthy, o.routers - o.slow - o.failing - o.partial - o.wrongPassword - o.down},
		{roleSlow, o.slow},
		{roleFailing, o.failing},
		{rolePartial, o.partial},
		{roleWrongPassword, o.wrongPassword},
		{roleDown, o.down},
	}
}

func (o *fleetOptions) validate(opts options) error {
	special := o.slow + o.failing + o.partial + o.wrongPassword + o.down
	if o.routers == 0 {
		if special > 0 || o.dir != "" {
			return &usageError{errors.New("--fleet-dir, --slow, --failing, --partial, --wrong-password and --down need --routers")}
		}
		return nil
	}
	switch {
	case o.routers < 0 || o.routers > maxRouters:
		return &usageError{fmt.Errorf("--routers %d: want 1 to %d", o.routers, maxRouters)}
	case o.slow < 0 || o.failing < 0 || o.partial < 0 || o.wrongPassword < 0 || o.down < 0:
		return &usageError{errors.New("--slow, --failing, --partial, --wrong-password and --down take a number of routers, 0 or more")}
	case special > o.routers:
		return &usageError{fmt.Errorf("--slow, --failing, --partial, --wrong-password and --down add up to %d routers, more than --routers %d", special, o.routers)}
	case opts.azure.enabled:
		return &usageError{errors.New("--azure serves one router's Azure side: it cannot be used with --routers")}
	case opts.savedConfigOut != "":
		return &usageError{errors.New("with --routers, saved configurations go to the fleet directory (saved/NAME.conf), not --saved-config-out")}
	}
	for _, l := range []struct{ name, addr string }{{"ssh", opts.sshAddr}, {"telnet", opts.telnetAddr}} {
		if _, port, err := net.SplitHostPort(l.addr); !disabled(l.addr) && (err != nil || port != "0") {
			return &usageError{fmt.Errorf("--%s %s: with --routers every router gets its own port; give HOST:0 or off", l.name, l.addr)}
		}
	}
	return nil
}

// fleetRouter is one router of a fleet.
type fleetRouter struct {
	name   string
	role   string
	srv    *rtxtest.Server // nil for a down router
	ssh    string          // SSH address; "" when SSH is off
	telnet string          // Telnet address; "" when Telnet is off
}

// fleet is the running routers of --routers and the files describing them.
type fleet struct {
	routers []*fleetRouter
	dir     string
	creds   credentials
	logMu   sync.Mutex // serialises the lines written to stderr
}

// credentials are what the fleet's config.yaml tells rtxctl to log in with.
type credentials struct {
	user, login, admin string
}

// routerName returns the name of router i (from 1) of n: rtx01, rtx02...
func routerName(i, n int) string {
	return fmt.Sprintf("rtx%0*d", max(2, len(strconv.Itoa(n))), i)
}

// startFleet starts the routers of o and writes nothing yet. On error
// nothing is left running.
func startFleet(o options) (f *fleet, err error) {
	f = &fleet{dir: o.fleet.dir}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	var reserved []net.Listener // the down routers' ports, closed once every port is taken
	defer func() {
		for _, l := range reserved {
			l.Close()
		}
	}()
	i := 0
	for _, r := range o.fleet.roles() {
		for range r.count {
			i++
			fr := &fleetRouter{name: routerName(i, o.fleet.routers), role: r.role}
			f.routers = append(f.routers, fr)
			sc, err := loadScenario(o)
			if err != nil {
				return f, err
			}
			if i == 1 {
				f.creds = scenarioCredentials(sc)
			}
			sc.Serial = fmt.Sprintf("S%07d", i)
			switch r.role {
			case roleSlow:
				sc.Faults.ResponseDelay = o.fleet.slowDelay
			case roleFailing:
				sc.Faults.BGPNeverEstablishes = true
			case rolePartial:
				if err := halfTunnel(sc); err != nil {
					return f, &usageError{fmt.Errorf("--partial: %w", err)}
				}
			case roleWrongPassword:
				sc.Faults.RejectPasswords = true
			}
			srv := rtxtest.NewUnstartedServer(sc)
			if err := openListeners(srv, o); err != nil {
				return f, err
			}
			for _, l := range []struct {
				listener net.Listener
				addr     *string
			}{{srv.SSHListener, &fr.ssh}, {srv.TelnetListener, &fr.telnet}} {
				if l.listener == nil {
					continue
				}
				*l.addr = l.listener.Addr().String()
				if r.role == roleDown {
					reserved = append(reserved, l.listener)
				}
			}
			if r.role != roleDown {
				srv.Start()
				fr.srv = srv
			}
		}
	}
	return f, nil
}

// scenarioCredentials returns the login user and passwords of sc: its first
// named user with a password (SSH refuses the anonymous user).
func scenarioCredentials(sc *rtxtest.Scenario) credentials {
	c := credentials{admin: sc.AdminPassword}
	for _, u := range sc.Users {
		if u.Password != "" {
			c.user, c.login = u.Name, u.Password
			break
		}
	}
	return c
}

// partialFilterID is the import filter a --partial router defines for the
// default route: the one rtxctl uses unless a router's filter_id says
// otherwise, and the article's.
const partialFilterID = 2

// halfTunnel gives the router of sc the first half of forced tunnelling,
// saved and running alike: the default route's import filter defined, the
// import lines left as they are, which rtxctl reports as partial.
func halfTunnel(sc *rtxtest.Scenario) error {
	saved, err := withDefaultFilter(sc.SavedConfig)
	if err != nil {
		return err
	}
	sc.SavedConfig = saved
	if sc.RunningConfig != "" {
		sc.RunningConfig, err = withDefaultFilter(sc.RunningConfig)
	}
	return err
}

// withDefaultFilter returns configuration text with `bgp import filter 2
// include 0.0.0.0/0` added where show config places it: before the first
// import line (`bgp import AS ...`) or filter numbered above 2, whatever the
// peer AS. The text must have an import line, none using filter 2, and no
// filter 2.
func withDefaultFilter(text string) (string, error) {
	lines := strings.Split(text, "\n")
	at, imports := -1, 0
	for i, l := range lines {
		w := strings.Fields(strings.ToLower(l))
		if len(w) < 4 || w[0] != "bgp" || w[1] != "import" {
			continue
		}
		if w[2] == "filter" {
			n, _ := strconv.Atoi(w[3])
			if n == partialFilterID {
				return "", fmt.Errorf("the scenario's configuration already defines import filter %d (%q)", n, l)
			}
			if n > partialFilterID && at < 0 {
				at = i
			}
			continue
		}
		if k := slices.Index(w, "filter"); k >= 0 && slices.Contains(w[k+1:], strconv.Itoa(partialFilterID)) {
			return "", fmt.Errorf("the scenario's import line %q already uses filter %d", l, partialFilterID)
		}
		imports++
		if at < 0 {
			at = i
		}
	}
	if imports == 0 {
		return "", errors.New("the scenario's configuration has no BGP import line (bgp import AS ...)")
	}
	return strings.Join(slices.Insert(lines, at, fmt.Sprintf("bgp import filter %d include 0.0.0.0/0", partialFilterID)), "\n"), nil
}

// close stops every router and waits for their goroutines.
func (f *fleet) close() {
	for _, r := range f.routers {
		if r.srv != nil {
			r.srv.Close()
		}
	}
}

// logCommands prints every router's new commands to w, each line after the
// router's name, until the returned function is called.
func (f *fleet) logCommands(w io.Writer) (stop func()) {
	var stops []func()
	for _, r := range f.routers {
		if r.srv != nil {
			stops = append(stops, logCommands(r.srv.Router, &prefixWriter{mu: &f.logMu, w: w, prefix: r.name + " "}))
		}
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// prefixWriter writes each Write (one whole line) after a prefix, one at a
// time.
type prefixWriter struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := io.WriteString(p.w, p.prefix+string(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// path returns the path of a file in the fleet directory.
func (f *fleet) path(name string) string { return filepath.Join(f.dir, name) }

// announce writes the fleet's files and starts keeping the routers'
// configuration files current ([fleet.watchConfigs], failures later printed
// to stderr), then writes the ready file, then prints one line per router and
// the paths of the files.
func (f *fleet) announce(o options, stdout, stderr io.Writer) error {
	dir, err := makeDir(f.dir, "fakertx-fleet-")
	if err != nil {
		return fmt.Errorf("fleet directory: %w", err)
	}
	f.dir = dir
	var known strings.Builder
	for _, r := range f.routers {
		if r.srv != nil && r.srv.KnownHostsLine() != "" {
			known.WriteString(r.srv.KnownHostsLine() + "\n")
		}
	}
	p := fleetPaths{
		knownHosts: f.path("known_hosts"),
		login:      f.path("login.password"),
		admin:      f.path("admin.password"),
	}
	files := []file{{p.knownHosts, known.String()}}
	if f.creds.login != "" {
		files = append(files, file{p.login, f.creds.login + "\n"})
	} else {
		p.login = ""
	}
	if f.creds.admin != "" {
		files = append(files, file{p.admin, f.creds.admin + "\n"})
	} else {
		p.admin = ""
	}
	files = append(files,
		file{f.path("config.yaml"), fleetConfig(f.routers, f.creds.user, p)},
		file{f.path("inventory.yml"), fleetInventoryYAML(f.routers, f.creds.user, p)},
		file{f.path("inventory.ini"), fleetInventoryINI(f.routers, f.creds.user, p)},
	)
	if o.knownHosts != "" {
		files = append(files, file{o.knownHosts, known.String()})
	}
	for _, fl := range files {
		if err := writeFile(fl.path, fl.content); err != nil {
			return fmt.Errorf("write fleet files: %w", err)
		}
	}
	if err := f.watchConfigs(stderr); err != nil {
		return err
	}
	var ready, printed strings.Builder
	for _, r := range f.routers {
		fmt.Fprintf(&printed, "%s", r.name)
		for _, a := range []struct{ name, addr string }{{"ssh", r.ssh}, {"telnet", r.telnet}} {
			if a.addr != "" {
				fmt.Fprintf(&printed, " %s=%s", a.name, a.addr)
				fmt.Fprintf(&ready, "%s_%s=%s\n", r.name, a.name, a.addr)
			}
		}
		fmt.Fprintf(&printed, " %s\n", r.role)
	}
	fmt.Fprintf(&ready, "fleet_dir=%s\nconfig=%s\n", f.dir, f.path("config.yaml"))
	fmt.Fprintf(&printed, "config %s\ninventory %s\ninventory-ini %s\n", f.path("config.yaml"), f.path("inventory.yml"), f.path("inventory.ini"))
	return publish(o.readyFile, ready.String(), stdout, printed.String())
}

// configDirs are the fleet directory's subdirectories holding each router's
// saved and running configuration (NAME.conf, one line per command).
var configDirs = []string{"saved", "running"}

// writeConfigs replaces the configuration files of router name.
func (f *fleet) writeConfigs(name string, running, saved []string) error {
	for i, ls := range [][]string{saved, running} {
		if err := writeFile(filepath.Join(f.path(configDirs[i]), name+".conf"), lines(ls)); err != nil {
			return fmt.Errorf("write the configuration files of %s: %w", name, err)
		}
	}
	return nil
}

// watchConfigs writes each served router's saved and running configuration
// to saved/NAME.conf and running/NAME.conf now, and again whenever either
// changes, before the router's next prompt ([rtxtest.Router.ObserveConfig]).
// It returns the errors of the writes now; those of later writes are printed
// to w.
func (f *fleet) watchConfigs(w io.Writer) error {
	for _, d := range configDirs {
		if err := os.MkdirAll(f.path(d), 0o700); err != nil {
			return fmt.Errorf("write the configuration files: %w", err)
		}
	}
	var (
		mu      sync.Mutex // guards started and errs
		started bool
		errs    []error
	)
	for _, r := range f.routers {
		if r.srv == nil {
			continue
		}
		r.srv.Router.ObserveConfig(func(running, saved []string) {
			err := f.writeConfigs(r.name, running, saved)
			if err == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if !started {
				errs = append(errs, err)
				return
			}
			f.logMu.Lock()
			defer f.logMu.Unlock()
			fmt.Fprintf(w, "fakertx: %v\n", err)
		})
	}
	mu.Lock()
	defer mu.Unlock()
	started = true
	return errors.Join(errs...)
}

// writeFinalConfigs writes each served router's configuration files once
// more, after the routers stopped.
func (f *fleet) writeFinalConfigs() error {
	var errs []error
	for _, r := range f.routers {
		if r.srv != nil {
			errs = append(errs, f.writeConfigs(r.name, r.srv.Router.RunningConfig(), r.srv.Router.SavedConfig()))
		}
	}
	return errors.Join(errs...)
}

// runFleet serves the routers of --routers until ctx is cancelled.
func runFleet(ctx context.Context, o options, stdout, stderr io.Writer) error {
	f, err := startFleet(o)
	if err != nil {
		return err
	}
	stopLog := func() {}
	if o.logCommands {
		stopLog = f.logCommands(stderr)
	}
	err = f.announce(o, stdout, stderr)
	if err == nil {
		<-ctx.Done()
	}
	f.close()
	stopLog()
	if err != nil {
		return err
	}
	return f.writeFinalConfigs()
}

// file is a file to write and its content.
type file struct{ path, content string }

// fleetPaths are the files the fleet's config.yaml and inventory point to;
// "" for a password the scenario does not have.
type fleetPaths struct {
	knownHosts, login, admin string
}

// transport returns the transport and address rtxctl reaches r with: SSH
// when it is served.
func (r *fleetRouter) transport() (name, host, port string) {
	name, addr := "ssh", r.ssh
	if addr == "" {
		name, addr = "telnet", r.telnet
	}
	host, port, _ = net.SplitHostPort(addr)
	return name, host, port
}

// groups returns the fleet's roles that have routers, in numbering order,
// with their routers.
func groups(routers []*fleetRouter) (roles []string, members map[string][]*fleetRouter) {
	members = map[string][]*fleetRouter{}
	for _, r := range routers {
		if len(members[r.role]) == 0 {
			roles = append(roles, r.role)
		}
		members[r.role] = append(members[r.role], r)
	}
	return roles, members
}

// q quotes s for YAML and for Ansible's INI format (a double-quoted string).
func q(s string) string { return strconv.Quote(s) }

// fleetConfig returns rtxctl's config.yaml for the fleet (format:
// internal/config, checked there against this package's golden file).
func fleetConfig(routers []*fleetRouter, user string, p fleetPaths) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# rtxctl configuration for the routers of fakertx --routers %d.\n", len(routers))
	fmt.Fprintf(&b, "# Try: rtxctl --config THIS_FILE status NAME (or --group GROUP, --all)\nrouters:\n")
	for _, r := range routers {
		transport, host, port := r.transport()
		fmt.Fprintf(&b, "  %s:\n    host: %s\n    port: %s\n    transport: %s\n", r.name, q(host), port, transport)
		if user != "" {
			fmt.Fprintf(&b, "    user: %s\n", q(user))
		}
		fmt.Fprintf(&b, "    known_hosts: %s\n", q(p.knownHosts))
		if p.login != "" {
			fmt.Fprintf(&b, "    password_file: %s\n", q(p.login))
		}
		if p.admin != "" {
			fmt.Fprintf(&b, "    admin_password_file: %s\n", q(p.admin))
		}
	}
	b.WriteString("groups:\n")
	roles, members := groups(routers)
	for _, role := range roles {
		var names []string
		for _, r := range members[role] {
			names = append(names, r.name)
		}
		fmt.Fprintf(&b, "  %s: [%s]\n", role, strings.Join(names, ", "))
	}
	return b.String()
}

// inventoryVars returns the variables every router of the fleet shares in
// the Ansible inventory, as NAME, VALUE pairs.
func inventoryVars(user string, p fleetPaths) [][2]string {
	vars := [][2]string{{"ansible_network_os", "yamaha_network.rtx.rtx"}, {"ansible_connection", "ansible.netcommon.network_cli"}}
	if user != "" {
		vars = append(vars, [2]string{"ansible_user", user})
	}
	vars = append(vars, [2]string{"rtxctl_known_hosts", p.knownHosts})
	if p.login != "" {
		vars = append(vars, [2]string{"rtxctl_password_file", p.login})
	}
	if p.admin != "" {
		vars = append(vars, [2]string{"rtxctl_admin_password_file", p.admin})
	}
	return vars
}

// fleetInventoryYAML returns an Ansible inventory (YAML) of the fleet: one
// group per role, the passwords given as files for rtxctl (never in the
// inventory).
func fleetInventoryYAML(routers []*fleetRouter, user string, p fleetPaths) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Ansible inventory of the routers of fakertx --routers %d.\nall:\n  vars:\n", len(routers))
	for _, v := range inventoryVars(user, p) {
		fmt.Fprintf(&b, "    %s: %s\n", v[0], q(v[1]))
	}
	b.WriteString("  children:\n")
	roles, members := groups(routers)
	for _, role := range roles {
		fmt.Fprintf(&b, "    %s:\n      hosts:\n", role)
		for _, r := range members[role] {
			transport, host, port := r.transport()
			fmt.Fprintf(&b, "        %s:\n          ansible_host: %s\n          ansible_port: %s\n          rtxctl_transport: %s\n", r.name, q(host), port, transport)
		}
	}
	return b.String()
}

// fleetInventoryINI returns the same inventory as [fleetInventoryYAML] in
// Ansible's INI format.
func fleetInventoryINI(routers []*fleetRouter, user string, p fleetPaths) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Ansible inventory of the routers of fakertx --routers %d.\n", len(routers))
	roles, members := groups(routers)
	for _, role := range roles {
		fmt.Fprintf(&b, "[%s]\n", role)
		for _, r := range members[role] {
			transport, host, port := r.transport()
			fmt.Fprintf(&b, "%s ansible_host=%s ansible_port=%s rtxctl_transport=%s\n", r.name, host, port, transport)
		}
		b.WriteString("\n")
	}
	b.WriteString("[all:vars]\n")
	for _, v := range inventoryVars(user, p) {
		fmt.Fprintf(&b, "%s=%s\n", v[0], q(v[1]))
	}
	return b.String()
}
