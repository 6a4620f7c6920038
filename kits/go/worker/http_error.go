package worker

import (
	"fmt"
	"net/http"
)

// HttpError says why the host returned no response (the host interface's http-error enum).
type HttpError int

const (
	InvalidRequest HttpError = iota
	InvalidRequestBody
	InvalidResponseBody
	NotAllowed
	InternalError
	Timeout
	RedirectLoop
)

func (e HttpError) String() string {
	names := [...]string{"InvalidRequest", "InvalidRequestBody", "InvalidResponseBody", "NotAllowed",
		"InternalError", "Timeout", "RedirectLoop"}
	if int(e) >= 0 && int(e) < len(names) {
		return names[e]
	}
	return fmt.Sprintf("HttpError(%d)", int(e))
}

// HttpRequestError is the error SendHttpRequest returns when the host refused or failed the
// request. Error() is the host's message, as in the original kit.
type HttpRequestError struct {
	Kind    HttpError
	Message string
}

func (e *HttpRequestError) Error() string { return e.Message }

var methodCodes = map[string]uint32{
	http.MethodGet: 0, http.MethodPost: 1, http.MethodPut: 2, http.MethodPatch: 3,
	http.MethodDelete: 4, http.MethodOptions: 5, http.MethodHead: 6,
}
