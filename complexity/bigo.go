package complexity

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// NormalizeBigO rewrites a complexity in one canonical ASCII form, so that
// "O(n²)", "O(N^2)", "o(n*n)" and "O(n ^ 2)" are stored and compared as
// "O(n^2)", "O(nlogn)" or "O(n·log(n))" as "O(n log n)", "O(n √n)" as
// "O(n sqrt(n))" and "O(n*m)" as "O(n * m)". A string it cannot read is
// returned trimmed; an empty string stays empty.
func NormalizeBigO(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	body, wrapped := s, false
	if m := bigOWrapper.FindStringSubmatch(s); m != nil {
		body, wrapped = m[1], true
	}
	b := strings.ToLower(strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, body)))
	switch b {
	case "constant", "const":
		return "O(1)"
	case "linear":
		return "O(n)"
	case "quadratic":
		return "O(n^2)"
	case "cubic":
		return "O(n^3)"
	case "logarithmic":
		return "O(log n)"
	}
	if !wrapped && strings.ContainsAny(s, "()") {
		return s
	}
	for from, to := range superscripts {
		b = strings.ReplaceAll(b, from, to)
	}
	b = strings.NewReplacer("·", "*", "×", "*", "⋅", "*", "∙", "*", "**", "^", "√", " sqrt ").Replace(b)
	p := &bigOParser{toks: bigOTokens(b)}
	sum, ok := p.sum()
	if !ok || p.pos != len(p.toks) {
		return s
	}
	return "O(" + sum + ")"
}

var (
	bigOWrapper  = regexp.MustCompile(`^[oOΘθΩ]\s*\((.*)\)$`)
	superscripts = map[string]string{"²": "^2", "³": "^3", "⁴": "^4", "ⁿ": "^n", "ᵏ": "^k"}
)

// bigOTokens splits a lower-case complexity into numbers, words (log,
// sqrt), one-letter variables and operators. A run of letters is read as
// words and variables ("nlogn" → n log n); it fails (an "?" token) when it
// holds more than two variables in a row, which is prose, not a formula.
func bigOTokens(b string) []string {
	var toks []string
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.') {
				j++
			}
			toks = append(toks, b[i:j])
			i = j
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
				j++
			}
			run := b[i:j]
			singles := 0
			for run != "" {
				switch {
				case strings.HasPrefix(run, "sqrt"):
					toks, run, singles = append(toks, "sqrt"), run[4:], 0
				case strings.HasPrefix(run, "log"):
					toks, run, singles = append(toks, "log"), run[3:], 0
				default:
					toks, run = append(toks, run[:1]), run[1:]
					singles++
					if singles > 2 {
						return []string{"?"}
					}
				}
			}
			i = j
		case strings.ContainsRune("^*+()!_", rune(c)):
			toks = append(toks, string(c))
			i++
		default:
			return []string{"?"}
		}
	}
	return toks
}

type bigOParser struct {
	toks  []string
	pos   int
	depth int
}

func (p *bigOParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

// factor is one factor of a product: base^exp, with its printed form.
type bigOFactor struct {
	base string // "n", "log n", "sqrt(n)", "n!", "2^n", "(v + e)"
	exp  int
	kind int // 0 plain (variable, power, factorial, group), 1 sqrt, 2 log
}

func (f bigOFactor) String() string {
	switch {
	case f.exp == 1:
		return f.base
	case f.kind == 2 && strings.HasPrefix(f.base, "log "):
		return "log^" + strconv.Itoa(f.exp) + f.base[3:]
	}
	return f.base + "^" + strconv.Itoa(f.exp)
}

func (p *bigOParser) sum() (string, bool) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 20 {
		return "", false
	}
	var terms []string
	for {
		t, ok := p.product()
		if !ok {
			return "", false
		}
		terms = append(terms, t)
		if p.peek() != "+" {
			return strings.Join(terms, " + "), true
		}
		p.pos++
	}
}

func (p *bigOParser) product() (string, bool) {
	var fs []bigOFactor
	for {
		tok := p.peek()
		if tok == "" || tok == "+" || tok == ")" {
			break
		}
		if tok == "*" {
			p.pos++
			continue
		}
		f, ok := p.factor()
		if !ok {
			return "", false
		}
		if f.base == "" { // a constant coefficient
			continue
		}
		merged := false
		for i := range fs {
			if fs[i].base == f.base {
				fs[i].exp += f.exp
				merged = true
			}
		}
		if !merged {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return "1", true
	}
	slices.SortStableFunc(fs, func(a, b bigOFactor) int { return a.kind - b.kind })
	var out strings.Builder
	for i, f := range fs {
		if i > 0 {
			if f.kind == 0 && fs[i-1].kind == 0 {
				out.WriteString(" * ")
			} else {
				out.WriteString(" ")
			}
		}
		out.WriteString(f.String())
	}
	return out.String(), true
}

// factor reads a primary with an optional ^exponent and !.
func (p *bigOParser) factor() (bigOFactor, bool) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 40 {
		return bigOFactor{}, false
	}
	tok := p.peek()
	var f bigOFactor
	switch {
	case tok == "log":
		p.pos++
		if p.peek() == "_" { // log_2 n
			p.pos++
			p.pos++
		}
		exp := 1
		if p.peek() == "^" { // log^2 n
			p.pos++
			n, err := strconv.Atoi(p.peek())
			if err != nil {
				return f, false
			}
			exp = n
			p.pos++
		}
		if len(p.peek()) == 1 && p.peek()[0] >= '0' && p.peek()[0] <= '9' && p.pos+1 < len(p.toks) {
			p.pos++ // log2 n
		}
		arg, ok := p.factor()
		if !ok || arg.base == "" {
			return f, false
		}
		f = bigOFactor{base: "log " + arg.String(), exp: exp, kind: 2}
		return f, true
	case tok == "sqrt":
		p.pos++
		arg, ok := p.factor()
		if !ok || arg.base == "" {
			return f, false
		}
		a := arg.String()
		a = strings.TrimSuffix(strings.TrimPrefix(a, "("), ")")
		f = bigOFactor{base: "sqrt(" + a + ")", exp: 1, kind: 1}
	case tok == "(":
		p.pos++
		inner, ok := p.sum()
		if !ok || p.peek() != ")" {
			return f, false
		}
		p.pos++
		switch {
		case inner == "1":
			f = bigOFactor{}
		case !strings.ContainsAny(inner, " ^!*("):
			f = bigOFactor{base: inner, exp: 1}
		default:
			f = bigOFactor{base: "(" + inner + ")", exp: 1}
		}
	case len(tok) == 1 && tok[0] >= 'a' && tok[0] <= 'z':
		p.pos++
		f = bigOFactor{base: tok, exp: 1}
	case tok != "" && (tok[0] >= '0' && tok[0] <= '9' || tok[0] == '.'):
		p.pos++
		if p.peek() == "^" { // 2^n
			p.pos++
			e, ok := p.factor()
			if !ok || e.base == "" {
				return f, false
			}
			return bigOFactor{base: tok + "^" + e.String(), exp: 1}, true
		}
		return bigOFactor{}, true // a coefficient
	default:
		return f, false
	}
	if p.peek() == "^" {
		p.pos++
		n, err := strconv.Atoi(p.peek())
		if err != nil {
			if len(p.peek()) == 1 && p.peek()[0] >= 'a' && p.peek()[0] <= 'z' { // n^k
				f.base += "^" + p.peek()
				p.pos++
				return f, true
			}
			return f, false
		}
		p.pos++
		if f.base != "" {
			f.exp *= n
		}
	}
	if p.peek() == "!" {
		p.pos++
		f = bigOFactor{base: f.String() + "!", exp: 1}
	}
	return f, true
}

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
