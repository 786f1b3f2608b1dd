package httpkit

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"

	"keyhold/internal/store"
)

// Answers are encoded into pooled buffers: a list is 30–80 KB, and a fresh buffer per
// answer (and another copy of it, as gin's JSON renderer makes) was a fifth of a list's
// CPU in allocation and collection.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps an unusually large answer's buffer out of the pool.
const maxPooled = 1 << 20

func getBuffer() *bytes.Buffer {
	b := answerBuffers.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		answerBuffers.Put(b)
	}
}

const jsonType = "application/json; charset=utf-8"

// writeJSON writes v with status, encoded as the API's codec does (jsoncodec.go).
func WriteJSON(c *gin.Context, status int, v any) {
	b := getBuffer()
	defer putBuffer(b)
	if err := gojson.NewEncoder(b).Encode(v); err != nil {
		AbortJSON(c, err)
		return
	}
	c.Data(status, jsonType, b.Bytes()[:b.Len()-1]) // Encode ends the value with a newline
}

// ListWriter writes a paged list in the shape of ListBody item by item, so that items
// can be put together from parts encoded earlier (writeFlag).
type ListWriter struct {
	buf   *bytes.Buffer
	enc   *gojson.Encoder
	items int
}

func NewListWriter() *ListWriter {
	b := getBuffer()
	b.WriteString(`{"data":[`)
	return &ListWriter{buf: b, enc: gojson.NewEncoder(b)}
}

// item starts the next item.
func (w *ListWriter) Item() {
	if w.items > 0 {
		w.buf.WriteByte(',')
	}
	w.items++
}

func (w *ListWriter) Raw(s string) { w.buf.WriteString(s) }

// RawBytes appends b as it is.
func (w *ListWriter) RawBytes(b []byte) { w.buf.Write(b) }

// encode writes v as JSON, as the API's codec does (HTML characters escaped).
func (w *ListWriter) Encode(v any) error {
	if err := w.enc.Encode(v); err != nil {
		return err
	}
	w.buf.Truncate(w.buf.Len() - 1) // Encode ends the value with a newline
	return nil
}

// respond ends the list and writes it.
func (w *ListWriter) Respond(c *gin.Context, p store.Page, total int64) {
	p = p.Normalized()
	b := w.buf.AvailableBuffer()
	b = append(b, `],"page":`...)
	b = strconv.AppendInt(b, int64(p.Number), 10)
	b = append(b, `,"per_page":`...)
	b = strconv.AppendInt(b, int64(p.Size), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, total, 10)
	w.buf.Write(append(b, '}'))
	c.Data(http.StatusOK, jsonType, w.buf.Bytes())
}

// free returns the buffer to the pool; the answer is written by then.
func (w *ListWriter) Free() {
	putBuffer(w.buf)
	w.buf = nil
}
