package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rssStats is the server's memory over the run, in kB as /proc reports it.
type rssStats struct {
	startKB, readyKB, peakKB, hwmKB, endKB int64 // first sample, once ready, max, VmHWM and last
	samples                                int
	err                                    error
}

// rssWatcher polls /proc/<pid>/status every 100 ms.
type rssWatcher struct {
	pid  int
	quit chan struct{}
	done chan struct{}
	once sync.Once
	st   rssStats

	readyKB atomic.Int64
}

func watchRSS(pid int) *rssWatcher {
	w := &rssWatcher{pid: pid, quit: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *rssWatcher) loop() {
	defer close(w.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if rss, _, err := procStatus(w.pid); err == nil {
			if w.st.samples == 0 {
				w.st.startKB = rss
			}
			w.st.samples++
			w.st.peakKB = max(w.st.peakKB, rss)
			w.st.endKB = rss
		} else if w.st.err == nil {
			w.st.err = err
		}
		select {
		case <-w.quit:
			return
		case <-t.C:
		}
	}
}

// markReady notes the RSS once the server is ready (startup scan done).
func (w *rssWatcher) markReady() {
	if rss, _, err := procStatus(w.pid); err == nil {
		w.readyKB.Store(rss)
	}
}

// stop ends the polling and reads VmHWM (the kernel's own peak) once more. Only the first
// call reads; later calls (the deferred one) return the same figures.
func (w *rssWatcher) stop() rssStats {
	w.once.Do(func() {
		close(w.quit)
		<-w.done
		if _, hwm, err := procStatus(w.pid); err == nil {
			w.st.hwmKB = hwm
		}
		w.st.readyKB = w.readyKB.Load()
	})
	return w.st
}

// procStatus reads VmRSS and VmHWM of a process, in kB.
func procStatus(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %q: %w", k, v, err)
		}
		if k == "VmRSS" {
			rss = n
		} else {
			hwm = n
		}
	}
	return rss, hwm, sc.Err()
}
