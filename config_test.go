package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseServe(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c config)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c config) {
			if c.addr != ":8080" || c.dataDir != "./data" || c.sandbox.CacheDir != "data/cache" || c.server.DefaultTimeout != 30*time.Second {
				t.Fatalf("got %+v", c)
			}
			if c.allowlistProfile != "standard" || len(c.sandbox.AllowedModules) != len(sandbox.StandardModules) || c.sandbox.MemoryLimit != 256<<20 || c.server.RequireAccount {
				t.Fatalf("got %+v", c.sandbox)
			}
		}},
		{name: "environment", env: map[string]string{"CR_ADDR": ":9000", "CR_DATA_DIR": "/srv/cr", "CR_ALLOWED_MODULES": "math, json"},
			check: func(t *testing.T, c config) {
				if c.addr != ":9000" || c.sandbox.CacheDir != "/srv/cr/cache" || strings.Join(c.sandbox.AllowedModules, ",") != "math,json" || c.allowlistProfile != "custom" {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "flags win over the environment", args: []string{"--addr", ":7000"}, env: map[string]string{"CR_ADDR": ":9000"},
			check: func(t *testing.T, c config) {
				if c.addr != ":7000" {
					t.Fatalf("got %q", c.addr)
				}
			}},
		{name: "classic profile", env: map[string]string{"CR_ALLOWED_MODULES": "classic"}, check: func(t *testing.T, c config) {
			if c.allowlistProfile != "classic" || len(c.sandbox.AllowedModules) != 27 {
				t.Fatalf("got %s %v", c.allowlistProfile, c.sandbox.AllowedModules)
			}
		}},
		{name: "a profile and more", args: []string{"--allowed-modules", "classic,sys"}, check: func(t *testing.T, c config) {
			if c.allowlistProfile != "custom" || len(c.sandbox.AllowedModules) != 28 {
				t.Fatalf("got %s %v", c.allowlistProfile, c.sandbox.AllowedModules)
			}
		}},
		{name: "bad module name", env: map[string]string{"CR_ALLOWED_MODULES": "math,os.path"}, wantErr: `--allowed-modules (CR_ALLOWED_MODULES) "os.path" is not a module name or a profile`},
		{name: "bad number names the variable", env: map[string]string{"CR_WORKERS": "many"}, wantErr: "--workers (CR_WORKERS) must be a positive whole number"},
		{name: "bad duration", args: []string{"--max-timeout=soon"}, wantErr: "--max-timeout (CR_MAX_TIMEOUT) must be a positive duration"},
		{name: "default over max", env: map[string]string{"CR_DEFAULT_TIMEOUT": "90s"}, wantErr: "--default-timeout (CR_DEFAULT_TIMEOUT) must not exceed --max-timeout"},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: "must be text or json"},
		{name: "rewind mode", args: []string{"--rewind", "copy"}, check: func(t *testing.T, c config) {
			if c.sandbox.Rewind != sandbox.RewindCopy {
				t.Fatalf("got %q", c.sandbox.Rewind)
			}
		}},
		{name: "bad rewind mode", env: map[string]string{"CR_REWIND": "fast"}, wantErr: `--rewind (CR_REWIND) unknown rewind mode "fast"`},
		{name: "unknown flag", args: []string{"--nope", "1"}, wantErr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse("serve", tt.args, env(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseRun(t *testing.T) {
	c, err := parse("run", []string{"prog.py", "--timeout", "5s", "--stdin=in.txt"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.file != "prog.py" || c.runTimeout != 5*time.Second || c.stdinFile != "in.txt" {
		t.Fatalf("got %+v", c)
	}
	if _, err := parse("run", nil, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("got %v, want usage", err)
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var b strings.Builder
	printUsage(&b, "")
	for _, s := range settings {
		if !strings.Contains(b.String(), "--"+s.name) || (s.env != "" && !strings.Contains(b.String(), s.env)) {
			t.Fatalf("help lacks %s / %s", s.name, s.env)
		}
	}
}
