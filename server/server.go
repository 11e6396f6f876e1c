// Package server is Code Remote's HTTP and WebSocket API (see API.md): it
// composes the sandbox and serves the embedded UI.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coderemote/coderemote/analysis"
	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store"
)

// Runner runs programs; *sandbox.Pool is the implementation.
type Runner interface {
	Run(ctx context.Context, req sandbox.Request) (sandbox.Result, error)
	Stats() sandbox.Stats
}

// Store is what the server keeps in the database; *store.DB implements it.
type Store interface {
	Users
	Snippets
	Outbox
	RecordExecution(ctx context.Context, e store.Execution) error
	// Backend names the database: "postgres" (which several processes can
	// share) or "sqlite".
	Backend() string
	// SaveJob and Job keep finished jobs for GET /jobs/{id} on every
	// process sharing the database.
	SaveJob(ctx context.Context, id, owner string, view []byte, expires time.Time) error
	Job(ctx context.Context, id string) (owner string, view []byte, err error)
	DeleteJob(ctx context.Context, id string) error
	Shares
	Rooms
	Ping(ctx context.Context) error
}

// Deps are the parts the server composes.
type Deps struct {
	Runner Runner
	// Store holds accounts and snippets; without one the server runs
	// programs anonymously only.
	Store Store
	// Analyzer explains complexity (default: the local analyzer).
	Analyzer Analyzer
	// Index and Embedder serve search (with a Store); nil disables it.
	Index    Index
	Embedder Embedder
	// Bus reaches the other processes sharing the database (PostgreSQL);
	// nil when there are none.
	Bus Bus
}

// Config holds the server's settings; main fills it from flags and the
// environment.
type Config struct {
	Version string
	// AllowedModules is the sandbox's import allowlist (for POST /check and
	// /health), AllowlistProfile the profile it came from.
	AllowedModules   []string
	AllowlistProfile string
	// Packages are the top-level names of the operator's packages
	// (sandbox.Config.Packages), which AllowedModules includes.
	Packages []string
	// MemoryLimitBytes and OutputLimitBytes are the sandbox's per-run caps,
	// reported by /health (the sandbox enforces them).
	MemoryLimitBytes, OutputLimitBytes int
	// ClientRuns is the sandbox's Config.ClientRuns (shown in /health).
	ClientRuns int
	// MaxCodeBytes, MaxStdinBytes bound a run's program and input.
	MaxCodeBytes  int
	MaxStdinBytes int
	// DefaultTimeout applies when a request names none; MaxTimeout is the
	// most a request may ask for.
	DefaultTimeout time.Duration
	MaxTimeout     time.Duration
	// RequireAccount refuses runs without a signed-in user (by default
	// visitors may run code anonymously, under the per-IP rate limit).
	RequireAccount bool
	// ExecuteRate and ExecuteBurst limit runs per client IP per minute.
	ExecuteRate  int
	ExecuteBurst int
	// WorkRate and WorkBurst limit, per client IP per minute, the requests
	// that cost the server work of its own: analysis, search, and snippet
	// writes (which are indexed).
	WorkRate  int
	WorkBurst int
	// AddressCap is the most shares one address gets: an address's share
	// is the number of sessions active behind it lately (a signed-in user
	// counts UserShare), at least 1 and at most this. Its runs in progress,
	// budget of worker time, run rate and WebSockets are the per-client
	// allowances times its share.
	AddressCap int
	// SessionRate and SessionBurst limit the anonymous sessions one address
	// may mint per minute (sessions.go).
	SessionRate, SessionBurst int
	// ClassroomNetworks are networks whose addresses get ClassroomMultiple
	// times the per-address allowances: the address cap, sessions minted,
	// registrations and failed sign-ins.
	ClassroomNetworks []netip.Prefix
	ClassroomMultiple int
	// UserShare is a signed-in user's weight in the sandbox's fair
	// scheduling, against 1 for an anonymous client address: its turns, the
	// runs it may have at once and its budget of worker time.
	UserShare int
	// TrustProxy trusts the peer that connects as a proxy that appends the
	// client's address to X-Forwarded-For: the client is the rightmost
	// entry. Set it only behind exactly one such proxy.
	TrustProxy bool
	// TrustedProxies are the networks of proxies whose X-Forwarded-For
	// entries are believed: the client is the rightmost entry outside them.
	TrustedProxies []netip.Prefix
	// WSOrigins are extra origins allowed to open WebSockets (host patterns
	// as in path.Match); the page's own origin is always allowed.
	WSOrigins []string
	// WSPerIP caps the WebSocket connections open from one client address.
	WSPerIP int
	// RoomSize is how many people a room holds; RoomIdle how long a room
	// nobody changes is kept.
	RoomSize int
	RoomIdle time.Duration
	// JobOutputBytes bounds the output kept for GET /jobs/{id}, all jobs
	// together (default 64 MiB).
	JobOutputBytes int
	// CORSOrigins are the other origins (scheme://host[:port]) whose pages
	// may call the API; none by default.
	CORSOrigins []string
	// MetricsToken, if set, is the bearer token GET /metrics requires.
	MetricsToken string
	// UI is the built web interface; nil serves none.
	UI fs.FS
	// Auth configures accounts (with a Store).
	Auth AuthConfig
}

// Defaults for Config fields left zero.
const (
	DefaultMaxCodeBytes  = 64 << 10
	DefaultMaxStdinBytes = 1 << 20
	DefaultTimeout       = 30 * time.Second
	DefaultExecuteRate   = 120
	DefaultExecuteBurst  = 60
	DefaultUserShare     = 2
	DefaultWSPerIP       = 16
	DefaultWorkRate      = 120
	DefaultWorkBurst     = 60
	DefaultAddressCap    = 50
	DefaultSessionRate   = 30
	DefaultSessionBurst  = 60
	DefaultClassroomMult = 4
	// Failed sign-ins per minute per address (burst: twice that), and
	// registrations per hour per address (burst 60): enough for a class.
	DefaultAuthRate      = 30
	DefaultRegisterRate  = 120
	DefaultRegisterBurst = 60
)

func (c Config) withDefaults() Config {
	if c.AllowedModules == nil {
		c.AllowedModules, c.AllowlistProfile = sandbox.DefaultAllowedModules, sandbox.ProfileStandard
	}
	if c.AllowlistProfile == "" {
		c.AllowlistProfile = sandbox.ProfileCustom
	}
	if c.MaxCodeBytes <= 0 {
		c.MaxCodeBytes = DefaultMaxCodeBytes
	}
	if c.MaxStdinBytes <= 0 {
		c.MaxStdinBytes = DefaultMaxStdinBytes
	}
	if c.DefaultTimeout <= 0 {
		c.DefaultTimeout = DefaultTimeout
	}
	if c.MaxTimeout <= 0 {
		c.MaxTimeout = max(c.DefaultTimeout, DefaultTimeout)
	}
	c.DefaultTimeout = min(c.DefaultTimeout, c.MaxTimeout)
	if c.ExecuteRate <= 0 {
		c.ExecuteRate = DefaultExecuteRate
	}
	if c.ExecuteBurst <= 0 {
		c.ExecuteBurst = DefaultExecuteBurst
	}
	if c.WorkRate <= 0 {
		c.WorkRate = DefaultWorkRate
	}
	if c.WorkBurst <= 0 {
		c.WorkBurst = DefaultWorkBurst
	}
	if c.JobOutputBytes <= 0 {
		c.JobOutputBytes = maxJobBytes
	}
	if c.RoomSize <= 0 {
		c.RoomSize = DefaultRoomSize
	}
	if c.RoomIdle <= 0 {
		c.RoomIdle = DefaultRoomIdle
	}
	if c.WSPerIP <= 0 {
		c.WSPerIP = DefaultWSPerIP
	}
	if c.UserShare <= 0 {
		c.UserShare = DefaultUserShare
	}
	if c.AddressCap <= 0 {
		c.AddressCap = DefaultAddressCap
	}
	if c.SessionRate <= 0 {
		c.SessionRate = DefaultSessionRate
	}
	if c.SessionBurst <= 0 {
		c.SessionBurst = DefaultSessionBurst
	}
	if c.ClassroomMultiple <= 0 {
		c.ClassroomMultiple = DefaultClassroomMult
	}
	a := &c.Auth
	if a.TokenTTL <= 0 {
		a.TokenTTL = time.Hour
	}
	if a.AuthRate <= 0 {
		a.AuthRate = DefaultAuthRate
	}
	if a.AuthBurst <= 0 {
		a.AuthBurst = 2 * a.AuthRate
	}
	if a.RegisterRate <= 0 {
		a.RegisterRate = DefaultRegisterRate
	}
	if a.RegisterBurst <= 0 {
		a.RegisterBurst = DefaultRegisterBurst
	}
	if a.UserExecuteRate <= 0 {
		a.UserExecuteRate = c.ExecuteRate
	}
	if a.UserExecuteBurst <= 0 {
		a.UserExecuteBurst = c.ExecuteBurst
	}
	return c
}

// Server is the HTTP handler of the whole API.
type Server struct {
	cfg      Config
	auth     AuthConfig
	log      *slog.Logger
	runner   Runner
	store    Store // nil without accounts
	users    Users
	known    *knownUsers // users as last read, for runs during a database outage
	snippets Snippets
	shares   Shares
	rooms    Rooms
	roomHub  *roomHub
	// replica names this process to the others sharing the database.
	replica     string
	jwks        *jwks
	analyzer    Analyzer
	index       Index
	embedder    Embedder
	indexKick   chan struct{}
	metrics     *metrics
	jobs        *jobRegistry
	limiter     *rateLimiter // runs per anonymous session, or per address without one
	userLimiter *rateLimiter // runs per user
	addrLimiter *rateLimiter // runs per address, scaled by its share
	authLimiter *rateLimiter // failed sign-ins per address
	regLimiter  *rateLimiter // registrations per address
	workLimiter *rateLimiter // analysis, search and snippet writes per client IP
	// sessionLimiter limits the anonymous sessions an address mints.
	sessionLimiter *rateLimiter
	sessionKey     []byte
	ids            *identities  // who was active behind each address lately
	signins        *signinGuard // failed sign-ins per account
	mux            *http.ServeMux
	patterns       []string // registered routes
	handler        http.Handler

	// storageFullAt is when a write last failed for want of disk space.
	storageFullAt atomic.Int64

	bus      Bus // nil when no other process shares the database
	handoffs handoffs

	mu       sync.Mutex
	conns    map[string]*wsConn
	wsPerIP  map[string]int
	draining bool
	active   sync.WaitGroup // runs started through this server
	stopRuns context.CancelFunc
	runCtx   context.Context
}

// New builds the server.
func New(cfg Config, log *slog.Logger, deps Deps) *Server {
	cfg = cfg.withDefaults()
	a := cfg.Auth
	s := &Server{
		cfg:            cfg,
		auth:           a,
		log:            log,
		runner:         deps.Runner,
		store:          deps.Store,
		metrics:        newMetrics(deps.Runner),
		jobs:           newJobRegistry(jobTTL, maxJobs, cfg.JobOutputBytes),
		known:          newKnownUsers(),
		limiter:        newRateLimiter(float64(cfg.ExecuteRate)/60, cfg.ExecuteBurst, maxLimiterKeys),
		userLimiter:    newRateLimiter(float64(a.UserExecuteRate)/60, a.UserExecuteBurst, maxLimiterKeys),
		addrLimiter:    newRateLimiter(float64(cfg.ExecuteRate)/60, cfg.ExecuteBurst, maxLimiterKeys),
		authLimiter:    newRateLimiter(float64(a.AuthRate)/60, a.AuthBurst, maxLimiterKeys),
		regLimiter:     newRateLimiter(float64(a.RegisterRate)/3600, a.RegisterBurst, maxLimiterKeys),
		sessionLimiter: newRateLimiter(float64(cfg.SessionRate)/60, cfg.SessionBurst, maxLimiterKeys),
		sessionKey:     sessionKey(a.Secret),
		ids:            newIdentities(),
		signins:        newSigninGuard(),
		workLimiter:    newRateLimiter(float64(cfg.WorkRate)/60, cfg.WorkBurst, maxLimiterKeys),
		mux:            http.NewServeMux(),
		conns:          map[string]*wsConn{},
		wsPerIP:        map[string]int{},
		analyzer:       deps.Analyzer,
		bus:            deps.Bus,
		indexKick:      make(chan struct{}, 1),
	}
	if s.analyzer == nil {
		s.analyzer = analysis.Local{}
	}
	if deps.Store != nil {
		s.users, s.snippets, s.shares, s.rooms = deps.Store, deps.Store, deps.Store, deps.Store
		s.index, s.embedder = deps.Index, deps.Embedder
		if s.embedder == nil {
			s.embedder = analysis.Local{}
		}
	}
	if a.OIDC != nil {
		s.jwks = newJWKS(a.OIDC.Issuer, a.OIDC.JWKSURL, &http.Client{Timeout: 10 * time.Second})
	}
	s.runCtx, s.stopRuns = context.WithCancel(context.Background())
	s.replica = newUUID()
	s.roomHub = newRoomHub(s)
	s.routes()
	s.handler = s.middleware(http.HandlerFunc(s.route))
	return s
}

func (s *Server) routes() {
	s.handleRoute("GET /openapi.json", s.handle(s.openAPI))
	s.handleRoute("GET /docs", s.handle(s.apiDocs))
	s.handleRoute("GET /health", s.handle(s.health))
	s.handleRoute("GET /metrics", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if !s.metricsAllowed(r) {
			return &httpError{Status: http.StatusUnauthorized, Code: "unauthorized", Msg: "GET /metrics needs the metrics token"}
		}
		s.metrics.handler().ServeHTTP(w, r)
		return nil
	}))
	s.handleRoute("POST /execute", s.handle(s.execute))
	s.handleRoute("POST /execute/async", s.handle(s.executeAsync))
	s.handleRoute("POST /check", s.handle(s.checkCode))
	s.handleRoute("GET /jobs/{id}", s.handle(s.getJob))
	s.handleRoute("GET /ws", s.handle(s.websocket))
	s.handleRoute("GET /auth/session", s.handle(s.getSession))
	s.handleRoute("DELETE /auth/session", s.handle(s.endSession))
	if s.store != nil {
		s.handleRoute("POST /auth/register", s.handle(s.register))
		s.handleRoute("POST /auth/login", s.handle(s.login))
		s.handleRoute("GET /auth/me", s.handle(s.me))
		s.handleRoute("POST /auth/logout", s.handle(s.logout))
		s.handleRoute("POST /auth/password", s.handle(s.changePassword))
		s.handleRoute("POST /snippets", s.handle(s.limited(s.createSnippet)))
		s.handleRoute("GET /snippets", s.handle(s.listSnippets))
		s.handleRoute("GET /snippets/{id}", s.handle(s.getSnippet))
		s.handleRoute("PUT /snippets/{id}", s.handle(s.limited(s.updateSnippet)))
		s.handleRoute("DELETE /snippets/{id}", s.handle(s.deleteSnippet))
		s.handleRoute("GET /public/snippets/{id}", s.handle(s.getPublicSnippet))
		s.handleRoute("GET /search", s.handle(s.limited(s.search)))
		s.handleRoute("GET /search/complexity", s.handle(s.limited(s.searchComplexity)))
		s.handleRoute("GET /search/similar/{id}", s.handle(s.limited(s.searchSimilar)))
		s.handleRoute("POST /share", s.handle(s.limited(s.createShare)))
		s.handleRoute("GET /share/{id}", s.handle(s.getShare))
		s.handleRoute("POST /rooms", s.handle(s.limited(s.createRoom)))
		s.handleRoute("GET /rooms/{id}", s.handle(s.getRoom))
		s.handleRoute("DELETE /rooms/{id}", s.handle(s.endRoom))
		s.handleRoute("GET /rooms/{id}/history", s.handle(s.roomHistory))
		s.handleRoute("GET /rooms/{id}/ws", s.handle(s.roomSocket))
	}
	s.handleRoute("POST /analyze", s.handle(s.limited(s.analyze)))
	s.handleRoute("POST /analyze/async", s.handle(s.limited(s.analyzeAsync)))
	s.handleRoute("GET /analyze/status", s.handle(s.analyzeStatus))
	if s.cfg.UI != nil {
		s.handleRoute("GET /", s.handle(s.static))
		if s.shares != nil {
			s.handleRoute("GET /s/{id}", s.handle(s.sharePage))
			s.handleRoute("GET /p/{id}", s.handle(s.publicSnippetPage))
			s.handleRoute("GET /r/{id}", s.handle(s.roomPage))
		}
	}
}

// route_ registers a handler and remembers its pattern (the OpenAPI test
// checks that every one is documented).
func (s *Server) handleRoute(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, h)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// route dispatches through the mux, rendering its 404 and 405 in the API's
// error shape.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	probe := &headerProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.writeError(w, r, &httpError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Msg: r.Method + " is not allowed on " + r.URL.Path})
		return
	}
	s.writeError(w, r, errNotFound("no route for "+r.Method+" "+r.URL.Path))
}

// headerProbe records what the mux's own 404/405 handler would send.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(code int)        { p.status = code }

type healthBody struct {
	Status  string            `json:"status"`
	Version string            `json:"version"`
	Checks  map[string]string `json:"checks"`
	Limits  runLimits         `json:"limits"`
	Sandbox sandboxInfo       `json:"sandbox"`
}

// sandboxInfo says how the sandbox runs on this host.
type sandboxInfo struct {
	Workers    int    `json:"workers"`
	RewindMode string `json:"rewind_mode,omitempty"` // how an instance returns to its checkpoint (docs/sandbox.md)
	// The import allowlist: its profile (standard, classic or custom) and
	// its modules, which the editor suggests and checks against.
	Profile string   `json:"allowlist_profile"`
	Modules []string `json:"allowed_modules"`
	// Packages are the operator's packages (--packages) among Modules.
	Packages []string `json:"packages"`
}

// runLimits are what one program may use (shown beside the time limit).
type runLimits struct {
	MaxTimeoutSeconds float64 `json:"max_timeout_seconds"`
	MemoryBytes       int     `json:"memory_bytes,omitempty"`
	OutputBytes       int     `json:"output_bytes,omitempty"`
	CodeBytes         int     `json:"code_bytes"`
	PythonVersion     string  `json:"python_version"`
	// Clients are the per-client allowances (docs/security.md).
	Clients clientLimits `json:"clients"`
}

// clientLimits are the allowances of one client and of one address.
type clientLimits struct {
	RunsPerMinute          int      `json:"runs_per_minute"`           // per session, user or address without a session
	ConcurrentRuns         int      `json:"concurrent_runs,omitempty"` // per session or address, times the user share for a user
	UserShare              int      `json:"user_share"`
	AddressCap             int      `json:"address_cap"` // most shares one address gets
	SessionsPerMinute      int      `json:"sessions_per_minute"`
	FailedSigninsPerMinute int      `json:"failed_signins_per_minute"` // per address; each account backs off after 5
	RegistrationsPerHour   int      `json:"registrations_per_hour"`
	ClassroomNetworks      []string `json:"classroom_networks"`
	ClassroomMultiple      int      `json:"classroom_multiple"`
}

func (s *Server) clientLimits() clientLimits {
	nets := make([]string, 0, len(s.cfg.ClassroomNetworks))
	for _, p := range s.cfg.ClassroomNetworks {
		nets = append(nets, p.String())
	}
	return clientLimits{RunsPerMinute: s.cfg.ExecuteRate, ConcurrentRuns: s.cfg.ClientRuns, UserShare: s.cfg.UserShare,
		AddressCap: s.cfg.AddressCap, SessionsPerMinute: s.cfg.SessionRate, FailedSigninsPerMinute: s.auth.AuthRate,
		RegistrationsPerHour: s.auth.RegisterRate, ClassroomNetworks: nets, ClassroomMultiple: s.cfg.ClassroomMultiple}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	st := s.runner.Stats()
	checks := map[string]string{"sandbox": "ok", "llm": s.analyzer.Name()}
	if st.Ready == 0 && st.Running == 0 {
		checks["sandbox"] = "starting"
	}
	status, code := "healthy", http.StatusOK
	if s.store != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		checks["store"] = "ok"
		checks["graph"] = "disabled"
		if s.index != nil {
			checks["graph"] = "ok"
		}
		if err := s.store.Ping(ctx); err != nil {
			s.log.Error("health: store is down", "error", err)
			checks["store"] = "down"
			status, code = "unhealthy", http.StatusServiceUnavailable
		} else if at := s.storageFullAt.Load(); at != 0 && time.Since(time.Unix(0, at)) < time.Minute {
			// Reads work, writes do not: keep serving, say so.
			checks["store"] = "degraded: storage full"
			status = "degraded"
		}
	}
	writeJSON(w, code, healthBody{Status: status, Version: s.cfg.Version, Checks: checks, Limits: runLimits{
		MaxTimeoutSeconds: s.cfg.MaxTimeout.Seconds(), MemoryBytes: s.cfg.MemoryLimitBytes, OutputBytes: s.cfg.OutputLimitBytes,
		CodeBytes: s.cfg.MaxCodeBytes, PythonVersion: sandbox.PythonVersion, Clients: s.clientLimits()},
		Sandbox: sandboxInfo{Workers: st.Workers, RewindMode: string(st.Rewind), Profile: s.cfg.AllowlistProfile, Modules: s.cfg.AllowedModules,
			Packages: append([]string{}, s.cfg.Packages...)}})
	return nil
}

// Shutdown stops taking runs, waits until ctx is done for running ones to
// finish, cancels the rest (their clients get a Cancelled result), and
// closes WebSocket connections.
func (s *Server) Shutdown(ctx context.Context) {
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.active.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.stopRuns()
		<-done
	}
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.closeGoingAway()
	}
}
