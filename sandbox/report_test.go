package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzGuardReport: whatever a program writes to /cr/result (it can, once
// past the guard), the result it becomes is bounded.
func FuzzGuardReport(f *testing.F) {
	f.Add([]byte(`{"exit_code":1,"error_type":"ValueError","error":"x","error_line":3,"traceback":"Traceback","violations":[{"line":1,"column":2,"message":"m"}]}`))
	f.Add([]byte(`{"exit_code":-7,"violations":[` + strings.Repeat(`{},`, 500) + `{}]}`))
	f.Add([]byte(`{"traceback":"` + strings.Repeat("é", 40000) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var rep guardReport
		if json.Unmarshal(data, &rep) != nil {
			return
		}
		failing := rep.ExitCode != 0 || rep.ErrorType != nil
		var r Result
		rep.apply(&r)
		if r.Success && failing {
			t.Fatalf("a failing report became a success")
		}
		if len(r.SecurityViolations) > maxViolations || r.ExitCode < 0 || r.ExitCode > 255 {
			t.Fatalf("unbounded result: %d violations, exit %d", len(r.SecurityViolations), r.ExitCode)
		}
		for _, s := range []*string{r.Error, r.ErrorType, r.Traceback} {
			if s != nil && (len(*s) > maxTracebackBytes+100 || !utf8.ValidString(*s)) {
				t.Fatalf("field of %d bytes, valid UTF-8 %v", len(*s), utf8.ValidString(*s))
			}
		}
		for _, v := range r.SecurityViolations {
			if len(v.Message) > maxMessageBytes+4 || v.Line < 0 || v.Column < 0 {
				t.Fatalf("violation %+v", v)
			}
		}
	})
}

// TestForgedReportStaysSmall: a program that gets past the guard and
// writes its own report (460,000 violations) gets a result of bounded size.
func TestForgedReportStaysSmall(t *testing.T) {
	p := sharedPool(t)
	code := reachSys + "posix = b['__imp' + 'ort__']('posix')\n" +
		"rep = '{\"exit_code\": 0, \"violations\": [' + ','.join(['{}'] * 460000) + '], \"traceback\": \"' + 'x' * 900000 + '\"}'\n" +
		"fd = posix.open('/cr/result', posix.O_WRONLY | posix.O_TRUNC)\nposix.write(fd, rep.encode())\nposix.close(fd)\nposix._exit(0)\n"
	res := run(t, p, code, "", 0)
	b, _ := json.Marshal(res)
	if len(b) > 80<<10 {
		t.Fatalf("the result of a forged report is %d bytes", len(b))
	}
}
