package server

import (
	"net/http"

	"github.com/coderemote/coderemote/sandbox/check"
)

type checkRequest struct {
	Code *string `json:"code"`
}

// checkCode answers what the sandbox would refuse in a program, and which
// lines are not Python, without running it: the editor marks them while
// you type.
func (s *Server) checkCode(w http.ResponseWriter, r *http.Request) error {
	var req checkRequest
	if herr := decodeJSON(r.Body, s.requestLimit(), &req); herr != nil {
		return herr
	}
	if req.Code == nil {
		return errInvalid("code is required")
	}
	if len(*req.Code) > s.cfg.MaxCodeBytes {
		return errTooLarge("code exceeds the limit of " + sizeText(s.cfg.MaxCodeBytes))
	}
	problems := check.Program(*req.Code, s.cfg.AllowedModules)
	if problems == nil {
		problems = []check.Problem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"problems": problems})
	return nil
}
