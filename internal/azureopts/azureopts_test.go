package azureopts

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rtxctl/rtxctl/internal/cli"
	"github.com/rtxctl/rtxctl/pkg/azure"
)

func TestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int // exit status; -1 = returned as it is
	}{
		{"refused token", &azure.ResponseError{StatusCode: 401, Code: "InvalidAuthenticationToken"}, cli.ExitAuth},
		{"no rights", &azure.ResponseError{StatusCode: 403, Code: "AuthorizationFailed"}, cli.ExitAuth},
		{"no token", fmt.Errorf("read: %w", &credentialError{errors.New("no credential")}), cli.ExitAuth},
		{"not found", &azure.ResponseError{StatusCode: 404, Code: "ResourceNotFound"}, cli.ExitUsage},
		{"too slow", fmt.Errorf("read: %w", context.DeadlineExceeded), cli.ExitUnreachable},
		{"operation failed", &azure.ResponseError{StatusCode: 200, Code: "InternalServerError"}, -1},
		{"throttled", &azure.ResponseError{StatusCode: 429, Code: "SubscriptionRequestsThrottled"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Error(tt.err)
			var exitErr *cli.ExitError
			switch {
			case tt.want < 0 && got != tt.err:
				t.Errorf("Error(%v) = %v, want it unchanged", tt.err, got)
			case tt.want >= 0 && (!errors.As(got, &exitErr) || exitErr.Code != tt.want || !errors.Is(got, tt.err)):
				t.Errorf("Error(%v) = %#v, want exit status %d wrapping the error", tt.err, got, tt.want)
			}
		})
	}
	if Error(nil) != nil {
		t.Error("Error(nil) != nil")
	}
}
