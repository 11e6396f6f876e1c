package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPackageBoundaries keeps the dependency graph of DESIGN.md: the leaves
// never import each other or the server.
func TestPackageBoundaries(t *testing.T) {
	const mod = "github.com/coderemote/coderemote/"
	leaves := []string{"sandbox", "store", "graph", "llm", "analysis", "ui"}
	forbidden := append([]string{"server"}, leaves...)
	// complexity is the vocabulary analysis and llm share: it imports no
	// leaf either (every leaf is forbidden to it).
	for _, leaf := range append(leaves, "complexity") {
		out, err := exec.Command("go", "list", "-deps", "./"+leaf).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", leaf, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(dep, mod)
			if !ok {
				continue
			}
			top, _, _ := strings.Cut(rel, "/")
			for _, f := range forbidden {
				if top == f && f != leaf {
					t.Errorf("%s imports %s", leaf, dep)
				}
			}
		}
	}
}
