// Package complexity is the vocabulary that the analyzers share: an
// estimate of a program's complexity, and Big-O strings in one canonical
// form, and the size of the embeddings that both make for search. The
// local analyzer (package analysis) and the language-model clients
// (package llm) both produce them; the server stores and compares them.
package complexity

// EmbeddingDimensions is the length of every search embedding, the local
// analyzer's and Gemini's (output_dimensionality): the index holds one size.
const EmbeddingDimensions = 768

// Analysis is an estimate of a program's complexity.
type Analysis struct {
	Time, Space string
	Families    []string // algorithm families recognised, e.g. "binary search"
	Narrative   string   // Markdown
	// Confidence says how sure the local analyzer is ("" from a model):
	// low when a loop or a recursion's size was not settled by the code's
	// structure; Time is "unknown" when it could not be estimated at all.
	Confidence Confidence
}

// Confidence says how sure an estimate is.
type Confidence string

const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)
