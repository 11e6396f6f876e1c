package llm

import (
	"regexp"
	"strings"
)

// NormalizeBigO rewrites a complexity in one canonical ASCII form, so that
// "O(n²)", "O(N^2)", "o(n*n)" and "O(n ^ 2)" are stored and compared as
// "O(n^2)", and "O(nlogn)" or "O(n·log(n))" as "O(n log n)". A string it
// cannot read is returned trimmed; an empty string stays empty.
func NormalizeBigO(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	body := s
	if m := bigOWrapper.FindStringSubmatch(s); m != nil {
		body = m[1]
	} else if strings.ContainsAny(s, "()") {
		return s
	}
	b := strings.ToLower(strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1 // control characters; \x00 is used below
		}
		return r
	}, body)))
	for from, to := range superscripts {
		b = strings.ReplaceAll(b, from, to)
	}
	b = strings.NewReplacer("·", "*", "×", "*", "⋅", "*", "√", "sqrt", "∙", "*").Replace(b)
	b = spaces.ReplaceAllString(b, "")
	b = logCall.ReplaceAllString(b, "log$1") // log(n) → logn
	b = strings.ReplaceAll(b, "n*n*n", "n^3")
	b = strings.ReplaceAll(b, "n*n", "n^2")
	b = strings.ReplaceAll(b, "**", "^")
	b = strings.NewReplacer("*log", "log", "*", "").Replace(b)
	b = strings.ReplaceAll(b, "loglog", "\x00")
	b = logTerm.ReplaceAllString(b, " log $1 ")
	b = regexp.MustCompile("\x00([a-z])").ReplaceAllString(b, " log log $1 ")
	b = strings.Join(strings.Fields(b), " ")
	b = strings.ReplaceAll(b, "+", " + ")
	b = strings.Join(strings.Fields(b), " ")
	switch b {
	case "constant", "const":
		b = "1"
	case "linear":
		b = "n"
	case "quadratic":
		b = "n^2"
	case "cubic":
		b = "n^3"
	case "logarithmic":
		b = "log n"
	}
	return "O(" + b + ")"
}

var (
	bigOWrapper  = regexp.MustCompile(`^[oOΘθΩ]\s*\((.*)\)$`)
	spaces       = regexp.MustCompile(`\s+`)
	logCall      = regexp.MustCompile(`log_?2?\(([a-z0-9^]+)\)`)
	logTerm      = regexp.MustCompile(`log_?2?([a-z][a-z0-9^]*)`)
	superscripts = map[string]string{"²": "^2", "³": "^3", "⁴": "^4", "ⁿ": "^n", "ᵏ": "^k"}
)

// Named complexities people use in questions ("my quadratic sorts").
var complexityWords = map[string]string{
	"constant": "O(1)", "logarithmic": "O(log n)", "linear": "O(n)", "linearithmic": "O(n log n)",
	"quadratic": "O(n^2)", "cubic": "O(n^3)", "exponential": "O(2^n)", "factorial": "O(n!)",
}

// ComplexityInText finds a complexity named in a question, as a canonical
// Big-O string: "quadratic" or "O(n²)" → "O(n^2)".
func ComplexityInText(text string) string {
	lower := strings.ToLower(text)
	if m := inlineBigO.FindString(text); m != "" {
		return NormalizeBigO(m)
	}
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		if c, ok := complexityWords[w]; ok {
			return c
		}
	}
	return ""
}

var inlineBigO = regexp.MustCompile(`[Oo]\([^()]*(\([^()]*\))?[^()]*\)`)
