package cli

// Exit statuses of rtxctl. They are API: add, never renumber, and keep
// docs/exit-codes.md and the EXIT STATUS sections of the help in sync.
const (
	ExitOK             = 0   // success, including "already in the requested state"
	ExitFailure        = 1   // failure not covered below
	ExitUsage          = 2   // bad flag, argument, configuration or missing secret
	ExitUnreachable    = 3   // cannot reach the router: dial, timeout, host key
	ExitAuth           = 4   // login or administrator password refused
	ExitRefused        = 5   // the router refused a command or a privilege change
	ExitLocked         = 6   // another rtxctl holds this router's lock
	ExitVerifyFailed   = 10  // a change could not be verified and was undone
	ExitUndone         = 11  // confirm: the pending change had already been undone; nothing saved
	ExitNotUnderstood  = 12  // capture: recorded, but rtxctl did not understand some output
	ExitAzureDisagrees = 13  // azure check, tunnel --azure: Azure's view disagrees with the router's state
	ExitInterrupted    = 130 // interrupted by SIGINT or SIGTERM
)
