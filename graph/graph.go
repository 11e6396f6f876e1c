// Package graph indexes snippets for search by meaning: each snippet is a
// node with its owner, language, complexities and an embedding. Embedded
// is the in-process index (exact cosine over the owner's vectors); Neo4j
// keeps the same nodes in a Neo4j database. Every query is scoped to one
// owner before anything is ranked.
package graph

import (
	"errors"
	"time"
)

// Node is a snippet as the index knows it.
type Node struct {
	SnippetID       string    `json:"snippet_id"`
	UserID          string    `json:"user_id"`
	Title           string    `json:"title"`
	Language        string    `json:"language"`
	Description     string    `json:"description"`
	TimeComplexity  string    `json:"time_complexity"`
	SpaceComplexity string    `json:"space_complexity"`
	Embedding       []float32 `json:"-"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Result is a node and how well it matched.
type Result struct {
	Node
	Score float64
}

// ErrNotFound means the snippet is not in the owner's index.
var ErrNotFound = errors.New("graph: not found")
