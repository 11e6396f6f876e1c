package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, on a registry of its own.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	executions *prometheus.CounterVec
	execTime   prometheus.Histogram
	wsConns    prometheus.Gauge
	outboxLag  prometheus.Gauge
	// anonymous sessions minted, and page loads refused one by the
	// per-address minting limit
	sessionsMinted  prometheus.Counter
	sessionsRefused prometheus.Counter
	// sign-ins refused by an account's back-off
	signinsLocked prometheus.Counter
	// rooms: created, members connected here, updates kept, messages
	// refused by reason (rate, size, readonly, document, garbage)
	roomsCreated prometheus.Counter
	roomMembers  prometheus.Gauge
	roomUpdates  prometheus.Counter
	roomRefused  *prometheus.CounterVec
}

func newMetrics(runner Runner) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coderemote_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "coderemote_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		executions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coderemote_executions_total", Help: "Program runs by outcome (success or error type).",
		}, []string{"outcome"}),
		execTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "coderemote_execution_duration_seconds", Help: "Wall time of runs, queue wait included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
		wsConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "coderemote_websocket_connections", Help: "Open WebSocket connections.",
		}),
		outboxLag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "coderemote_sync_outbox_lag_seconds", Help: "Age of the oldest snippet change not yet in the search index.",
		}),
		sessionsMinted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coderemote_sessions_minted_total", Help: "Anonymous browser sessions minted.",
		}),
		sessionsRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coderemote_sessions_refused_total", Help: "Page loads that got no new session: their address minted as many as it may.",
		}),
		signinsLocked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coderemote_signins_locked_total", Help: "Sign-ins refused because the account backs off after repeated wrong passwords.",
		}),
		roomsCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coderemote_rooms_created_total", Help: "Rooms started.",
		}),
		roomMembers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "coderemote_room_members", Help: "Room members connected to this process.",
		}),
		roomUpdates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coderemote_room_updates_total", Help: "Document updates kept in rooms' logs.",
		}),
		roomRefused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coderemote_room_messages_refused_total", Help: "Room messages refused, by reason (rate, size, readonly, document, garbage).",
		}, []string{"reason"}),
	}
	stat := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	m.reg.MustRegister(m.requests, m.latency, m.executions, m.execTime, m.wsConns, m.outboxLag,
		m.sessionsMinted, m.sessionsRefused, m.signinsLocked, m.roomsCreated, m.roomMembers, m.roomUpdates, m.roomRefused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		stat("coderemote_execution_queue_depth", "Runs waiting for a sandbox worker.",
			func() float64 { return float64(runner.Stats().Queued) }),
		stat("coderemote_execution_queue_clients", "Clients (users or addresses) with runs waiting for a sandbox worker; rejections by reason are coderemote_executions_total{outcome=\"rejected_…\"}.",
			func() float64 { return float64(runner.Stats().Clients) }),
		stat("coderemote_execution_running", "Runs executing now.",
			func() float64 { return float64(runner.Stats().Running) }),
		stat("coderemote_sandbox_workers_ready", "Sandbox workers ready for a run (standby included).",
			func() float64 { return float64(runner.Stats().Ready) }),
		stat("coderemote_sandbox_worker_restarts", "Sandbox workers replaced after a stopped run.",
			func() float64 { return float64(runner.Stats().Restarts) }),
		stat("coderemote_sandbox_instances_replaced", "Interpreter instances a worker replaced instead of rewinding (memory grown too far, a crash, a wedged guard).",
			func() float64 { return float64(runner.Stats().Replaced) }),
		stat("coderemote_sandbox_instances_wedged", "Interpreter instances replaced because their guard could not take the next program (a rewind would only repeat the failure).",
			func() float64 { return float64(runner.Stats().Wedged) }),
	)
	return m
}

func (m *metrics) observeRequest(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) observeExecution(outcome string, d time.Duration) {
	m.executions.WithLabelValues(outcome).Inc()
	m.execTime.Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
