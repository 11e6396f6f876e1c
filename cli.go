package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/coderemote/coderemote/analysis"
	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/llm"
	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/server"
	"github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/ui"
)

// cli dispatches a command line and returns the process's exit status.
func cli(args []string) int {
	command := "serve"
	if len(args) > 0 {
		switch args[0] {
		case "serve", "run", "migrate":
			command, args = args[0], args[1:]
		case "-h", "-help", "--help", "help":
			printUsage(os.Stdout, "")
			return 0
		}
	}
	env := getenv
	if onLambda() {
		env = lambdaDefaults(getenv)
	}
	cfg, err := parse(command, args, env, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "coderemote:", err)
		return 2
	}
	log := newLogger(cfg, os.Stderr)
	switch command {
	case "run":
		return runFile(cfg, log)
	case "migrate":
		if err := migrate(cfg, log); err != nil {
			log.Error("migration failed", "err", err)
			return 1
		}
		return 0
	}
	if err := serve(cfg, log); err != nil {
		log.Error("coderemote stopped", "err", err)
		return 1
	}
	return 0
}

// openStore opens and migrates the database: PostgreSQL with DATABASE_URL,
// SQLite in the data directory otherwise.
func openStore(cfg config, log *slog.Logger) (*store.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.dbWait+time.Minute)
	defer cancel()
	db, err := connectStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	v, _ := db.SchemaVersion(ctx)
	log.Info("database ready", "backend", db.Backend(), "schema_version", v)
	if db.SharedSQLite() {
		log.Warn("another process has this SQLite database open: SQLite serves one process; run several with PostgreSQL (DATABASE_URL)",
			"path", filepath.Join(cfg.dataDir, "coderemote.db"))
	}
	return db, nil
}

// securePrivateFiles makes the data directory private (0700) and the SQLite
// database's files 0600 — the database holds the secret that signs tokens —
// creating them so, and fixing looser modes left by older versions with a
// warning.
func securePrivateFiles(dir string, sqlite bool, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	fix := func(path string, want os.FileMode) error {
		info, err := os.Stat(path)
		if err != nil || info.Mode().Perm()&^want == 0 {
			return nil
		}
		log.Warn("tightening the permissions of a private file", "path", path,
			"was", info.Mode().Perm().String(), "now", want.String())
		if err := os.Chmod(path, want); err != nil {
			return fmt.Errorf("permissions of %s: %w", path, err)
		}
		return nil
	}
	if err := fix(dir, 0o700); err != nil {
		return err
	}
	if !sqlite {
		return nil
	}
	db := filepath.Join(dir, "coderemote.db")
	f, err := os.OpenFile(db, os.O_RDWR|os.O_CREATE, 0o600) // SQLite gives its -wal and -shm files the same mode
	if err != nil {
		return fmt.Errorf("database file %s: %w", db, err)
	}
	f.Close()
	files, _ := filepath.Glob(db + "*")
	for _, path := range files {
		if err := fix(path, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// connectStore opens the store, retrying with backoff for up to
// --db-wait while the database does not answer (it may be starting too).
func connectStore(ctx context.Context, cfg config, log *slog.Logger) (*store.DB, error) {
	deadline := time.Now().Add(cfg.dbWait)
	backoff := 250 * time.Millisecond
	for {
		db, err := store.Open(ctx, cfg.databaseURL, cfg.dataDir)
		if err == nil || !store.Unavailable(err) || time.Now().Add(backoff).After(deadline) {
			return db, err
		}
		log.Warn("the database does not answer yet; retrying", "error", err, "retry_in", backoff)
		time.Sleep(backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}

// secureCache tightens what an older version left readable in the cache
// directory (the compiled runtime, the allowlist's file list): directories
// 0700, files 0600. New entries are created so.
func secureCache(dir string, log *slog.Logger) {
	fixed := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		want := os.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info, err := d.Info(); err == nil && info.Mode().Perm()&^want != 0 && os.Chmod(path, want) == nil {
			fixed++
		}
		return nil
	})
	if fixed > 0 {
		log.Warn("tightened the permissions of the cache", "path", dir, "entries", fixed)
	}
}

func migrate(cfg config, log *slog.Logger) error {
	db, err := openStore(cfg, log)
	if err != nil {
		return err
	}
	return db.Close()
}

// jwtSecret is the configured secret, or one generated on first start and
// kept in the database (so tokens survive restarts and are shared by
// every instance using the same database).
func jwtSecret(cfg config, db *store.DB) ([]byte, error) {
	if cfg.jwtSecret != "" {
		if len(cfg.jwtSecret) < 32 {
			return nil, errors.New("--jwt-secret (CR_JWT_SECRET) must be at least 32 characters")
		}
		return []byte(cfg.jwtSecret), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return db.Secret(ctx, "jwt_hs256", func() []byte { return []byte(rand.Text() + rand.Text()) })
}

func serve(cfg config, log *slog.Logger) error {
	if err := securePrivateFiles(cfg.dataDir, cfg.databaseURL == "", log); err != nil {
		return err
	}
	secureCache(cfg.sandbox.CacheDir, log)
	db, err := openStore(cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.server.Auth.Secret, err = jwtSecret(cfg, db); err != nil {
		return err
	}
	log.Info("starting the sandbox (the first start compiles the Python runtime: a few seconds)", "cache_dir", cfg.sandbox.CacheDir)
	pool, err := sandbox.NewPool(cfg.sandbox, log)
	if err != nil {
		return err
	}
	log.Info("sandbox ready", "workers", pool.Stats().Workers, "rewind_mode", pool.Stats().Rewind, "packages", pool.Packages())
	indexChanged := make(chan struct{}, 1)
	deps, follow, err := aiDeps(cfg, log, db, indexChanged)
	if err != nil {
		return err
	}
	deps.Runner, deps.Store = pool, db
	if db.Shared() {
		deps.Bus = db
	}
	cfg.server.Version = version
	cfg.server.AllowedModules, cfg.server.AllowlistProfile = pool.AllowedModules(), cfg.allowlistProfile
	cfg.server.Packages = pool.Packages()
	cfg.server.MemoryLimitBytes, cfg.server.OutputLimitBytes = cfg.sandbox.MemoryLimit, cfg.sandbox.OutputLimit
	cfg.server.ClientRuns = cfg.sandbox.ClientRuns
	cfg.server.UI = ui.FS()
	srv := server.New(cfg.server, log, deps)
	indexCtx, stopIndexer := context.WithCancel(context.Background())
	defer stopIndexer()
	go srv.RunIndexer(indexCtx)
	if follow != nil {
		go follow(indexCtx)
	}
	// Notifications from the processes sharing a PostgreSQL database: index
	// changes wake the follower at once (it also polls), handoffs bring
	// requests for this process's WebSocket connections.
	go srv.RunRooms(indexCtx)
	go db.Listen(indexCtx, []string{store.ChannelIndex, store.ChannelHandoff, store.ChannelHandoffAck, store.ChannelRoom},
		func(channel, payload string) {
			if channel == store.ChannelIndex {
				select {
				case indexChanged <- struct{}{}:
				default:
				}
				return
			}
			srv.Notified(channel, payload)
		}, func(err error) { log.Warn("listening to other processes", "error", err) })
	if onLambda() {
		serveLambda(srv, log) // does not return
		return nil
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	httpSrv := httpServer(srv, httpTimeouts{
		header: 10 * time.Second, body: time.Minute, idle: 2 * time.Minute,
		// the longest a synchronous run may take to answer: its queue wait,
		// its time limit, and the output it sends
		write: cfg.sandbox.MaxQueueWait + cfg.server.MaxTimeout + time.Minute,
	})
	log.Info("Code Remote is running", "url", "http://"+displayAddr(ln.Addr()), "version", version, "data_dir", cfg.dataDir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.shutdownTimeout)
	return shutdown(cfg.shutdownTimeout, httpSrv, srv, pool)
}

// shutdown lets running programs finish within grace, cancels the rest (their
// clients still get a result), then closes connections and workers.
type httpTimeouts struct{ header, body, write, idle time.Duration }

// httpServer bounds how long a client may take to send a request (slow
// clients trickling bytes are cut off), how long a response may take, and
// how long an idle connection stays open. WebSockets clear the read and
// write deadlines when they upgrade (server/ws.go).
func httpServer(h http.Handler, t httpTimeouts) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.header, ReadTimeout: t.body, WriteTimeout: t.write, IdleTimeout: t.idle}
}

func shutdown(grace time.Duration, httpSrv *http.Server, srv *server.Server, pool *sandbox.Pool) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Answers to cancelled runs still need a moment to be written.
	httpCtx, httpCancel := context.WithTimeout(context.Background(), grace+3*time.Second)
	defer httpCancel()
	done := make(chan error, 1)
	go func() { done <- httpSrv.Shutdown(httpCtx) }()
	srv.Shutdown(ctx)
	pool.Close(ctx)
	return <-done
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && (tcp.IP.IsUnspecified() || tcp.IP == nil) {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

// runFile is `coderemote run FILE.py`: it runs the file in the same sandbox,
// streams its output, and returns its exit code.
func runFile(cfg config, log *slog.Logger) int {
	code, err := os.ReadFile(cfg.file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coderemote:", err)
		return 2
	}
	var stdin io.Reader = os.Stdin
	if cfg.stdinFile != "" {
		f, err := os.Open(cfg.stdinFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "coderemote:", err)
			return 2
		}
		defer f.Close()
		stdin = f
	}
	cfg.sandbox.Workers, cfg.sandbox.QueueSize, cfg.sandbox.Standby = 1, 1, -1
	pool, err := sandbox.NewPool(cfg.sandbox, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coderemote:", err)
		return 2
	}
	defer pool.Close(context.Background())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := pool.Run(ctx, sandbox.Request{
		Code: string(code), Timeout: cfg.runTimeout, Stdin: stdin,
		OnOutput: func(s sandbox.Stream, b []byte) {
			if s == sandbox.Stderr {
				os.Stderr.Write(b)
			} else {
				os.Stdout.Write(b)
			}
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "coderemote:", err)
		return 2
	}
	reportFailure(os.Stderr, cfg.file, res)
	return res.ExitCode
}

// reportFailure explains on stderr what the program's own output does not:
// policy violations and runs the sandbox stopped.
func reportFailure(w io.Writer, file string, res sandbox.Result) {
	for _, v := range res.SecurityViolations {
		fmt.Fprintf(w, "%s:%d:%d: %s\n", file, v.Line, v.Column, v.Message)
	}
	if res.ErrorType == nil || res.Traceback != nil {
		return
	}
	msg := ""
	if res.Error != nil {
		msg = *res.Error
	}
	fmt.Fprintf(w, "%s: %s\n", *res.ErrorType, msg)
}

// indexFollowInterval is how often the embedded index reads the store's
// changes from other processes.
const indexFollowInterval = 500 * time.Millisecond

// aiDeps chooses analysis and search: Gemini with GEMINI_API_KEY, the local
// analyzer and embeddings otherwise; the embedded index either way. When the
// embeddings change kind, every snippet is queued to be embedded again.
func aiDeps(cfg config, log *slog.Logger, db *store.DB, indexChanged <-chan struct{}) (server.Deps, func(context.Context), error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var idx server.Index
	var follow func(context.Context)
	if cfg.neo4j.URI != "" {
		n, err := graph.NewNeo4j(ctx, cfg.neo4j)
		if err != nil {
			return server.Deps{}, nil, err
		}
		idx = n
	} else {
		// The embedded index follows the store's changes, so that what any
		// process sharing the database indexes is found here within a second.
		seq, err := db.IndexSeq(ctx)
		if err != nil {
			return server.Deps{}, nil, err
		}
		e, err := graph.NewEmbedded(ctx, db)
		if err != nil {
			return server.Deps{}, nil, err
		}
		idx = e
		follow = func(ctx context.Context) {
			e.Follow(ctx, db, seq, indexFollowInterval, indexChanged, func(err error) { log.Warn("search index: following the store", "error", err) })
		}
	}
	deps := server.Deps{Index: idx, Analyzer: analysis.Local{}, Embedder: analysis.Local{}}
	space := "local-keywords-v3@" + idx.Backend() // v3: the behaviour phrases of analysis/behaviour.go
	if cfg.gemini.APIKey != "" {
		g, err := llm.NewGemini(ctx, cfg.gemini, nil)
		if err != nil {
			return server.Deps{}, nil, err
		}
		deps.Analyzer, deps.Embedder = g, g
		space = "gemini:" + cfg.gemini.EmbeddingModel + "@" + idx.Backend()
	}
	queued, err := db.UseEmbeddingSpace(ctx, space)
	if err != nil {
		return server.Deps{}, nil, err
	}
	if queued > 0 {
		log.Info("embeddings changed: re-indexing snippets", "space", space, "snippets", queued)
	}
	log.Info("analysis and search", "analyzer", deps.Analyzer.Name(), "embeddings", space, "index", idx.Backend())
	return deps, follow, nil
}
