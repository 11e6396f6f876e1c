package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ClassicModules are the 27 modules of the original allowlist: the
// "classic" profile, for operators who want the old behaviour.
var ClassicModules = []string{
	"math", "cmath", "decimal", "fractions", "random", "statistics", "collections", "heapq",
	"bisect", "array", "itertools", "functools", "operator", "string", "re", "textwrap", "json",
	"csv", "datetime", "calendar", "time", "typing", "dataclasses", "copy", "pprint", "enum", "abc",
}

// StandardModules are the "standard" profile, the default: the standard
// library that computes. WASI is the boundary (no files but the read-only
// library, no sockets, processes, threads or terminal), so every module
// whose work is computing is allowed, and a module whose purpose is what
// WASI does not give is left out (RefusedModules says why for each).
var StandardModules = append(slices.Clone(ClassicModules),
	// the interpreter and its tools
	"sys", "io", "types", "inspect", "traceback", "warnings", "weakref", "gc", "atexit", "contextlib",
	"contextvars", "copyreg", "dis", "ast", "keyword", "token", "tokenize", "linecache", "reprlib",
	"numbers", "errno",
	// testing and timing
	"doctest", "unittest", "timeit", "profile", "cProfile", "pstats", "trace", "tracemalloc",
	// data structures and algorithms
	"queue", "graphlib", "sched",
	// text and data
	"difflib", "unicodedata", "stringprep", "shlex", "struct", "base64", "binascii", "quopri",
	"codecs", "hashlib", "hmac", "secrets", "uuid", "zlib", "gzip", "bz2", "lzma", "pickle", "pickletools", "html", "xml", "email",
	"tomllib", "ipaddress", "colorsys", "locale", "gettext", "fnmatch",
	// command lines (over sys.argv)
	"argparse", "optparse", "getopt", "logging",
)

// RefusedModules are standard-library modules the standard profile leaves
// out, with the reason a program is given when it imports one. The list
// lives in the guard (REFUSED_MODULES in guard.py), which gives the reason.
var RefusedModules = guardDict("REFUSED_MODULES")

// unavailablePackages are compiled packages people often import, which the
// runtime does not have (UNAVAILABLE_PACKAGES in guard.py).
var unavailablePackages = func() map[string]string {
	out := map[string]string{}
	for name := range guardSet("UNAVAILABLE_PACKAGES") {
		out[name] = guardString("NOT_BUILT")
	}
	return out
}()

// Profile names for AllowedModules.
const (
	ProfileStandard = "standard"
	ProfileClassic  = "classic"
	ProfileCustom   = "custom"
)

// ResolveAllowlist expands an allowlist setting: each entry is a module or
// a profile name ("standard", "classic"), expanded in place. It returns the
// profile the setting names ("custom" when it is not exactly one profile)
// and the modules, in order and without repeats. An empty setting is the
// standard profile.
func ResolveAllowlist(entries []string) (profile string, modules []string, err error) {
	if len(entries) == 0 {
		entries = []string{ProfileStandard}
	}
	seen := map[string]bool{}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		var add []string
		switch e {
		case "":
			continue
		case ProfileStandard:
			add = StandardModules
		case ProfileClassic:
			add = ClassicModules
		default:
			if !validModuleName(e) {
				return "", nil, fmt.Errorf("sandbox: %q is not a module name or a profile (standard, classic)", e)
			}
			add = []string{e}
		}
		for _, m := range add {
			if !seen[m] {
				seen[m] = true
				modules = append(modules, m)
			}
		}
	}
	profile = ProfileCustom
	if len(entries) == 1 && (entries[0] == ProfileStandard || entries[0] == ProfileClassic) {
		profile = entries[0]
	}
	return profile, modules, nil
}

func validModuleName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// The guard's rule lists, read from guard.py so that the editor's check
// (sandbox/check) cannot drift from it.
var (
	BlockedBuiltins = guardSet("BLOCKED_BUILTINS")
	ForbiddenAttrs  = guardSet("FORBIDDEN_ATTRS")
)

// guardSet reads a frozenset((…)) of strings assigned to name in guard.py.
func guardSet(name string) map[string]bool {
	out := map[string]bool{}
	for _, m := range guardLiteral(name, " = frozenset((", "))", `"([^"]+)"`) {
		out[m[1]] = true
	}
	return out
}

// guardDict reads a dict literal of strings to strings assigned to name in
// guard.py, one "key": "value" entry per line.
func guardDict(name string) map[string]string {
	out := map[string]string{}
	for _, m := range guardLiteral(name, " = {\n", "\n}", `(?m)^\s+"([^"]+)": "([^"]+)",$`) {
		out[m[1]] = m[2]
	}
	return out
}

// guardLiteral finds the literal assigned to name in guard.py (from open to
// close) and returns the matches of pattern in it.
func guardLiteral(name, open, close, pattern string) [][]string {
	i := strings.Index(guardSource, "\n"+name+open)
	if i < 0 {
		panic("sandbox: guard.py has no " + name)
	}
	body := guardSource[i:]
	body = body[:strings.Index(body, close)]
	matches := regexp.MustCompile(pattern).FindAllStringSubmatch(body, -1)
	if len(matches) == 0 {
		panic("sandbox: " + name + " is empty")
	}
	return matches
}

// ImportRefusal is the guard's message for an import of a module outside
// the allowlist (import_refusal in guard.py).
func ImportRefusal(module string) string {
	top, _, _ := strings.Cut(module, ".")
	reason, ok := RefusedModules[top]
	if !ok {
		reason, ok = unavailablePackages[top]
	}
	if !ok {
		reason = "it is not in this server's allowlist"
	}
	return "Import of module '" + module + "' is not allowed: " + reason
}

// The reasons the guard gives for its other rules (guard.py), for the
// editor's check to say the same.
var (
	// BuiltinReasons says why each blocked builtin is refused.
	BuiltinReasons = guardDict("BUILTIN_REASONS")
	// AttrReason says why the forbidden attributes are refused.
	AttrReason = guardString("ATTR_REASON")
)

// guardString reads a string literal assigned to name in guard.py.
func guardString(name string) string {
	m := regexp.MustCompile(`(?m)^` + name + ` = "([^"]+)"$`).FindStringSubmatch(guardSource)
	if m == nil {
		panic("sandbox: guard.py has no " + name)
	}
	return m[1]
}
