package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/llm"
	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/server"
)

// setting is one configuration value: a flag, its environment variable and
// its default. Flags win over the environment, which wins over defaults.
type setting struct {
	name, env, def, help string
	commands             string // which commands take it: "serve", "run" or "serve run"
}

var settings = []setting{
	{"addr", "CR_ADDR", ":8080", "address to listen on", "serve"},
	{"data-dir", "CR_DATA_DIR", "./data", "directory for data (the SQLite database) and caches", "serve run migrate"},
	{"database-url", "DATABASE_URL", "", "PostgreSQL URL (postgres://user:pass@host/db); empty keeps data in SQLite in the data directory", "serve migrate"},
	{"jwt-secret", "CR_JWT_SECRET", "", "secret that signs account tokens (default: generated once and kept in the database)", "serve"},
	{"token-ttl", "CR_TOKEN_TTL", "1h", "how long an account token is valid", "serve"},
	{"oidc-issuer", "CR_OIDC_ISSUER", "", "also accept tokens of this OIDC issuer (e.g. https://cognito-idp.REGION.amazonaws.com/POOL_ID)", "serve"},
	{"oidc-audience", "CR_OIDC_AUDIENCE", "", "the OIDC app client id that tokens must be issued to (aud or client_id)", "serve"},
	{"oidc-jwks-url", "CR_OIDC_JWKS_URL", "", "where the issuer's signing keys are (default: from its discovery document)", "serve"},
	{"neo4j-uri", "NEO4J_URI", "", "keep the search index in Neo4j (neo4j://host:7687) instead of the database", "serve"},
	{"neo4j-username", "NEO4J_USERNAME", "neo4j", "Neo4j user", "serve"},
	{"neo4j-password", "NEO4J_PASSWORD", "", "Neo4j password", "serve"},
	{"neo4j-database", "NEO4J_DATABASE", "", "Neo4j database (default: the server's default)", "serve"},
	{"gemini-api-key", "GEMINI_API_KEY", "", "use Gemini for analysis and search embeddings (default: the local analyzer and embeddings)", "serve"},
	{"gemini-base-url", "CR_GEMINI_BASE_URL", "", "the Gemini API's address (default: Google's)", "serve"},
	{"gemini-model", "CR_GEMINI_MODEL", "gemini-2.5-flash", "the Gemini model that analyzes code", "serve"},
	{"gemini-embedding-model", "CR_GEMINI_EMBEDDING_MODEL", "gemini-embedding-001", "the Gemini embedding model (768 dimensions)", "serve"},
	{"cache-dir", "CR_CACHE_DIR", "", "compiled-module cache (default: DATA_DIR/cache; for run, the user cache directory)", "serve run"},
	{"workers", "CR_WORKERS", strconv.Itoa(max(2, runtime.NumCPU())), "programs that run at once (one worker process each)", "serve"},
	{"standby-workers", "CR_STANDBY_WORKERS", "1", "extra worker processes kept ready to take over from one stopped at its deadline (0: none)", "serve"},
	{"queue-size", "CR_QUEUE_SIZE", strconv.Itoa(sandbox.DefaultQueueSize), "runs that may wait for a worker before requests get 503", "serve"},
	{"queue-wait", "CR_QUEUE_WAIT", sandbox.DefaultQueueWait.String(), "longest a run waits for a worker before its request gets 503", "serve"},
	{"client-runs", "CR_CLIENT_RUNS", strconv.Itoa(sandbox.DefaultClientRuns), "runs one client (address, or user times its share) may have running or waiting", "serve"},
	{"client-budget", "CR_CLIENT_BUDGET", sandbox.DefaultBudget.String(), "worker time one client (address, or user times its share) may use per minute", "serve"},
	{"rate-work", "CR_RATE_WORK", strconv.Itoa(server.DefaultWorkRate), "analysis, search and snippet-write requests per minute per client IP", "serve"},
	{"rate-work-burst", "CR_RATE_WORK_BURST", strconv.Itoa(server.DefaultWorkBurst), "such requests a client IP may make at once before the rate applies", "serve"},
	{"user-share", "CR_USER_SHARE", strconv.Itoa(server.DefaultUserShare), "a signed-in user's weight against an anonymous address in scheduling, runs and budget", "serve"},
	{"memory-limit-mb", "CR_MEMORY_LIMIT_MB", "256", "memory cap of one program, MiB", "serve run"},
	{"rewind", "CR_REWIND", "auto", "how an interpreter returns to its checkpoint after a run: auto, dirty (copy back the pages written; Linux 6.7+), copy (copy back the whole image) or cow (memfd copy-on-write)", "serve run"},
	{"output-limit-kb", "CR_OUTPUT_LIMIT_KB", "1024", "cap on a run's stdout plus stderr, KiB", "serve run"},
	{"max-code-kb", "CR_MAX_CODE_KB", "64", "largest program accepted, KiB", "serve"},
	{"max-stdin-kb", "CR_MAX_STDIN_KB", "1024", "largest stdin accepted, KiB", "serve"},
	{"default-timeout", "CR_DEFAULT_TIMEOUT", "30s", "time limit when a request names none", "serve"},
	{"max-timeout", "CR_MAX_TIMEOUT", "60s", "largest time limit a request may ask for", "serve"},
	{"timeout", "CR_RUN_TIMEOUT", "30s", "time limit of the program", "run"},
	{"stdin", "", "", "file to use as the program's stdin (default: this process's stdin)", "run"},
	{"allowed-modules", "CR_ALLOWED_MODULES", sandbox.ProfileStandard, "modules programs may import: a profile (standard: the computing standard library; classic: the original 27 modules) and/or module names, comma-separated", "serve run"},
	{"packages", "CR_PACKAGES", "", "directory of unpacked pure-Python packages (e.g. sympy, networkx) served read-only to programs; each top-level name joins the allowlist", "serve run"},
	{"room-size", "CR_ROOM_SIZE", strconv.Itoa(server.DefaultRoomSize), "how many people one room (a live shared editor) holds", "serve"},
	{"room-idle", "CR_ROOM_IDLE", server.DefaultRoomIdle.String(), "how long a room nobody changes is kept before it expires", "serve"},
	{"anonymous-execution", "CR_ANONYMOUS_EXECUTION", "true", "let visitors without an account run code", "serve"},
	{"rate-execute", "CR_RATE_EXECUTE", strconv.Itoa(server.DefaultExecuteRate), "runs per minute per client IP", "serve"},
	{"rate-execute-burst", "CR_RATE_EXECUTE_BURST", strconv.Itoa(server.DefaultExecuteBurst), "runs a client IP may make at once before the rate applies", "serve"},
	{"rate-execute-user", "CR_RATE_EXECUTE_USER", strconv.Itoa(server.DefaultExecuteRate), "runs per minute per signed-in user", "serve"},
	{"rate-auth", "CR_RATE_AUTH", strconv.Itoa(server.DefaultAuthRate), "failed sign-ins per minute per client IP (each account also backs off after 5 wrong passwords)", "serve"},
	{"rate-register", "CR_RATE_REGISTER", strconv.Itoa(server.DefaultRegisterRate), "registrations per hour per client IP (60 at once)", "serve"},
	{"rate-session", "CR_RATE_SESSION", strconv.Itoa(server.DefaultSessionRate), "anonymous browser sessions one client IP may start per minute (60 at once)", "serve"},
	{"address-cap", "CR_ADDRESS_CAP", strconv.Itoa(server.DefaultAddressCap), "most shares one client IP gets, however many sessions and users are active behind it", "serve"},
	{"classroom-networks", "CR_CLASSROOM_NETWORKS", "", "networks of classrooms (comma-separated CIDRs) whose addresses get --classroom-multiple times the per-address allowances", "serve"},
	{"classroom-multiple", "CR_CLASSROOM_MULTIPLE", strconv.Itoa(server.DefaultClassroomMult), "how many times the per-address allowances a classroom network's address gets", "serve"},
	{"trust-proxy", "CR_TRUST_PROXY", "false", "behind exactly one proxy that appends to X-Forwarded-For: the client is its rightmost entry", "serve"},
	{"cors-origins", "CR_CORS_ORIGINS", "", "other origins whose pages may call the API (comma-separated, e.g. https://app.example.com)", "serve"},
	{"metrics-token", "CR_METRICS_TOKEN", "", "bearer token that GET /metrics requires (default: /metrics is open)", "serve"},
	{"trusted-proxies", "CR_TRUSTED_PROXIES", "", "networks of proxies whose X-Forwarded-For entries are believed (comma-separated CIDRs): the client is the rightmost entry outside them", "serve"},
	{"ws-origins", "CR_WS_ORIGINS", "", "other origins allowed to open WebSockets (comma-separated host patterns)", "serve"},
	{"db-wait", "CR_DB_WAIT", "1m", "how long start waits, retrying, for a database that does not answer yet", "serve migrate"},
	{"shutdown-timeout", "CR_SHUTDOWN_TIMEOUT", "10s", "on SIGTERM, how long running programs may finish before they are cancelled", "serve"},
	{"log-format", "CR_LOG_FORMAT", "text", "log format: text or json", "serve run migrate"},
	{"log-level", "CR_LOG_LEVEL", "info", "log level: debug, info, warn or error", "serve run migrate"},
}

// config is everything main decides from flags and the environment.
type config struct {
	addr            string
	dataDir         string
	databaseURL     string
	jwtSecret       string
	gemini          llm.GeminiConfig
	neo4j           graph.Neo4jConfig
	shutdownTimeout time.Duration
	dbWait          time.Duration
	logFormat       string
	logLevel        slog.Level
	sandbox         sandbox.Config
	// allowlistProfile names the allowlist's profile (sandbox.ResolveAllowlist).
	allowlistProfile string
	server           server.Config
	// run command
	runTimeout time.Duration
	stdinFile  string
	file       string
}

// parse reads one command's flags and environment into a config. It is
// pure: the environment comes in as a function.
func parse(command string, args []string, getenv func(string) string, usage io.Writer) (config, error) {
	fs := flag.NewFlagSet("coderemote "+command, flag.ContinueOnError)
	fs.SetOutput(usage)
	vals := map[string]*string{}
	for _, s := range settings {
		if !strings.Contains(s.commands, command) {
			continue
		}
		def := s.def
		if s.env != "" && getenv(s.env) != "" {
			def = getenv(s.env)
		}
		vals[s.name] = fs.String(s.name, def, s.help)
	}
	fs.Usage = func() { printUsage(usage, command) }
	flags, positional := splitArgs(args)
	if err := fs.Parse(flags); err != nil {
		return config{}, err
	}
	p := &parser{vals: vals}
	c := config{
		addr:        p.str("addr"),
		dataDir:     p.str("data-dir"),
		databaseURL: p.str("database-url"),
		jwtSecret:   p.str("jwt-secret"),
		logFormat:   p.str("log-format"),
		stdinFile:   p.str("stdin"),
	}
	c.sandbox = sandbox.Config{
		MemoryLimit: p.size("memory-limit-mb", 1<<20),
		OutputLimit: p.size("output-limit-kb", 1<<10),
		CacheDir:    p.str("cache-dir"),
		Packages:    p.str("packages"),
	}
	if profile, modules, err := sandbox.ResolveAllowlist(p.list("allowed-modules")); err != nil {
		p.fail("allowed-modules", "CR_ALLOWED_MODULES", strings.TrimPrefix(err.Error(), "sandbox: "))
	} else {
		c.sandbox.AllowedModules, c.allowlistProfile = modules, profile
	}
	if mode, err := sandbox.ParseRewindMode(p.str("rewind")); err != nil {
		p.fail("rewind", "CR_REWIND", err.Error())
	} else {
		c.sandbox.Rewind = mode
	}
	if c.sandbox.CacheDir == "" {
		c.sandbox.CacheDir = filepath.Join(c.dataDir, "cache")
	}
	if command == "serve" || command == "migrate" {
		c.dbWait = p.duration("db-wait")
	}
	switch command {
	case "serve":
		c.shutdownTimeout = p.duration("shutdown-timeout")
		c.sandbox.Workers = p.int("workers")
		c.sandbox.QueueSize = p.int("queue-size")
		c.sandbox.MaxQueueWait = p.duration("queue-wait")
		c.sandbox.ClientRuns = p.int("client-runs")
		c.sandbox.ClientBudget = p.duration("client-budget")
		if c.sandbox.Standby = p.count("standby-workers"); c.sandbox.Standby == 0 {
			c.sandbox.Standby = -1 // sandbox.Config: zero means the default
		}
		c.server = server.Config{
			MaxCodeBytes:      p.size("max-code-kb", 1<<10),
			MaxStdinBytes:     p.size("max-stdin-kb", 1<<10),
			DefaultTimeout:    p.duration("default-timeout"),
			MaxTimeout:        p.duration("max-timeout"),
			RequireAccount:    !p.bool("anonymous-execution"),
			ExecuteRate:       p.int("rate-execute"),
			ExecuteBurst:      p.int("rate-execute-burst"),
			UserShare:         p.int("user-share"),
			AddressCap:        p.int("address-cap"),
			SessionRate:       p.int("rate-session"),
			ClassroomNetworks: p.prefixes("classroom-networks"),
			ClassroomMultiple: p.int("classroom-multiple"),
			WorkRate:          p.int("rate-work"),
			WorkBurst:         p.int("rate-work-burst"),
			TrustProxy:        p.bool("trust-proxy"),
			TrustedProxies:    p.prefixes("trusted-proxies"),
			CORSOrigins:       p.list("cors-origins"),
			MetricsToken:      p.str("metrics-token"),
			WSOrigins:         p.list("ws-origins"),
		}
		if p.err == nil && c.server.DefaultTimeout > c.server.MaxTimeout {
			p.fail("default-timeout", "CR_DEFAULT_TIMEOUT", "must not exceed --max-timeout")
		}
		c.server.Auth = p.auth()
		c.neo4j = graph.Neo4jConfig{URI: p.str("neo4j-uri"), Username: p.str("neo4j-username"), Password: p.str("neo4j-password"), Database: p.str("neo4j-database")}
		c.gemini = llm.GeminiConfig{APIKey: p.str("gemini-api-key"), BaseURL: p.str("gemini-base-url"),
			Model: p.str("gemini-model"), EmbeddingModel: p.str("gemini-embedding-model")}
	case "run":
		c.runTimeout = p.duration("timeout")
		if len(positional) != 1 {
			return config{}, errors.New("usage: coderemote run FILE.py [--stdin FILE] [--timeout 5s]")
		}
		c.file = positional[0]
		// Without an explicit data directory, `run` keeps its cache in the
		// user's cache directory rather than creating ./data wherever it runs.
		explicit := getenv("CR_DATA_DIR") != "" || flagGiven(fs, "data-dir") || p.str("cache-dir") != ""
		if !explicit {
			if dir, err := os.UserCacheDir(); err == nil {
				c.sandbox.CacheDir = filepath.Join(dir, "coderemote")
			}
		}
	}
	if c.databaseURL != "" && !strings.HasPrefix(c.databaseURL, "postgres://") && !strings.HasPrefix(c.databaseURL, "postgresql://") {
		p.fail("database-url", "DATABASE_URL", "must be a postgres:// URL")
	}
	c.logLevel = p.level("log-level")
	if c.logFormat != "text" && c.logFormat != "json" {
		p.fail("log-format", "CR_LOG_FORMAT", "must be text or json")
	}
	return c, p.err
}

// splitArgs separates flags (all of which take a value) from positional
// arguments, so that flags may follow the file name.
func splitArgs(args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(positional, args[i+1:]...)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			if !strings.Contains(a, "=") && !isHelp(a) && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	return flags, positional
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

func (p *parser) auth() server.AuthConfig {
	a := server.AuthConfig{
		TokenTTL:        p.duration("token-ttl"),
		AuthRate:        p.int("rate-auth"),
		RegisterRate:    p.int("rate-register"),
		UserExecuteRate: p.int("rate-execute-user"),
	}
	issuer, audience := p.str("oidc-issuer"), p.str("oidc-audience")
	switch {
	case issuer != "" && audience == "":
		p.fail("oidc-audience", "CR_OIDC_AUDIENCE", "is required with --oidc-issuer")
	case issuer == "" && audience != "":
		p.fail("oidc-issuer", "CR_OIDC_ISSUER", "is required with --oidc-audience")
	case issuer != "":
		if !strings.HasPrefix(issuer, "https://") && !strings.HasPrefix(issuer, "http://") {
			p.fail("oidc-issuer", "CR_OIDC_ISSUER", "must be an https:// URL")
		}
		a.OIDC = &server.OIDCConfig{Issuer: strings.TrimSuffix(issuer, "/"), Audience: audience, JWKSURL: p.str("oidc-jwks-url")}
	}
	return a
}

// parser converts flag values, keeping the first error with the flag and
// variable named.
type parser struct {
	vals map[string]*string
	err  error
}

func (p *parser) str(name string) string {
	if v, ok := p.vals[name]; ok {
		return *v
	}
	return ""
}

func (p *parser) fail(name, env, msg string) {
	if p.err == nil {
		where := "--" + name
		if env != "" {
			where += " (" + env + ")"
		}
		p.err = fmt.Errorf("%s %s", where, msg)
	}
}

func envOf(name string) string {
	for _, s := range settings {
		if s.name == name {
			return s.env
		}
	}
	return ""
}

func (p *parser) int(name string) int {
	n, err := strconv.Atoi(p.str(name))
	if err != nil || n <= 0 {
		p.fail(name, envOf(name), fmt.Sprintf("must be a positive whole number, got %q", p.str(name)))
	}
	return n
}

func (p *parser) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range p.list(name) {
		pre, err := netip.ParsePrefix(s)
		if err != nil {
			if a, aerr := netip.ParseAddr(s); aerr == nil {
				pre, err = a.Prefix(a.BitLen())
			}
		}
		if err != nil {
			p.fail(name, envOf(name), fmt.Sprintf("must be comma-separated networks such as 10.0.0.0/8, got %q", s))
			continue
		}
		out = append(out, pre.Masked())
	}
	return out
}

func (p *parser) count(name string) int {
	n, err := strconv.Atoi(p.str(name))
	if err != nil || n < 0 {
		p.fail(name, envOf(name), fmt.Sprintf("must be zero or a positive whole number, got %q", p.str(name)))
	}
	return n
}

func (p *parser) size(name string, unit int) int { return p.int(name) * unit }

func (p *parser) duration(name string) time.Duration {
	d, err := time.ParseDuration(p.str(name))
	if err != nil || d <= 0 {
		p.fail(name, envOf(name), fmt.Sprintf("must be a positive duration such as 30s, got %q", p.str(name)))
	}
	return d
}

func (p *parser) bool(name string) bool {
	b, err := strconv.ParseBool(p.str(name))
	if err != nil {
		p.fail(name, envOf(name), fmt.Sprintf("must be true or false, got %q", p.str(name)))
	}
	return b
}

func (p *parser) list(name string) []string {
	var out []string
	for _, v := range strings.Split(p.str(name), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (p *parser) level(name string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(p.str(name))); err != nil {
		p.fail(name, envOf(name), fmt.Sprintf("must be debug, info, warn or error, got %q", p.str(name)))
	}
	return l
}

func printUsage(w io.Writer, command string) {
	fmt.Fprintf(w, `Code Remote %s: a browser IDE for Python with a WebAssembly sandbox.

Usage:
  coderemote [serve] [flags]           start the server (the default)
  coderemote run FILE.py [flags]       run one file in the sandbox; exits with its exit code
  coderemote migrate [flags]           bring the database schema up to date, then exit
  coderemote --help                    this text

`, version)
	for _, cmd := range []string{"serve", "run", "migrate"} {
		if command != "" && command != cmd {
			continue
		}
		fmt.Fprintf(w, "Flags of %s (flag, environment variable, default):\n", cmd)
		for _, s := range settings {
			if !strings.Contains(s.commands, cmd) {
				continue
			}
			env := s.env
			if env == "" {
				env = "-"
			}
			fmt.Fprintf(w, "  --%-22s %-24s %s\n  %27s %s\n", s.name, env, quoteDefault(s.def), "", s.help)
		}
		fmt.Fprintln(w)
	}
}

func quoteDefault(d string) string {
	if d == "" {
		return `(none)`
	}
	return d
}

func newLogger(c config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.logLevel}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func getenv(k string) string { return os.Getenv(k) }
