// Package opt distinguishes, in a JSON PATCH body, a field that was left out from one
// set to null and one set to a value.
package opt

import (
	"bytes"
	"encoding/json"
)

// Field is one optional PATCH field.
type Field[T any] struct {
	Set   bool // the field was present in the body
	Null  bool // it was present as null
	Value T
}

// UnmarshalJSON is only called when the field is present.
func (f *Field[T]) UnmarshalJSON(b []byte) error {
	f.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		f.Null = true
		return nil
	}
	return json.Unmarshal(b, &f.Value)
}

// Of returns a Field set to v (for callers building a patch in code or from a form).
func Of[T any](v T) Field[T] { return Field[T]{Set: true, Value: v} }
