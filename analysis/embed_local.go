package analysis

import (
	"context"
	"hash/fnv"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/coderemote/coderemote/complexity"
)

// Dimensions of every embedding (complexity.EmbeddingDimensions).
const Dimensions = complexity.EmbeddingDimensions

// Local is the offline provider: the structural analyzer and a hashed
// bag-of-words embedding. It needs no network and no key.
type Local struct{}

// Name identifies the provider in results ("local").
func (Local) Name() string { return "local" }

// LocalDeadline bounds one local analysis (64 KB of any shape takes well
// under it: docs/analysis.md).
const LocalDeadline = 2 * time.Second

// Analyze estimates complexity from the code's structure. It gives up with
// ctx's error when ctx ends, or after LocalDeadline.
func (Local) Analyze(ctx context.Context, code string) (Analysis, error) {
	ctx, cancel := context.WithTimeout(ctx, LocalDeadline)
	defer cancel()
	return analyzeLocal(ctx, code)
}

// EmbedDocument embeds a snippet's text (see DocumentText) with the
// concepts it names.
func (Local) EmbedDocument(_ context.Context, text string) ([]float32, error) {
	return EmbedLocal(withConcepts(text)), nil
}

// EmbedQuery embeds a search question with the concepts it names.
func (Local) EmbedQuery(_ context.Context, text string) ([]float32, error) {
	return EmbedLocal(withConcepts(text)), nil
}

// DocumentText is what is embedded for a snippet: its title (twice) and
// description, the algorithm families the analyzer recognises with their
// everyday phrasings, the concepts its structure shows (library calls and
// operations: "Concepts: heap, reverse"), and the words of its code —
// identifiers, comments, docstrings and string literals — so that "find an
// item in a sorted list" finds a binary search that never says so.
func DocumentText(title, description, code string) string {
	fams := AnalyzeLocal(code).Families
	cs := codeConcepts(code, fams)
	return strings.Join([]string{title, title, description, FamilyPhrases(fams),
		"Concepts: " + strings.Join(cs, ", "), behaviourPhrases(cs), codeWords(code)}, "\n")
}

var reComment = regexp.MustCompile(`#(.*)`)

// codeWords keeps a program's identifiers, string words and comments.
func codeWords(code string) string {
	var b strings.Builder
	for _, m := range reComment.FindAllStringSubmatch(code, -1) {
		b.WriteString(m[1] + " ")
	}
	b.WriteString(reComment.ReplaceAllString(code, " "))
	return b.String()
}

// EmbedLocal maps text to a unit vector by signed feature hashing of its
// word stems, stem pairs and concept tokens, each weighted by BM25's
// saturating term frequency.
func EmbedLocal(text string) []float32 {
	v := make([]float64, Dimensions)
	counts := map[string]int{}
	toks := tokens(text)
	for i, t := range toks {
		counts[t]++
		if i > 0 && t[0] != '~' && toks[i-1][0] != '~' {
			counts[toks[i-1]+" "+t]++
		}
	}
	for term, n := range counts {
		h := fnv.New64a()
		h.Write([]byte(term))
		x := h.Sum64()
		// BM25's term-frequency saturation (k1 = 1.2): a word said five
		// times counts for little more than one said twice.
		const k1 = 1.2
		w := (k1 + 1) * float64(n) / (float64(n) + k1)
		switch {
		case strings.Contains(term, " "):
			w *= 0.7
		case term[0] == '~': // a concept: the bridge between wordings
			w *= 1.5
		}
		if x&(1<<63) != 0 {
			w = -w
		}
		v[x%Dimensions] += w
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, Dimensions)
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the in of to by for and or is it on with my me that this be as at from into
		all any its are was were i you we our your what which who how do does did can get give find' def return if else elif
		while import from range len print self none true false not pass break continue class lambda try except
		finally raise yield global nonlocal assert del with int str float list dict set tuple bool`) {
		stopwords[w] = true
	}
	delete(stopwords, "find") // a search verb worth keeping
}

// tokens splits text into lower-case word stems: snake_case and camelCase
// are split, stopwords and Python keywords dropped, plurals and verb endings
// trimmed.
func tokens(text string) []string {
	var out []string
	word := []rune{}
	flush := func() {
		if len(word) == 0 {
			return
		}
		w := stem(strings.ToLower(string(word)))
		word = word[:0]
		if len(w) > 1 && !stopwords[w] {
			out = append(out, w)
		}
	}
	prev := ' '
	for _, r := range text {
		switch {
		case r == '~' && len(word) == 0: // a concept token
			word = append(word, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
		prev = r
	}
	flush()
	return out
}

func stem(w string) string {
	switch {
	case len(w) > 6 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 5 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	case len(w) > 4 && strings.HasSuffix(w, "es") && (strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "xes") ||
		strings.HasSuffix(w, "zes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		w = w[:len(w)-2] // boxes → box, matches → match
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y" // queries → query
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1] // duplicates → duplicate
	}
	if len(w) > 4 && w[len(w)-1] == w[len(w)-2] && w[len(w)-1] != 's' && w[len(w)-1] != 'l' { // swapp → swap
		w = w[:len(w)-1]
	}
	return w
}

// Cosine is the cosine similarity of two vectors of the same length.
func Cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
