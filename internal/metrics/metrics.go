// Package metrics keeps Keyhold's Prometheus metrics: requests by route and status with
// their durations, the database pools, the health scans, the outbox's depth, and Go's own.
// Operators read them at /metrics (KEYHOLD_METRICS_ADDR, or the main address with
// KEYHOLD_METRICS_TOKEN).
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one process's registry.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	durations   *prometheus.HistogramVec
	scans       prometheus.Counter
	scanSeconds prometheus.Histogram
	scanChanged prometheus.Counter
	flagged     prometheus.Gauge
	jobs        *prometheus.GaugeVec
}

// Sources are what the metrics read at each scrape.
type Sources struct {
	Pools       map[string]*sql.DB                                          // the database pools, by name
	OutboxDepth func(context.Context) (events, deliveries int64, err error) // waiting to fan out; waiting to send
}

// New makes the registry.
func New(src Sources) *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keyhold_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "keyhold_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}}, []string{"route", "method"}),
		scans: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyhold_scans_total", Help: "Health scans run."}),
		scanSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "keyhold_scan_duration_seconds",
			Help: "Time a health scan took.", Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}}),
		scanChanged: prometheus.NewCounter(prometheus.CounterOpts{Name: "keyhold_scan_changed_total",
			Help: "Accounts whose health level a scan changed."}),
		flagged: prometheus.NewGauge(prometheus.GaugeOpts{Name: "keyhold_flagged_accounts",
			Help: "Accounts flagged (neglected or at risk) at the last scan."}),
		jobs: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "keyhold_job_held",
			Help: "1 while this instance does the job (scan, outbox) that one instance at a time does."}, []string{"job"}),
	}
	r.MustRegister(m.requests, m.durations, m.scans, m.scanSeconds, m.scanChanged, m.flagged, m.jobs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, db := range src.Pools {
		r.MustRegister(collectors.NewDBStatsCollector(db, name))
	}
	if src.OutboxDepth != nil {
		depth := func(which int) func() float64 {
			return func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				e, d, err := src.OutboxDepth(ctx)
				if err != nil {
					return -1
				}
				return float64([]int64{e, d}[which])
			}
		}
		r.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "keyhold_outbox_events_waiting",
				Help: "Events recorded and not yet fanned out to webhooks and chat groups."}, depth(0)),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "keyhold_outbox_deliveries_queued",
				Help: "Deliveries waiting to be sent or tried again."}, depth(1)))
	}
	return m
}

// Request counts one answered request; route is the router's pattern ("" when none
// matched).
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route, method).Observe(took.Seconds())
}

// Scan records one health scan.
func (m *Metrics) Scan(took time.Duration, changed, flagged int) {
	m.scans.Inc()
	m.scanSeconds.Observe(took.Seconds())
	m.scanChanged.Add(float64(changed))
	m.flagged.Set(float64(flagged))
}

// Held is told when this instance takes a job and lets it go.
func (m *Metrics) Held(job string) func(bool) {
	g := m.jobs.WithLabelValues(job)
	return func(held bool) {
		if held {
			g.Set(1)
		} else {
			g.Set(0)
		}
	}
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
