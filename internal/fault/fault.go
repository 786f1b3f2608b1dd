// Package fault defines the few kinds of domain error Keyhold has. Domain packages
// return them; the web layer maps each kind to one HTTP status in one place.
package fault

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind is the closed set of domain error kinds.
type Kind string

const (
	KindInvalid      Kind = "validation_failed"
	KindNotFound     Kind = "not_found"
	KindConflict     Kind = "conflict"
	KindForbidden    Kind = "forbidden"
	KindUnauthorized Kind = "unauthorized"
	KindRateLimited  Kind = "rate_limited"
)

// Fields maps a request field name to what is wrong with it.
type Fields map[string]string

// Error is a domain error: a kind, a human message, and for Invalid the field problems,
// for Conflict optional details (for example the items that block an action).
type Error struct {
	Kind    Kind
	Message string
	Fields  Fields
	Details any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return string(e.Kind) + ": " + e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k]
	}
	return string(e.Kind) + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Invalid reports well-formed input that breaks a rule, field by field.
func Invalid(fields Fields) error {
	return &Error{Kind: KindInvalid, Message: "some fields are invalid", Fields: fields}
}

// NotFound reports a missing resource, e.g. NotFound("account", 12).
func NotFound(what string, id any) error {
	return &Error{Kind: KindNotFound, Message: fmt.Sprintf("%s %v not found", what, id)}
}

// Conflict reports that the current state does not allow the action.
func Conflict(message string, details any) error {
	return &Error{Kind: KindConflict, Message: message, Details: details}
}

// Forbidden reports an authenticated actor who may not do this.
func Forbidden(message string) error {
	return &Error{Kind: KindForbidden, Message: message}
}

// Unauthorized reports missing, bad, expired or revoked credentials.
func Unauthorized(message string) error {
	return &Error{Kind: KindUnauthorized, Message: message}
}

// RateLimited reports too many attempts.
func RateLimited(message string) error {
	return &Error{Kind: KindRateLimited, Message: message}
}

// As returns the domain error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err is a domain error of kind k.
func Is(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// Collect gathers field problems while validating; Err returns nil when there are none.
type Collect Fields

// Add records a problem for a field, keeping the first one reported.
func (c Collect) Add(field, problem string) {
	if _, ok := c[field]; !ok {
		c[field] = problem
	}
}

// Err returns an Invalid error for the collected problems, or nil.
func (c Collect) Err() error {
	if len(c) == 0 {
		return nil
	}
	return Invalid(Fields(c))
}
