package rtxtest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const scenarioDir = "../../../testdata/scenarios"

func TestLoadScenarioShipped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		model      string
		revision   string
		language   string
		prompt     string
		legacy     bool
		rollback   bool
		importLine string
	}{
		{"article-ja.yaml", "RTX1210", "14.01.42", "ja", "", false, true, "bgp import 65521 static filter 1"},
		{"article-en.yaml", "RTX1210", "14.01.42", "en", "", false, true, "bgp import 65521 static filter 1"},
		{"tunnel-on-ja.yaml", "RTX1210", "14.01.42", "ja", "", false, true, "bgp import 65521 static filter 1 2"},
		{"named-prompt.yaml", "RTX1220", "15.04.04", "ja", "RTX1220", false, true, "bgp import 65521 static filter 1"},
		{"old-firmware.yaml", "RTX1210", "14.01.20", "ja", "", true, false, "bgp import 65521 static filter 1"},
		{"prompt-lookalike.yaml", "RTX1210", "14.01.42", "ja", "", false, true, "bgp import 65521 static filter 1"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			sc, err := LoadScenario(filepath.Join(scenarioDir, tt.file))
			if err != nil {
				t.Fatalf("LoadScenario: %v", err)
			}
			got := []any{sc.Model, sc.Revision, sc.Language, sc.Prompt, sc.SSH.Legacy, sc.has(featureRollback)}
			want := []any{tt.model, tt.revision, tt.language, tt.prompt, tt.legacy, tt.rollback}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("scenario fields mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(sc.SavedConfig, tt.importLine+"\n") || !strings.Contains(sc.SavedConfig, "ip route default gateway") {
				t.Errorf("saved_config lacks %q or a default route:\n%s", tt.importLine, sc.SavedConfig)
			}
			if sc.AdminPassword == "" || len(sc.Users) != 1 || sc.Users[0].Name != "rtxctl" {
				t.Errorf("credentials: admin %q, users %+v", sc.AdminPassword, sc.Users)
			}
		})
	}
}

func TestDefaultScenarioIsArticleJA(t *testing.T) {
	t.Parallel()
	sc, err := LoadScenario(filepath.Join(scenarioDir, "article-ja.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultScenario(), sc); diff != "" {
		t.Errorf("DefaultScenario() differs from article-ja.yaml (-want +got):\n%s", diff)
	}
}

func TestParseScenario(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		yaml    string
		want    *Scenario
		wantErr string
	}{
		{name: "empty", yaml: "", want: &Scenario{}},
		{
			name: "durations and nested",
			yaml: "bgp: {establish_delay: 5s, down_state: Idle}\nfaults:\n  response_delay: 20ms\n  drops: [{command: save, when: after}]\nvariants:\n  messages: {en: {illegal_keyword: 'Error: X'}}\nstart_time: 2025-03-28T10:00:00+09:00\n",
			want: &Scenario{
				BGP:       BGPOptions{EstablishDelay: 5 * time.Second, DownState: "Idle"},
				Faults:    Faults{ResponseDelay: 20 * time.Millisecond, Drops: []DropFault{{Command: "save", When: "after"}}},
				Variants:  Variants{Messages: map[string]map[string]string{"en": {"illegal_keyword": "Error: X"}}},
				StartTime: time.Date(2025, 3, 28, 10, 0, 0, 0, time.FixedZone("", 9*3600)),
			},
		},
		{name: "unknown field", yaml: "modle: RTX830\n", wantErr: "modle"},
		{name: "bad language", yaml: "language: fr\n", wantErr: "language"},
		{name: "legacy name on new firmware", yaml: "language: sjis\n", wantErr: "language"},
		{name: "legacy name on old firmware", yaml: "revision: 10.01.65\nlanguage: sjis\n", want: &Scenario{Revision: "10.01.65", Language: "sjis"}},
		{name: "bad lines", yaml: "lines: 5\n", wantErr: "lines"},
		{name: "bad columns", yaml: "columns: 5000\n", wantErr: "columns"},
		{name: "bad administrator", yaml: "users: [{name: a, administrator: yes}]\n", wantErr: "administrator"},
		{name: "nameless user", yaml: "users: [{password: a}]\n", wantErr: "name"},
		{name: "bad auth method", yaml: "ssh: {auth_methods: [gssapi]}\n", wantErr: "gssapi"},
		{name: "bad down state", yaml: "bgp: {down_state: Connect}\n", wantErr: "down_state"},
		{name: "bad variant", yaml: "variants: {dirty: sometimes}\n", wantErr: "dirty"},
		{name: "bad message language", yaml: "variants: {messages: {fr: {}}}\n", wantErr: "fr"},
		{name: "bad message key", yaml: "variants: {messages: {ja: {nope: x}}}\n", wantErr: "nope"},
		{name: "bad drop moment", yaml: "faults: {drops: [{command: save, when: during}]}\n", wantErr: "during"},
		{name: "bad duration", yaml: "bgp: {establish_delay: soon}\n", wantErr: "soon"},
		{
			name: "boot configuration",
			yaml: "config_file: 1\ndefault_config_file: 2\nsaved_configs: {2: 'ip lan1 address 192.168.2.1/24'}\n",
			want: &Scenario{ConfigFile: 1, DefaultConfigFile: ptr(2), SavedConfigs: map[int]string{2: "ip lan1 address 192.168.2.1/24"}},
		},
		{
			name: "faults, sessions and outputs",
			yaml: "faults:\n  floods: [{command: show config, after: output, bytes: 1000, line: x}]\n  pauses: [{command: show log, after: '# ', delay: 1s}]\nother_sessions: [{user: alice, connection: ssh1, administrator: true}]\noutputs: {show log: \"a\\nb\\n\"}\nvariants: {wrap_width: columns, wrap_exact: blank, pager_marker_japanese: '--- つづく ---', localized_status: true, localized_state_words: true}\n",
			want: &Scenario{
				Faults: Faults{
					Floods: []FloodFault{{Command: "show config", After: "output", Bytes: 1000, Line: "x"}},
					Pauses: []PauseFault{{Command: "show log", After: "# ", Delay: time.Second}},
				},
				OtherSessions: []OtherSession{{User: "alice", Connection: "ssh1", Administrator: true}},
				Outputs:       map[string]string{"show log": "a\nb\n"},
				Variants:      Variants{WrapWidth: "columns", WrapExact: "blank", PagerMarkerJapanese: "--- つづく ---", LocalizedStatus: true, LocalizedStateWords: true},
			},
		},
		{name: "bad wrap width", yaml: "variants: {wrap_width: 79}\n", wantErr: "wrap_width"},
		{name: "bad flood moment", yaml: "faults: {floods: [{command: save, after: echo}]}\n", wantErr: "floods"},
		{name: "negative flood", yaml: "faults: {floods: [{command: save, bytes: -1}]}\n", wantErr: "floods"},
		{name: "bad config file", yaml: "config_file: 5\n", wantErr: "config_file"},
		{name: "saved config number out of range", yaml: "saved_configs: {7: x}\n", wantErr: "saved_configs 7"},
		{name: "config file text twice", yaml: "config_file: 1\nsaved_configs: {1: x}\n", wantErr: "saved_configs 1"},
		{name: "default config file without text", yaml: "default_config_file: 3\n", wantErr: "default_config_file 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseScenario([]byte(tt.yaml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseScenario(%q) error = %v, want one mentioning %q", tt.yaml, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseScenario(%q): %v", tt.yaml, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("ParseScenario(%q) mismatch (-want +got):\n%s", tt.yaml, diff)
			}
		})
	}
}

func TestLoadScenarioMissingFile(t *testing.T) {
	t.Parallel()
	if _, err := LoadScenario(filepath.Join(t.TempDir(), "none.yaml")); err == nil {
		t.Fatal("LoadScenario of a missing file succeeded")
	}
}

func TestScenarioFeatures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		revision string
		want     [3]bool // rollback, load in schedule, relative schedule
	}{
		{"14.01.20", [3]bool{false, false, false}},
		{"14.01.26", [3]bool{true, false, false}},
		{"14.01.28", [3]bool{true, true, false}},
		{"Rev.14.01.42", [3]bool{true, true, true}},
		{"15.02.03", [3]bool{true, true, true}},
		{"15.04.03", [3]bool{true, true, false}},
		{"14.00.30", [3]bool{true, true, false}},
		{"10.01.65", [3]bool{false, false, false}},
		{"23.00.04", [3]bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.revision, func(t *testing.T) {
			t.Parallel()
			sc := &Scenario{Revision: tt.revision}
			got := [3]bool{sc.has(featureRollback), sc.has(featureScheduleLoad), sc.has(featureScheduleRelative)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("features of %s mismatch (-want +got):\n%s", tt.revision, diff)
			}
		})
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
