package azure

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"
)

// DefaultPollFrequency is the interval between polls of a long-running
// operation when Azure does not say (it usually does, with Retry-After).
const DefaultPollFrequency = 2 * time.Second

// Config says how to reach Azure Resource Manager.
type Config struct {
	// Subscription is the subscription ID; required.
	Subscription string
	// Credential authenticates the requests; required.
	Credential azcore.TokenCredential
	// Cloud is the cloud's endpoints; the zero value is Azure's public cloud.
	Cloud cloud.Configuration
	// Transport sends the HTTP requests; nil is the SDK's default client.
	Transport policy.Transporter
	// Retry is the SDK's retry policy (throttling, server errors); the zero
	// value is the SDK's default (three retries, Retry-After honoured).
	Retry policy.RetryOptions
	// PollFrequency is the polling interval of long-running operations
	// when the answer has no Retry-After; 0 = DefaultPollFrequency.
	PollFrequency time.Duration
}

// Client reads (and for the KMS routes, writes) one subscription's network
// resources. It is safe for concurrent use.
type Client struct {
	gateways *armnetwork.VirtualNetworkGatewaysClient
	nics     *armnetwork.InterfacesClient
	routes   *armnetwork.RoutesClient
	poll     runtime.PollUntilDoneOptions
}

// New returns a client for cfg. It sends nothing until a method is called.
func New(cfg Config) (*Client, error) {
	if cfg.Subscription == "" {
		return nil, errors.New("azure: no subscription given")
	}
	if cfg.Credential == nil {
		return nil, errors.New("azure: no credential given")
	}
	opts := &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:     cfg.Cloud,
			Transport: cfg.Transport,
			Retry:     cfg.Retry,
			Telemetry: policy.TelemetryOptions{ApplicationID: "rtxctl"},
		},
		// rtxctl reads and writes network resources only: never register
		// a resource provider on the caller's behalf.
		DisableRPRegistration: true,
	}
	f, err := armnetwork.NewClientFactory(cfg.Subscription, cfg.Credential, opts)
	if err != nil {
		return nil, fmt.Errorf("azure: %w", err)
	}
	freq := cfg.PollFrequency
	if freq <= 0 {
		freq = DefaultPollFrequency
	}
	return &Client{
		gateways: f.NewVirtualNetworkGatewaysClient(),
		nics:     f.NewInterfacesClient(),
		routes:   f.NewRoutesClient(),
		poll:     runtime.PollUntilDoneOptions{Frequency: freq},
	}, nil
}

// ResponseError is an error answer from Azure Resource Manager, or a
// long-running operation that ended in failure, in one line. It wraps the
// SDK's *azcore.ResponseError.
type ResponseError struct {
	StatusCode int    // HTTP status; 200 for a long-running operation that failed
	Code       string // ARM error code, such as ResourceNotFound
	Message    string // ARM's message
	Err        *azcore.ResponseError
}

func (e *ResponseError) Error() string {
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.StatusCode >= 300 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	return msg
}

// Unwrap returns the SDK's error.
func (e *ResponseError) Unwrap() error { return e.Err }

// NotFound reports whether Azure said the resource does not exist.
func (e *ResponseError) NotFound() bool { return e.StatusCode == 404 }

// Unauthorized reports whether Azure refused the credential (401) or its
// rights (403).
func (e *ResponseError) Unauthorized() bool { return e.StatusCode == 401 || e.StatusCode == 403 }

// wrap turns an SDK error into a *ResponseError with the context what;
// other errors (network, credential, context) keep their type.
func wrap(what string, err error) error {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", what, err)
	}
	out := &ResponseError{StatusCode: re.StatusCode, Code: re.ErrorCode, Err: re}
	if re.RawResponse != nil {
		if body, perr := runtime.Payload(re.RawResponse); perr == nil {
			out.Code, out.Message = errorBody(body, re.ErrorCode)
		}
	}
	if out.Code == "" {
		out.Code = "error"
	}
	return fmt.Errorf("%s: %w", what, out)
}

// errorBody returns the code and message of an ARM error body
// ({"error": {"code", "message"}}, also the shape of a failed operation's
// status); code is kept when the body has none.
func errorBody(body []byte, code string) (string, string) {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return code, ""
	}
	if e.Error.Code != "" {
		code = e.Error.Code
	}
	return code, e.Error.Message
}
