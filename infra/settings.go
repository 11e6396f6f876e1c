package main

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// settings is the stack's configuration (namespace "coderemote"); README.md
// lists every key.
type settings struct {
	Name             string // resource name prefix
	ZipPath          string // the function package made by `make lambda`
	Architecture     string // arm64 or x86_64
	MemoryMB         int
	TimeoutSeconds   int
	LogRetentionDays int
	CorsOrigins      []string

	Cognito bool // create a user pool and app client, and accept their tokens

	DatabaseURLSecretARN string        // an existing secret holding DATABASE_URL
	CreateDatabase       bool          // Aurora Serverless v2 PostgreSQL in the default VPC
	DatabasePassword     pulumi.String // its master password (a config secret)

	GeminiAPIKey  pulumi.String // config secret; empty: local analysis
	Neo4jURI      string
	Neo4jUsername string
	Neo4jPassword pulumi.String // config secret

	Env map[string]string // more CR_* settings for the binary
}

func loadSettings(c *config.Config) (settings, error) {
	s := settings{
		Name:                 orDefault(c.Get("name"), "coderemote"),
		ZipPath:              orDefault(c.Get("zipPath"), "../build/lambda-arm64.zip"),
		Architecture:         orDefault(c.Get("architecture"), "arm64"),
		MemoryMB:             intOr(c, "memory", 2048),
		TimeoutSeconds:       intOr(c, "timeout", 60),
		LogRetentionDays:     intOr(c, "logRetentionDays", 14),
		Cognito:              c.GetBool("cognito"),
		DatabaseURLSecretARN: c.Get("databaseUrlSecretArn"),
		CreateDatabase:       c.GetBool("createDatabase"),
		DatabasePassword:     pulumi.String(c.Get("databasePassword")),
		GeminiAPIKey:         pulumi.String(c.Get("geminiApiKey")),
		Neo4jURI:             c.Get("neo4jUri"),
		Neo4jUsername:        orDefault(c.Get("neo4jUsername"), "neo4j"),
		Neo4jPassword:        pulumi.String(c.Get("neo4jPassword")),
	}
	c.GetObject("corsOrigins", &s.CorsOrigins)
	c.GetObject("env", &s.Env)
	return s, s.validate()
}

func (s *settings) validate() error {
	if len(s.CorsOrigins) == 0 {
		s.CorsOrigins = []string{"*"}
	}
	switch {
	case s.Architecture != "arm64" && s.Architecture != "x86_64":
		return fmt.Errorf("coderemote:architecture must be arm64 or x86_64, not %q", s.Architecture)
	case s.MemoryMB < 512 || s.MemoryMB > 10240:
		return fmt.Errorf("coderemote:memory must be 512 to 10240 (MB), not %d", s.MemoryMB)
	case s.TimeoutSeconds < 5 || s.TimeoutSeconds > 900:
		return fmt.Errorf("coderemote:timeout must be 5 to 900 (seconds), not %d", s.TimeoutSeconds)
	case s.CreateDatabase && s.DatabaseURLSecretARN != "":
		return fmt.Errorf("set coderemote:createDatabase or coderemote:databaseUrlSecretArn, not both")
	case s.CreateDatabase && len(s.DatabasePassword) < 12:
		return fmt.Errorf("coderemote:createDatabase needs coderemote:databasePassword (a secret of 12+ characters)")
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intOr(c *config.Config, key string, def int) int {
	if c.Get(key) == "" {
		return def
	}
	return c.GetInt(key)
}
