package rtxtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// passwordConfig is a saved configuration line that makes show config N ask for passwords.
const passwordConfig = "administrator password encrypted *"

func TestSavedConfigPasswords(t *testing.T) {
	t.Parallel()
	const login, admin = "rtxctl-login", "rtxctl-admin"
	tests := []struct {
		name    string
		edit    func(*Scenario)
		cmd     string
		answers []string // typed at each question, in order
		want    string   // output after the echo, up to the prompt
	}{
		{
			name: "variant off",
			edit: func(sc *Scenario) { sc.SavedConfig += passwordConfig + "\n" },
			cmd:  "show config 0 | grep password",
			want: "Searching ...\r\n" + passwordConfig + "\r\n# ",
		},
		{
			name: "no password commands in the saved configuration",
			edit: func(sc *Scenario) { sc.Variants.SavedConfigPasswords = true },
			cmd:  "show config 0 | grep \"bgp use\"",
			want: "Searching ...\r\nbgp use on\r\n# ",
		},
		{
			name:    "same prompt twice",
			edit:    withPasswords(""),
			cmd:     "show config 0 | grep password",
			answers: []string{login, admin},
			want:    "Password: \r\nPassword: \r\nSearching ...\r\n" + passwordConfig + "\r\n# ",
		},
		{
			name:    "distinct administrator prompt",
			edit:    withPasswords("admin"),
			cmd:     "show config 0 | grep password",
			answers: []string{login, admin},
			want:    "Password: \r\nAdministrator Password: \r\nSearching ...\r\n" + passwordConfig + "\r\n# ",
		},
		{
			name:    "named prompts, difference",
			edit:    withPasswords("named"),
			cmd:     "show config difference 0",
			answers: []string{login, admin},
			want:    "Login Password: \r\nAdministrator Password: \r\n# ",
		},
		{
			name:    "wrong administrator password",
			edit:    withPasswords(""),
			cmd:     "show config 0",
			answers: []string{login, "wrong"},
			want:    "Password: \r\nPassword: \r\nError: Incorrect password\r\n# ",
		},
		{
			name:    "wrong login password",
			edit:    withPasswords(""),
			cmd:     "show config 0",
			answers: []string{"wrong", admin},
			want:    "Password: \r\nPassword: \r\nError: Incorrect password\r\n# ",
		},
		{
			name: "running configuration",
			edit: withPasswords(""),
			cmd:  "show config | grep password",
			want: "Searching ...\r\n" + passwordConfig + "\r\n# ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := englishScenario()
			tt.edit(sc)
			r := NewRouter(sc)
			c := adminConsole(t, r)
			c.send(tt.cmd + "\r")
			c.expect(tt.cmd + "\r\n")
			var got string
			for _, a := range tt.answers {
				got += c.expect("Password: ")
				c.send(a + "\r")
			}
			got += c.expectEnd("# ")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s output mismatch (-want +got):\n%s", tt.cmd, diff)
			}
			for _, a := range append(slices.Clone(tt.answers), login, admin) {
				if strings.Contains(got, a) {
					t.Errorf("output %q echoes a password", got)
				}
			}
			cmds := r.Commands()
			if diff := cmp.Diff([]string{"administrator", tt.cmd}, cmds); diff != "" {
				t.Errorf("Commands() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// withPasswords turns the variant on with the given prompts and puts a password command
// into the saved configuration.
func withPasswords(prompts string) func(*Scenario) {
	return func(sc *Scenario) {
		sc.SavedConfig += passwordConfig + "\n"
		sc.Variants.SavedConfigPasswords = true
		sc.Variants.SavedConfigPrompts = prompts
	}
}

func TestShowConfigDifference(t *testing.T) {
	t.Parallel()
	sc := englishScenario()
	sc.RunningConfig = sc.SavedConfig + "ip route 10.1.0.0/16 gateway 192.168.254.254\n"
	c := adminConsole(t, NewRouter(sc))
	want := []string{"+ ip route 10.1.0.0/16 gateway 192.168.254.254"}
	if diff := cmp.Diff(want, c.run("show config difference 0 -", "# ")); diff != "" {
		t.Errorf("show config difference 0 - mismatch (-want +got):\n%s", diff)
	}
	want = []string{"- ip route 10.1.0.0/16 gateway 192.168.254.254"}
	if diff := cmp.Diff(want, c.run("show config difference 0", "# ")); diff != "" {
		t.Errorf("show config difference 0 mismatch (-want +got):\n%s", diff)
	}
}
