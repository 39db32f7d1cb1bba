// Package inventory reads the routers of an Ansible inventory (YAML or INI)
// and turns them into rtxctl router definitions and groups, so that Ansible
// users need not copy their lists into config.yaml.
//
// What is read: hosts, groups and their children, group and host variables
// (`vars:`, `[group:vars]`, host-line variables) with Ansible's precedence
// (a child group's variables override its parent's, host variables override
// groups'), host ranges such as `rtx[01:20].example.jp`, and:
//
//	ansible_host (ansible_ssh_host)     -> host
//	ansible_port (ansible_ssh_port)     -> port; a host written HOST:PORT too
//	ansible_user (ansible_ssh_user)     -> user
//	ansible_ssh_private_key_file        -> identity
//	rtxctl_transport, rtxctl_peer_as... -> the config.yaml field after "rtxctl_"
//
// Hosts that are not YAMAHA RTX routers reached over SSH (an
// ansible_network_os of another vendor, an ansible_connection such as local
// or winrm) are left out with a warning. Passwords are never taken from an
// inventory: a variable holding one is ignored with a warning pointing to
// the places rtxctl reads secrets from.
//
// Layer: internal, above internal/config. It reads files only.
package inventory

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtxctl/rtxctl/internal/config"
)

// Format is an inventory file format.
type Format int

// Inventory formats.
const (
	FormatAuto Format = iota // YAML for .yml/.yaml/.json files, else INI
	FormatYAML
	FormatINI
)

// Options restricts an import. The zero value imports every router.
type Options struct {
	// Groups limits the import to the hosts of these groups (and of their
	// children); nil = every host.
	Groups []string
}

// Result is an imported inventory.
type Result struct {
	// Config holds the routers (named as in the inventory) and the groups
	// that have at least one of them ("all" and "ungrouped" left out).
	Config *config.Config
	// Warnings are notes for the operator: hosts left out, variables ignored.
	Warnings []string
}

// ErrUnknownGroup is wrapped by the error of an import whose Options.Groups
// names a group the inventory does not define.
var ErrUnknownGroup = errors.New("no such group in the inventory")

// Error reports an inventory that cannot be read or turned into routers.
type Error struct {
	Path string // the file; "" when read from a reader
	Line int    // the line of an INI syntax error; 0 = none
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("inventory %s line %d: %v", e.Path, e.Line, e.Err)
	case e.Path != "":
		return fmt.Sprintf("inventory %s: %v", e.Path, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("inventory line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("inventory: %v", e.Err)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Load reads the inventory file at path in format f. All errors are *[Error].
func Load(path string, f Format, opts Options) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if f == FormatAuto {
		f = FormatINI
		if slices.Contains([]string{".yml", ".yaml", ".json"}, strings.ToLower(filepath.Ext(path))) {
			f = FormatYAML
		}
	}
	res, err := Parse(data, f, opts)
	var invErr *Error
	if errors.As(err, &invErr) {
		invErr.Path = path
	}
	return res, err
}

// Parse reads an inventory in format f (FormatAuto: YAML when the data
// parses as a YAML mapping, else INI). All errors are *[Error].
func Parse(data []byte, f Format, opts Options) (*Result, error) {
	var (
		inv *inventory
		err error
	)
	switch f {
	case FormatYAML:
		inv, err = parseYAML(data)
	case FormatINI:
		inv, err = parseINI(data)
	default:
		if inv, err = parseYAML(data); err != nil {
			inv, err = parseINI(data)
		}
	}
	if err != nil {
		var invErr *Error
		if errors.As(err, &invErr) {
			return nil, err
		}
		return nil, &Error{Err: err}
	}
	res, err := inv.routers(opts)
	if err != nil {
		return nil, &Error{Err: err}
	}
	return res, nil
}
