package httpkit

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"keyhold/internal/store"
)

// A client that goes away mid-request is no bug: its request is not logged as an
// internal error, while the same failure with the client still there is.
func TestClientGoneIsNotAnInternalError(t *testing.T) {
	var logged bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	defer slog.SetDefault(old)
	failed := fmt.Errorf("list accounts: %w", context.Canceled)

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/api/v1/accounts", nil).WithContext(gone)
	if status, _ := ErrorStatus(c, failed); status != StatusClientClosed {
		t.Errorf("client gone: status %d", status)
	}
	if strings.Contains(logged.String(), "internal error") {
		t.Errorf("client gone was logged as an internal error: %s", logged.String())
	}

	c, _ = gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/api/v1/accounts", nil)
	if status, _ := ErrorStatus(c, failed); status != 500 || !strings.Contains(logged.String(), "internal error") {
		t.Errorf("a cancellation with the client still there: status %d, log %q", status, logged.String())
	}
}

// A list written item by item (ListWriter) is byte for byte the list RespondList
// encodes: the envelope is written by hand and must not drift from ListBody.
func TestListWriterWritesWhatRespondListWrites(t *testing.T) {
	items := []map[string]any{{"name": "<Acme> & Co"}, {"name": "北京"}}
	page := store.Page{Number: 2, Size: 2}
	whole := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(whole)
	RespondList(c, page, items, 7, nil)

	parts := httptest.NewRecorder()
	c, _ = gin.CreateTestContext(parts)
	w := NewListWriter()
	for _, it := range items {
		w.Item()
		if err := w.Encode(it); err != nil {
			t.Fatal(err)
		}
	}
	w.Respond(c, page, 7)
	w.Free()
	if whole.Body.String() != parts.Body.String() || whole.Header().Get("Content-Type") != parts.Header().Get("Content-Type") {
		t.Errorf("respondList: %s %q\nlistWriter:  %s %q", whole.Body, whole.Header().Get("Content-Type"),
			parts.Body, parts.Header().Get("Content-Type"))
	}
}
