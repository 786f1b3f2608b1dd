// Package httpkit is what the JSON API and the pages share about HTTP: the request's
// context (its id, the signed-in user, the read queue, the security headers and body
// limit), the one mapping of domain errors to statuses, JSON answers and lists, and the
// reading of path and Query parameters.
package httpkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/store"
)

// APIError is the body of every JSON error, as API.md describes.
type APIError struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  fault.Fields `json:"fields,omitempty"`
	Details any          `json:"details,omitempty"`
}

// StatusClientClosed is the status logged for a request whose client went away (nginx's
// 499); the client never sees it.
const StatusClientClosed = 499

var StatusOf = map[fault.Kind]int{
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
func ErrorStatus(c *gin.Context, err error) (int, APIError) {
	if e, ok := fault.As(err); ok {
		return StatusOf[e.Kind], APIError{Code: string(e.Kind), Message: e.Message, Fields: e.Fields, Details: e.Details}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, APIError{Code: "too_large", Message: "request body is too large"}
	}
	if c.Request.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away mid-request: nobody reads the answer, and it is no bug.
		slog.Debug("client went away", "request_id", c.GetString(RequestIDKey), "path", c.FullPath())
		return StatusClientClosed, APIError{Code: "client_closed", Message: "the client closed the request"}
	}
	slog.Error("internal error", "request_id", c.GetString(RequestIDKey), "method", c.Request.Method,
		"path", c.FullPath(), "err", err)
	return http.StatusInternalServerError, APIError{Code: "internal", Message: "internal error"}
}

func AbortJSON(c *gin.Context, err error) {
	status, body := ErrorStatus(c, err)
	c.AbortWithStatusJSON(status, gin.H{"error": body})
}

// respond writes v with status, or the error.
func Respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		AbortJSON(c, err)
		return
	}
	if status == http.StatusNoContent {
		c.Status(status)
		return
	}
	WriteJSON(c, status, v)
}

// ListBody is the shape of every paged list.
type ListBody struct {
	Data    any   `json:"data"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

func RespondList(c *gin.Context, p store.Page, data any, total int64, err error) {
	p = p.Normalized()
	Respond(c, http.StatusOK, ListBody{Data: data, Page: p.Number, PerPage: p.Size, Total: total}, err)
}

// BindJSON decodes the body into v. Malformed JSON or wrong types answer 400
// invalid_json; a body that is not UTF-8 answers 422 (the decoder would silently replace
// the bad bytes).
func BindJSON(c *gin.Context, v any) bool {
	body, err := io.ReadAll(c.Request.Body)
	if err == nil && !utf8.Valid(body) {
		AbortJSON(c, fault.Invalid(fault.Fields{"body": "must be valid UTF-8 text"}))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err == nil {
		err = dec.Decode(v)
	}
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the JSON value")
		}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			AbortJSON(c, err)
			return false
		}
		msg := "body is not valid JSON"
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			msg = "field " + typeErr.Field + " has the wrong type"
		}
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": APIError{Code: "invalid_json", Message: msg}})
		return false
	}
	return true
}

// pathID reads an integer path parameter; a malformed one is answered 404.
func PathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		AbortJSON(c, fault.NotFound(name, c.Param(name)))
		return 0, false
	}
	return id, true
}

// Query reads list parameters. Malformed numbers are a 422 on that field.
type Query struct {
	c   *gin.Context
	bad fault.Collect
}

func NewQuery(c *gin.Context) *Query { return &Query{c: c, bad: fault.Collect{}} }

func (q *Query) Str(name string) string { return q.c.Query(name) }

func (q *Query) Int64(name string) int64 {
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

func (q *Query) Bool(name string) bool {
	switch q.c.Query(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	q.bad.Add(name, "must be true or false")
	return false
}

func (q *Query) Page() store.Page {
	return store.Page{Number: int(q.Int64("page")), Size: int(q.Int64("per_page"))}
}

// Err is the parameters' problems so far, nil if none (for pages, which answer them
// their own way).
func (q *Query) Err() error { return q.bad.Err() }

// OK reports whether every parameter parsed, answering 422 if not.
func (q *Query) OK() bool {
	if err := q.bad.Err(); err != nil {
		AbortJSON(q.c, err)
		return false
	}
	return true
}
