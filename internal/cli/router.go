package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtxctl/rtxctl/internal/iostreams"
)

// RouterOptions holds the inputs every command that talks to one router
// shares; each such command's Options embeds it.
type RouterOptions struct {
	IO      *iostreams.IOStreams
	Connect ConnectFunc
	Now     func() time.Time // nil = time.Now
	Conn    ConnectionOptions

	Router string // ROUTER argument; "" when only flags say where
	Target Target // resolved from Router, the config file and flags
}

// NewRouterOptions returns the options of a command built by f, before its
// flags and arguments are parsed.
func NewRouterOptions(f *Factory) RouterOptions {
	return RouterOptions{IO: f.IO, Connect: f.Connect, Now: f.Now}
}

// SetRouter records the optional ROUTER argument (see [RouterArgs]).
func (o *RouterOptions) SetRouter(args []string) {
	if len(args) == 1 {
		o.Router = args[0]
	}
}

// ResolveTarget sets Target from Router, the configuration file of f and
// the connection flags; admin says that the command enters administrator
// mode.
func (o *RouterOptions) ResolveTarget(f *Factory, admin bool) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	t, err := o.Conn.Target(cfg, o.Router, admin)
	if err != nil {
		return err
	}
	o.Target = t
	return nil
}

// Routed returns o itself: commands whose Options embed RouterOptions get
// it too, so that code shared by every router command reaches it.
func (o *RouterOptions) Routed() *RouterOptions { return o }

// Clock returns the current time from Now, or from time.Now when Now is nil.
func (o *RouterOptions) Clock() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// RouterArgs is a cobra.PositionalArgs for commands taking an optional
// ROUTER: more than one argument is a *[FlagError].
func RouterArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return FlagErrorf("too many arguments for %q: want at most one ROUTER, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// SchemaVersion is the version of the -o json output of every command,
// the schema_version field of each JSON object [WriteJSON] writes (see
// docs/json.md). It grows when a field changes meaning or goes away, not
// when one is added.
const SchemaVersion = 1

// WriteJSON writes v to w as one indented JSON document, the shape of every
// command's -o json output. An object starts with schema_version
// ([SchemaVersion]); v must not have a field of that name.
func WriteJSON(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(data) >= 2 && data[0] == '{' {
		head := `{"schema_version":` + strconv.Itoa(SchemaVersion)
		if len(data) > 2 {
			head += ","
		}
		data = append([]byte(head), data[1:]...)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err = w.Write(b.Bytes())
	return err
}
