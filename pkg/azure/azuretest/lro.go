package azuretest

import (
	"net/http"
	"strconv"
)

// operation is a long-running operation in progress.
type operation struct {
	polls  int        // "InProgress" answers left
	failed bool       // ends "Failed"
	finish func() any // runs once when the operation succeeds; its value is the result
	done   bool
	result any
}

// operationURL returns the URL of an operation's status (Azure-AsyncOperation)
// or, with results, of its result (Location).
func (s *Server) operationURL(id string, results bool) string {
	kind := "operations"
	if results {
		kind = "operationResults"
	}
	return s.ts.URL + "/subscriptions/" + s.cfg.Subscription + "/providers/Microsoft.Network/locations/" +
		s.cfg.Location + "/" + kind + "/" + id + "?api-version=" + apiVersion
}

// newOperationLocked registers an operation and sets its polling headers
// on h.
func (s *Server) newOperationLocked(h http.Header, finish func() any) {
	s.nextOp++
	id := "op-" + strconv.Itoa(s.nextOp)
	s.ops[id] = &operation{polls: max(s.cfg.Polls, 1), failed: s.faults.FailOperations, finish: finish}
	h.Set("Azure-AsyncOperation", s.operationURL(id, false))
	h.Set("Location", s.operationURL(id, true))
	s.setRetryAfter(h)
}

// startOperation answers a long-running POST: 202 Accepted with the polling
// headers; finish computes the result when the operation succeeds.
func (s *Server) startOperation(w http.ResponseWriter, finish func() any) {
	s.newOperationLocked(w.Header(), finish)
	w.WriteHeader(http.StatusAccepted)
}

// operationStatus is the body of an Azure-AsyncOperation status.
type operationStatus struct {
	Status string          `json:"status"`
	Error  *operationError `json:"error,omitempty"`
}

// operationError says why an operation failed.
type operationError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// serveOperation answers a poll of an operation: of its status
// (Azure-AsyncOperation) when status is true, else of its result
// (Location, 202 while in progress).
func (s *Server) serveOperation(w http.ResponseWriter, id string, status bool) {
	op, ok := s.ops[id]
	if !ok {
		writeError(w, http.StatusNotFound, "OperationNotFound", "Operation '%s' was not found.", id)
		return
	}
	if !op.done && op.polls > 0 {
		op.polls--
		s.setRetryAfter(w.Header())
		if status {
			writeJSON(w, http.StatusOK, operationStatus{Status: "InProgress"})
		} else {
			w.WriteHeader(http.StatusAccepted)
		}
		return
	}
	if !op.done && !op.failed {
		op.done, op.result = true, op.finish()
	}
	switch {
	case op.failed && status:
		writeJSON(w, http.StatusOK, operationStatus{Status: "Failed", Error: &operationError{
			Code: "InternalServerError", Message: "An error occurred while processing the operation.",
		}})
	case op.failed:
		writeError(w, http.StatusInternalServerError, "InternalServerError", "An error occurred while processing the operation.")
	case status:
		writeJSON(w, http.StatusOK, operationStatus{Status: "Succeeded"})
	default:
		writeJSON(w, http.StatusOK, op.result)
	}
}
