// Package pyast parses Python source into a small syntax tree: enough of
// Python 3 for reading a program's structure (statements, blocks,
// expressions), tolerant of errors (a statement it cannot parse becomes an
// opaque one) and linear in the size of the source.
package pyast

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tName
	tNum
	tStr
	tOp
	tNewline
	tIndent
	tDedent
)

type token struct {
	kind tokKind
	text string
	line int
	pos  int // byte offset in the source (names only)
}

// operators, longest first.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}",
	",", ":", ".", ";", "=",
}

// lex splits src into tokens, with NEWLINE, INDENT and DEDENT as Python's
// tokenizer makes them. It never fails: what it does not know becomes an
// operator token of one character.
func lex(src string) []token {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	var toks []token
	indents := []int{0}
	depth := 0 // bracket nesting: newlines inside brackets do not end a line
	line := 1
	atLineStart := true
	i := 0
	for i < len(src) {
		if atLineStart && depth == 0 {
			// Measure indentation; skip blank and comment-only lines.
			col, j := 0, i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\f') {
				if src[j] == '\t' {
					col = (col/8 + 1) * 8
				} else {
					col++
				}
				j++
			}
			if j >= len(src) {
				i = j
				break
			}
			if src[j] == '\n' || src[j] == '#' || src[j] == '\\' && j+1 < len(src) && src[j+1] == '\n' {
				for j < len(src) && src[j] != '\n' {
					j++
				}
				i = j + 1
				line++
				continue
			}
			i = j
			atLineStart = false
			if col > indents[len(indents)-1] {
				indents = append(indents, col)
				toks = append(toks, token{kind: tIndent, text: "", line: line})
			} else {
				for col < indents[len(indents)-1] {
					indents = indents[:len(indents)-1]
					toks = append(toks, token{kind: tDedent, text: "", line: line})
				}
				if col > indents[len(indents)-1] { // inconsistent dedent: treat as its own level
					indents = append(indents, col)
					toks = append(toks, token{kind: tIndent, text: "", line: line})
				}
			}
		}
		c := src[i]
		switch {
		case c == '\n':
			if depth == 0 {
				toks = append(toks, token{kind: tNewline, text: "", line: line})
				atLineStart = true
			}
			line++
			i++
		case c == ' ' || c == '\t' || c == '\f' || c == '\r':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
			line++
		case isStringStart(src, i):
			j, lines := scanString(src, i)
			toks = append(toks, token{kind: tStr, text: src[i:j], line: line})
			line += lines
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isNameByte(src[j]) || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E') && !strings.HasPrefix(src[i:], "0x")) {
				j++
			}
			toks = append(toks, token{kind: tNum, text: src[i:j], line: line})
			i = j
		case isNameStart(src, i):
			j := i
			for j < len(src) {
				if src[j] < utf8.RuneSelf {
					if !isNameByte(src[j]) {
						break
					}
					j++
					continue
				}
				r, n := utf8.DecodeRuneInString(src[j:])
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
					break
				}
				j += n
			}
			toks = append(toks, token{kind: tName, text: src[i:j], line: line, pos: i})
			i = j
		default:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				_, n := utf8.DecodeRuneInString(src[i:])
				op = src[i : i+n]
			}
			switch op {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth > 0 {
					depth--
				}
			}
			toks = append(toks, token{kind: tOp, text: op, line: line})
			i += len(op)
		}
	}
	if len(toks) > 0 && toks[len(toks)-1].kind != tNewline && toks[len(toks)-1].kind != tDedent {
		toks = append(toks, token{kind: tNewline, text: "", line: line})
	}
	for len(indents) > 1 {
		indents = indents[:len(indents)-1]
		toks = append(toks, token{kind: tDedent, text: "", line: line})
	}
	return append(toks, token{kind: tEOF, line: line})
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isNameStart(src string, i int) bool {
	c := src[i]
	if c < utf8.RuneSelf {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsLetter(r)
}

// isStringStart: a quote, or a prefix of up to two letters (r, b, u, f, t
// in any case) and a quote.
func isStringStart(src string, i int) bool {
	for k := 0; k < 3 && i+k < len(src); k++ {
		c := src[i+k]
		if c == '\'' || c == '"' {
			return true
		}
		if !strings.ContainsRune("rRbBuUfFtT", rune(c)) {
			return false
		}
	}
	return false
}

// scanString returns the end of the string literal at i and how many
// newlines it spans. An unterminated literal runs to the end of its line
// (or, triple-quoted, of the source).
func scanString(src string, i int) (int, int) {
	for src[i] != '\'' && src[i] != '"' {
		i++
	}
	q := src[i : i+1]
	if strings.HasPrefix(src[i:], q+q+q) {
		q = q + q + q
	}
	j := i + len(q)
	lines := 0
	for j < len(src) {
		switch {
		case src[j] == '\\' && j+1 < len(src):
			if src[j+1] == '\n' {
				lines++
			}
			j += 2
			continue
		case strings.HasPrefix(src[j:], q):
			return j + len(q), lines
		case src[j] == '\n':
			if len(q) == 1 {
				return j, lines
			}
			lines++
		}
		j++
	}
	return len(src), lines
}

// Rename rewrites every name token found in names to its new name, except
// attribute names (after a ".") not listed in attrs. Strings and comments
// are left alone. It is for tests that check an analysis does not depend
// on the programmer's names.
func Rename(src string, names, attrs map[string]string) string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	toks := lex(src)
	var b strings.Builder
	last := 0
	for i, t := range toks {
		if t.kind != tName {
			continue
		}
		table := names
		if i > 0 && toks[i-1].kind == tOp && toks[i-1].text == "." {
			table = attrs
		}
		if to, ok := table[t.text]; ok {
			b.WriteString(src[last:t.pos])
			b.WriteString(to)
			last = t.pos + len(t.text)
		}
	}
	b.WriteString(src[last:])
	return b.String()
}
