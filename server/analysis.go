package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coderemote/coderemote/analysis"
	"github.com/coderemote/coderemote/complexity"
	"github.com/coderemote/coderemote/store"
)

// Analyzer explains a program's complexity: analysis.Local, or Gemini with the
// local analyzer to fall back on.
type Analyzer interface {
	Name() string
	Analyze(ctx context.Context, code string) (complexity.Analysis, error)
}

type analyzeRequest struct {
	Code         *string `json:"code"`
	SnippetID    *string `json:"snippet_id"`
	ConnectionID *string `json:"connection_id"`
}

// analysisResult is the body of POST /analyze (field names of the old
// service, plus source).
type analysisResult struct {
	Success         bool     `json:"success"`
	TimeComplexity  *string  `json:"time_complexity"`
	SpaceComplexity *string  `json:"space_complexity"`
	Narrative       string   `json:"narrative"`
	Error           *string  `json:"error"`
	Available       bool     `json:"available"`
	Model           string   `json:"model"`
	Source          string   `json:"source"`
	Families        []string `json:"algorithms"`
	// Confidence is the local analyzer's: high, medium or low (absent for a
	// model's answer). time_complexity is "unknown" when the code's
	// structure does not settle it.
	Confidence string `json:"confidence,omitempty"`
}

func (s *Server) analyzeParams(r *http.Request) (caller, analyzeRequest, *httpError) {
	c, herr := s.callerOf(r)
	if herr != nil {
		return c, analyzeRequest{}, herr
	}
	if herr := s.admit(c); herr != nil {
		return c, analyzeRequest{}, herr
	}
	var req analyzeRequest
	if herr := decodeJSON(r.Body, s.requestLimit(), &req); herr != nil {
		return c, req, herr
	}
	if req.Code == nil || *req.Code == "" {
		return c, req, errInvalid("code is required and must not be empty")
	}
	if len(*req.Code) > s.cfg.MaxCodeBytes {
		return c, req, errTooLarge(fmt.Sprintf("code is %s, over the limit of %s", sizeText(len(*req.Code)), sizeText(s.cfg.MaxCodeBytes)))
	}
	if req.SnippetID != nil && !isUUID(*req.SnippetID) {
		return c, req, errInvalid("snippet_id must be a UUID")
	}
	return c, req, nil
}

func (s *Server) analyze(w http.ResponseWriter, r *http.Request) error {
	c, req, herr := s.analyzeParams(r)
	if herr != nil {
		return herr
	}
	writeJSON(w, http.StatusOK, s.runAnalysis(r.Context(), c, req))
	return nil
}

// StreamAnalyzer is an Analyzer that can pass the narrative on as it is
// written (Gemini).
type StreamAnalyzer interface {
	AnalyzeStream(ctx context.Context, code string, onChunk func(string)) (complexity.Analysis, error)
}

// runAnalysis analyzes, and stores the complexities on the caller's snippet.
func (s *Server) runAnalysis(ctx context.Context, c caller, req analyzeRequest) analysisResult {
	return s.finishAnalysis(ctx, c, req, s.analyzeWith(ctx, *req.Code, nil))
}

type sourcedAnalysis struct {
	complexity.Analysis
	source, model string
}

// analyzeWith runs the configured analyzer (streaming the narrative to
// onChunk when it can) and falls back to the local analyzer if it fails.
func (s *Server) analyzeWith(ctx context.Context, code string, onChunk func(string)) sourcedAnalysis {
	var a complexity.Analysis
	var err error
	streamed := false
	if sa, ok := s.analyzer.(StreamAnalyzer); ok && onChunk != nil {
		a, err = sa.AnalyzeStream(ctx, code, func(c string) { streamed = true; onChunk(c) })
	} else {
		a, err = s.analyzer.Analyze(ctx, code)
	}
	source, model := s.analyzer.Name(), s.analyzer.Name()
	if m, ok := s.analyzer.(interface{ Model() string }); ok {
		model = m.Model()
	}
	if err == nil {
		if onChunk != nil && !streamed {
			for _, c := range splitChunks(a.Narrative, 160) {
				onChunk(c)
			}
		}
		return sourcedAnalysis{a, source, modelName(source, model)}
	}
	s.log.Warn("analysis: falling back to the local analyzer", "err", err)
	a = analysis.AnalyzeLocal(code)
	a.Narrative = "*The model was not available; this is a local estimate.*\n\n" + a.Narrative
	if onChunk != nil {
		if streamed {
			onChunk("\n\n---\n\n")
		}
		for _, c := range splitChunks(a.Narrative, 160) {
			onChunk(c)
		}
	}
	return sourcedAnalysis{a, "local", modelName("local", "")}
}

func (s *Server) finishAnalysis(ctx context.Context, c caller, req analyzeRequest, sa sourcedAnalysis) analysisResult {
	a := sa.Analysis
	res := analysisResult{Success: true, Narrative: a.Narrative, Available: true, Source: sa.source, Model: sa.model,
		Families: a.Families, Confidence: string(a.Confidence)}
	t, sp := complexity.NormalizeBigO(a.Time), complexity.NormalizeBigO(a.Space)
	res.TimeComplexity, res.SpaceComplexity = &t, &sp
	if res.Families == nil {
		res.Families = []string{}
	}
	if c.user != nil && req.SnippetID != nil && s.snippets != nil {
		_, err := s.snippets.UpdateSnippet(ctx, c.user.ID, strings.ToLower(*req.SnippetID), store.SnippetPatch{
			TimeComplexity:  store.Field[string]{Set: true, Value: &t},
			SpaceComplexity: store.Field[string]{Set: true, Value: &sp},
		})
		if err == nil {
			s.kickIndexer()
		} else if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("analysis: store complexities", "err", err)
		}
	}
	return res
}

func modelName(source, model string) string {
	if source == "local" {
		return "local-structural"
	}
	return model
}

func (s *Server) analyzeStatus(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"available": true, "provider": s.analyzer.Name(), "search": s.searchKind()})
	return nil
}

// searchKind is "keyword" with the offline embeddings (words and concepts)
// and "meaning" with a model's.
func (s *Server) searchKind() string {
	if _, local := s.embedder.(analysis.Local); local || s.embedder == nil {
		return "keyword"
	}
	return "meaning"
}

// analyzeAsync streams the analysis over the caller's WebSocket.
func (s *Server) analyzeAsync(w http.ResponseWriter, r *http.Request) error {
	c, req, herr := s.analyzeParams(r)
	if herr != nil {
		return herr
	}
	if req.ConnectionID == nil {
		return errInvalid("connection_id is required (send {\"action\":\"ping\"} on the WebSocket to get one)")
	}
	id := newUUID()
	if conn := s.conn(*req.ConnectionID); conn != nil {
		go conn.streamAnalysis(c, id, req)
	} else if err := s.handOff(r.Context(), handoff{Kind: "analyze", JobID: id, ConnID: *req.ConnectionID,
		UserID: c.userID(), Session: c.session, IP: c.ip, Analyze: &req}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"job_id": id, "status": "streaming"})
	return nil
}

// streamAnalysis sends analysis_stream_start, the narrative in chunks,
// then analysis_stream_complete with the whole result.
func (c *wsConn) streamAnalysis(who caller, id string, req analyzeRequest) {
	c.sendJSON(map[string]string{"type": "analysis_stream_start", "job_id": id})
	sa := c.s.analyzeWith(c.ctx, *req.Code, func(chunk string) {
		c.sendJSON(map[string]string{"type": "analysis_stream_chunk", "job_id": id, "chunk": chunk})
	})
	res := c.s.finishAnalysis(c.ctx, who, req, sa)
	if !res.Success {
		c.sendJSON(map[string]any{"type": "analysis_stream_error", "job_id": id, "error": deref(res.Error)})
		return
	}
	c.sendJSON(map[string]any{"type": "analysis_stream_complete", "job_id": id, "result": res})
}

// splitChunks cuts text at line ends into pieces of about size bytes.
func splitChunks(text string, size int) []string {
	var out []string
	for len(text) > size {
		cut := strings.LastIndexByte(text[:size], '\n')
		if cut <= 0 {
			cut = size
			for cut < len(text) && text[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
				cut++
			}
		} else {
			cut++
		}
		out = append(out, text[:cut])
		text = text[cut:]
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}
