// Package state keeps rtxctl's per-router records on the local disk: backups of the
// router configuration taken before a change, and an append-only journal of every
// change made.
//
// # Layout
//
// All files live under one root directory, by default $XDG_STATE_HOME/rtxctl
// (~/.local/state/rtxctl, see [DefaultRoot]). Each router has its own directory named
// after its identity, "MODEL_SERIAL" ([Identity.Key]), or, until a run has learned
// that, after the host it was reached by, with characters unsafe in a file name
// replaced (see [EnsureHostDir]):
//
//	<root>/routes.json                              address as dialled -> router identity
//	<root>/<ROUTER>/config-20261125T013000.123Z.txt one `show config` per backup
//	<root>/<ROUTER>/journal.jsonl                   the journal, one JSON object per line
//	<root>/<ROUTER>/journal.lock                    serialises journal appends
//	<root>/.locks/<ROUTER>                          the per-router lock (package lock)
//	<root>/.locks/route-<HOST>_<PORT>               the route's lock, until the router is known
//
// [Store.Key] finds a router's directory from the address it is reached by;
// [Store.Learn] records the identity a connection found and, on the first contact
// through an address, moves the host's directory to the router's.
//
// Directories are created with mode 0700 and files with mode 0600: backups contain the
// full router configuration.
//
// # Journal
//
// The journal is one JSON Lines file per router, so that a router's history and its ids
// stay together. Each line is an [Entry]; ids count 1, 2, 3, … per router,
// up to [MaxID]. An entry written before a run arms a safety net on the router says so
// ([Entry.Armed]); until a later entry clears it ([Entry.Clears]) it is one of the
// [Leftovers] the next run deals with.
// Nothing is ever rewritten: a later change of an entry's lifecycle (a timed rollback
// being confirmed or rolled back) is recorded as a new entry whose Ref names the
// original id and whose State is the new state. Readers fold these records, so
// [Store.Entries], [Store.Entry], [Store.Pending] and [Store.AllPending] report each
// entry with its latest state.
//
// Appends take an exclusive lock on journal.lock and write each line with one write
// to a file opened with O_APPEND, so concurrent processes never interleave lines or
// reuse an id. Readers take a shared lock. A line that cannot be parsed (a process
// that crashed mid-write leaves a truncated last line) is skipped and reported as a
// [Warning], never as an error; the next append starts on a fresh line.
//
// The package never prints and never reads the environment: the caller passes the
// root directory and the clock in a [Store].
package state
