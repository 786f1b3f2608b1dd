// Package web is Keyhold's HTTP face: the Gin router, middleware, the JSON API under
// /api/v1 and the server-rendered pages. Handlers are thin: they read the request, call
// the domain packages, and render the answer.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/store"
)

// apiError is the body of every JSON error, as API.md describes.
type apiError struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  fault.Fields `json:"fields,omitempty"`
	Details any          `json:"details,omitempty"`
}

// statusClientClosed is the status logged for a request whose client went away (nginx's
// 499); the client never sees it.
const statusClientClosed = 499

var statusOf = map[fault.Kind]int{
	fault.KindInvalid:      http.StatusUnprocessableEntity,
	fault.KindNotFound:     http.StatusNotFound,
	fault.KindConflict:     http.StatusConflict,
	fault.KindForbidden:    http.StatusForbidden,
	fault.KindUnauthorized: http.StatusUnauthorized,
	fault.KindRateLimited:  http.StatusTooManyRequests,
}

// errorStatus maps an error to its HTTP status and JSON body. It is the one place that
// decides a status code; anything that is not a domain error is a 500 that says nothing
// of its cause (the cause is logged with the request id).
func errorStatus(c *gin.Context, err error) (int, apiError) {
	if e, ok := fault.As(err); ok {
		return statusOf[e.Kind], apiError{Code: string(e.Kind), Message: e.Message, Fields: e.Fields, Details: e.Details}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, apiError{Code: "too_large", Message: "request body is too large"}
	}
	if c.Request.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away mid-request: nobody reads the answer, and it is no bug.
		slog.Debug("client went away", "request_id", c.GetString(requestIDKey), "path", c.FullPath())
		return statusClientClosed, apiError{Code: "client_closed", Message: "the client closed the request"}
	}
	slog.Error("internal error", "request_id", c.GetString(requestIDKey), "method", c.Request.Method,
		"path", c.FullPath(), "err", err)
	return http.StatusInternalServerError, apiError{Code: "internal", Message: "internal error"}
}

func abortJSON(c *gin.Context, err error) {
	status, body := errorStatus(c, err)
	c.AbortWithStatusJSON(status, gin.H{"error": body})
}

// respond writes v with status, or the error.
func respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		abortJSON(c, err)
		return
	}
	if status == http.StatusNoContent {
		c.Status(status)
		return
	}
	writeJSON(c, status, v)
}

// listBody is the shape of every paged list.
type listBody struct {
	Data    any   `json:"data"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

func respondList(c *gin.Context, p store.Page, data any, total int64, err error) {
	p = p.Normalized()
	respond(c, http.StatusOK, listBody{Data: data, Page: p.Number, PerPage: p.Size, Total: total}, err)
}

// bindJSON decodes the body into v. Malformed JSON or wrong types answer 400 invalid_json.
func bindJSON(c *gin.Context, v any) bool {
	dec := json.NewDecoder(c.Request.Body)
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the JSON value")
		}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			abortJSON(c, err)
			return false
		}
		msg := "body is not valid JSON"
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			msg = "field " + typeErr.Field + " has the wrong type"
		}
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": apiError{Code: "invalid_json", Message: msg}})
		return false
	}
	return true
}

// pathID reads an integer path parameter; a malformed one is answered 404.
func pathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		abortJSON(c, fault.NotFound(name, c.Param(name)))
		return 0, false
	}
	return id, true
}

// query reads list parameters. Malformed numbers are a 422 on that field.
type query struct {
	c   *gin.Context
	bad fault.Collect
}

func newQuery(c *gin.Context) *query { return &query{c: c, bad: fault.Collect{}} }

func (q *query) str(name string) string { return q.c.Query(name) }

func (q *query) int64(name string) int64 {
	v := q.c.Query(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		q.bad.Add(name, "must be a positive whole number")
	}
	return n
}

func (q *query) boolean(name string) bool {
	switch q.c.Query(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	q.bad.Add(name, "must be true or false")
	return false
}

func (q *query) page() store.Page {
	return store.Page{Number: int(q.int64("page")), Size: int(q.int64("per_page"))}
}

// ok reports whether every parameter parsed, answering 422 if not.
func (q *query) ok() bool {
	if err := q.bad.Err(); err != nil {
		abortJSON(q.c, err)
		return false
	}
	return true
}
