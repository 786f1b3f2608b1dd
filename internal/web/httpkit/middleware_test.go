package httpkit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
)

// Reading requests queue for the database's read slots, first come first served; writes
// and static files do not; a reader who leaves while queued is not served.
func TestReadQueue(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var inside, most atomic.Int32
	release := make(chan struct{})
	r := gin.New()
	r.Use(ReadQueue(2))
	work := func(c *gin.Context) {
		n := inside.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		inside.Add(-1)
		c.Status(http.StatusNoContent)
	}
	r.GET("/read", work)
	r.POST("/write", work)
	r.GET("/static/app.css", work)

	serve := func(req *http.Request) int {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w.Code
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() { serve(httptest.NewRequest("GET", "/read", nil)) })
	}
	for range 2 {
		wg.Go(func() { serve(httptest.NewRequest("POST", "/write", nil)) })
		wg.Go(func() { serve(httptest.NewRequest("GET", "/static/app.css", nil)) })
	}
	for inside.Load() < 6 { // two readers, two writers, two static files; four readers queued
		runtime.Gosched()
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if code := serve(httptest.NewRequest("GET", "/read", nil).WithContext(gone)); code != StatusClientClosed {
		t.Errorf("a reader who left while queued: status %d", code)
	}
	close(release)
	wg.Wait()
	if got := most.Load(); got != 6 {
		t.Errorf("at most %d requests were inside at once, want 6 (two readers, the writes and static files beside them)", got)
	}
}

// A request gives its read slot back once it starts to answer: a slow client reading a
// long answer holds no slot.
func TestReadQueueReleasesAtTheFirstByte(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(ReadQueue(1))
	answering, finish := make(chan struct{}), make(chan struct{})
	r.GET("/slow", func(c *gin.Context) {
		c.Writer.WriteString("first bytes")
		close(answering)
		<-finish // the rest of the answer crawls out
	})
	r.GET("/quick", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	done := make(chan struct{})
	go func() {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
		close(done)
	}()
	<-answering
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/quick", nil)) // would block forever on a held slot
	if w.Code != http.StatusNoContent {
		t.Errorf("quick: %d", w.Code)
	}
	close(finish)
	<-done
}
