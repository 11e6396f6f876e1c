package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/coderemote/coderemote/complexity"
	"net/http"
	"strings"
	"time"

	"google.golang.org/genai"
)

// GeminiConfig configures the Gemini provider.
type GeminiConfig struct {
	APIKey string
	// BaseURL overrides the API's address (tests point it at a local fake).
	BaseURL        string
	Model          string // default gemini-2.5-flash
	EmbeddingModel string // default gemini-embedding-001
	// Timeout bounds one call, retries included.
	Timeout time.Duration
	// Attempts per request (the first included) on 408, 429 and 5xx, with
	// exponential backoff from RetryDelay.
	Attempts   int
	RetryDelay time.Duration
}

// Gemini analyzes and embeds with Google's Gemini API, through the genai SDK.
type Gemini struct {
	client *genai.Client
	cfg    GeminiConfig
}

// NewGemini creates the client; it makes no request.
func NewGemini(ctx context.Context, cfg GeminiConfig, httpClient *http.Client) (*Gemini, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("llm: a Gemini API key is required")
	}
	if cfg.Model == "" {
		cfg.Model = "gemini-2.5-flash"
	}
	if cfg.EmbeddingModel == "" {
		cfg.EmbeddingModel = "gemini-embedding-001"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 4
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = 500 * time.Millisecond
	}
	attempts := int32(cfg.Attempts)
	delay := cfg.RetryDelay.Seconds()
	maxDelay := 8.0
	c, err := genai.NewClient(ctx, &genai.ClientConfig{
		APIKey:     cfg.APIKey,
		Backend:    genai.BackendGeminiAPI,
		HTTPClient: httpClient,
		HTTPOptions: genai.HTTPOptions{
			BaseURL:      cfg.BaseURL,
			RetryOptions: &genai.HTTPRetryOptions{Attempts: &attempts, InitialDelay: &delay, MaxDelay: &maxDelay},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("llm: gemini client: %w", err)
	}
	return &Gemini{client: c, cfg: cfg}, nil
}

// Name is the provider ("gemini"); Model the model that answers.
func (g *Gemini) Name() string  { return "gemini" }
func (g *Gemini) Model() string { return g.cfg.Model }

const analysisPrompt = `You are an expert in algorithms. Analyze the time and space complexity of this Python program.
Answer in JSON with these fields:
- "algorithm": a short name of the algorithm or technique (e.g. "binary search"), or "" if none applies;
- "time_complexity": Big-O of the running time in the input size n, in ASCII, like "O(n log n)" or "O(n^2)";
- "space_complexity": Big-O of the extra memory, in the same form;
- "narrative": a Markdown explanation with exactly these headings: "## Algorithm", "## Time Complexity",
  "## Space Complexity", and, if there is something worth improving, "## Suggestions". You may write math in LaTeX between $ signs.

Program:
` + "```python\n%s\n```"

func (g *Gemini) analysisConfig() *genai.GenerateContentConfig {
	str := &genai.Schema{Type: genai.TypeString}
	return &genai.GenerateContentConfig{
		ResponseMIMEType: "application/json",
		ResponseSchema: &genai.Schema{
			Type: genai.TypeObject,
			Properties: map[string]*genai.Schema{
				"algorithm": str, "time_complexity": str, "space_complexity": str, "narrative": str,
			},
			Required: []string{"time_complexity", "space_complexity", "narrative"},
			// The narrative last, so that a stream gives the complexities first.
			PropertyOrdering: []string{"algorithm", "time_complexity", "space_complexity", "narrative"},
		},
	}
}

type geminiAnalysis struct {
	Algorithm       string `json:"algorithm"`
	TimeComplexity  string `json:"time_complexity"`
	SpaceComplexity string `json:"space_complexity"`
	Narrative       string `json:"narrative"`
}

// Analyze asks Gemini for a structured analysis.
func (g *Gemini) Analyze(ctx context.Context, code string) (complexity.Analysis, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	resp, err := g.client.Models.GenerateContent(ctx, g.cfg.Model, genai.Text(fmt.Sprintf(analysisPrompt, code)), g.analysisConfig())
	if err != nil {
		return complexity.Analysis{}, fmt.Errorf("llm: gemini analyze: %w", err)
	}
	return parseAnalysis(resp.Text())
}

// AnalyzeStream is Analyze with the narrative passed to onChunk as the
// model writes it.
func (g *Gemini) AnalyzeStream(ctx context.Context, code string, onChunk func(string)) (complexity.Analysis, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	var raw strings.Builder
	var narr narrativeScanner
	for resp, err := range g.client.Models.GenerateContentStream(ctx, g.cfg.Model, genai.Text(fmt.Sprintf(analysisPrompt, code)), g.analysisConfig()) {
		if err != nil {
			return complexity.Analysis{}, fmt.Errorf("llm: gemini stream: %w", err)
		}
		text := resp.Text()
		raw.WriteString(text)
		if delta := narr.feed(text); delta != "" && onChunk != nil {
			onChunk(delta)
		}
	}
	return parseAnalysis(raw.String())
}

func parseAnalysis(text string) (complexity.Analysis, error) {
	var ga geminiAnalysis
	if err := json.Unmarshal([]byte(strings.TrimSpace(text)), &ga); err != nil {
		return complexity.Analysis{}, fmt.Errorf("llm: gemini answered something that is not the analysis JSON: %w", err)
	}
	if ga.TimeComplexity == "" || ga.SpaceComplexity == "" {
		return complexity.Analysis{}, errors.New("llm: gemini's analysis lacks a complexity")
	}
	a := complexity.Analysis{Time: complexity.NormalizeBigO(ga.TimeComplexity), Space: complexity.NormalizeBigO(ga.SpaceComplexity), Narrative: ga.Narrative}
	if ga.Algorithm != "" {
		a.Families = []string{ga.Algorithm}
	}
	return a, nil
}

// EmbedDocument embeds a snippet (task type RETRIEVAL_DOCUMENT).
func (g *Gemini) EmbedDocument(ctx context.Context, text string) ([]float32, error) {
	return g.embed(ctx, text, "RETRIEVAL_DOCUMENT")
}

// EmbedQuery embeds a search question (task type CODE_RETRIEVAL_QUERY).
func (g *Gemini) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	return g.embed(ctx, text, "CODE_RETRIEVAL_QUERY")
}

func (g *Gemini) embed(ctx context.Context, text, task string) ([]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	dims := int32(complexity.EmbeddingDimensions)
	resp, err := g.client.Models.EmbedContent(ctx, g.cfg.EmbeddingModel, genai.Text(text),
		&genai.EmbedContentConfig{TaskType: task, OutputDimensionality: &dims})
	if err != nil {
		return nil, fmt.Errorf("llm: gemini embed: %w", err)
	}
	if len(resp.Embeddings) != 1 || len(resp.Embeddings[0].Values) != complexity.EmbeddingDimensions {
		return nil, fmt.Errorf("llm: gemini returned an embedding of the wrong shape")
	}
	return resp.Embeddings[0].Values, nil
}

// narrativeScanner pulls the "narrative" string out of a JSON object that
// arrives in pieces, decoding it as it comes.
type narrativeScanner struct {
	buf   strings.Builder
	start int // where the narrative's characters begin in buf; 0 = not found yet
	pos   int // how far the narrative has been decoded
	done  bool
}

func (n *narrativeScanner) feed(chunk string) string {
	if n.done {
		return ""
	}
	n.buf.WriteString(chunk)
	s := n.buf.String()
	if n.start == 0 {
		i := strings.Index(s, `"narrative"`)
		if i < 0 {
			return ""
		}
		j := i + len(`"narrative"`)
		for j < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == '\n' || s[j] == '\t') {
			j++
		}
		if j >= len(s) || s[j] != '"' {
			return ""
		}
		n.start, n.pos = j+1, j+1
	}
	var out strings.Builder
	for n.pos < len(s) {
		c := s[n.pos]
		if c == '"' {
			n.done = true
			break
		}
		if c != '\\' {
			out.WriteByte(c)
			n.pos++
			continue
		}
		// An escape: decode it once it is complete.
		end := n.pos + 2
		if end <= len(s) && s[n.pos+1] == 'u' {
			end = n.pos + 6
		}
		if end > len(s) {
			break
		}
		var dec string
		if json.Unmarshal([]byte(`"`+s[n.pos:end]+`"`), &dec) == nil {
			out.WriteString(dec)
		}
		n.pos = end
	}
	return out.String()
}

const cypherPrompt = `Write one read-only Cypher query for Neo4j that answers the question below about the asking user's
own code snippets. The graph:
%s
Rules: match the user's snippets with (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id}); use no other
parameter; do not write, call procedures or use comments; return the snippet ids as "id"
(RETURN DISTINCT s.id AS id) and at most 20 rows. Complexity values are canonical, like "O(n^2)",
"O(n log n)", "O(log n)". Answer with the query only.

Question: %s`

// Cypher asks Gemini to turn a question into a Cypher query over schema.
// The caller must validate the query before running it.
func (g *Gemini) Cypher(ctx context.Context, question, schema string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	resp, err := g.client.Models.GenerateContent(ctx, g.cfg.Model, genai.Text(fmt.Sprintf(cypherPrompt, schema, question)), nil)
	if err != nil {
		return "", fmt.Errorf("llm: gemini cypher: %w", err)
	}
	q := strings.TrimSpace(resp.Text())
	q = strings.TrimPrefix(strings.TrimPrefix(q, "```cypher"), "```")
	return strings.TrimSpace(strings.TrimSuffix(q, "```")), nil
}
