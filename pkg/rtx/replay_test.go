package rtx

import (
	"errors"
	"testing"

	"github.com/rtxctl/rtxctl/pkg/driver"
)

func TestReplay(t *testing.T) {
	t.Parallel()
	const neighbor = "bgp neighbor 1 65521 10.10.50.254 hold-time=30 local-address=192.168.254.1 ignore-capability=on"
	r := &Replay{
		Columns: 80,
		Router:  Info{Model: "RTX1210", Revision: "14.01.42"},
		Outputs: map[string]string{
			cmdShowBGPConfig:   "bgp use on\n" + neighbor[:79] + "\n" + neighbor[79:] + "\n",
			cmdShowEnvironment: "Firmware: exec0  Config. file: config1\nDefault firmware: exec0  Default config. file: config2\nCurrent time: 2020/03/17 16:21:59 +09:00\n",
			"show config 1":    "# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)\nbgp use off\n",
			"show status x":    "Error: Invalid command name\n",
		},
	}
	ctx := integrationContext(t)
	out, err := r.Run(ctx, cmdShowBGPConfig)
	if err != nil {
		t.Fatal(err)
	}
	diffOrFail(t, "Run(show config | grep bgp)", "bgp use on\n"+neighbor+"\n", out)

	files, err := r.ConfigFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	diffOrFail(t, "ConfigFiles", ConfigFiles{Running: 1, Boot: 2}, files)
	saved, err := r.SavedConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	diffOrFail(t, "SavedConfig", "# RTX1210 Rev.14.01.42 (Fri Jul  5 11:17:45 2024)\nbgp use off\n", saved)

	var ce *driver.CommandError
	if _, err := r.Run(ctx, "show status x"); !errors.As(err, &ce) {
		t.Errorf("Run of a recorded error line: error %v, want a *driver.CommandError", err)
	}
	if _, err := r.Run(ctx, "show ip route"); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("Run of an unrecorded command: error %v, want ErrNotRecorded", err)
	}
	diffOrFail(t, "Info", r.Router, r.Info())
}

func TestParseConsoleExported(t *testing.T) {
	t.Parallel()
	got := ParseConsole("console character en.ascii\r\nconsole lines infinity\r\nconsole prompt r1\r\n")
	diffOrFail(t, "ParseConsole", Console{Lines: "infinity", Character: "en.ascii"}, got)
}
