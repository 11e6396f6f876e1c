package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// runtimeAPI emulates the Lambda Runtime API: it hands out queued API
// Gateway v2 events on /invocation/next and collects the responses.
type runtimeAPI struct {
	events    chan events.APIGatewayV2HTTPRequest
	mu        sync.Mutex
	responses map[string]chan []byte
	seq       int
	initErr   chan string
}

func newRuntimeAPI() *runtimeAPI {
	return &runtimeAPI{events: make(chan events.APIGatewayV2HTTPRequest, 8), responses: map[string]chan []byte{}, initErr: make(chan string, 1)}
}

func (rt *runtimeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const prefix = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case path == "invocation/next":
		select {
		case ev := <-rt.events:
			id := ev.RequestContext.RequestID
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
			w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123:function:coderemote")
			json.NewEncoder(w).Encode(ev)
		case <-r.Context().Done():
		}
	case strings.HasPrefix(path, "invocation/") && (strings.HasSuffix(path, "/response") || strings.HasSuffix(path, "/error")):
		id := strings.Split(path, "/")[1]
		body, _ := io.ReadAll(r.Body)
		rt.mu.Lock()
		ch := rt.responses[id]
		rt.mu.Unlock()
		ch <- body
		w.WriteHeader(http.StatusAccepted)
	case path == "init/error":
		body, _ := io.ReadAll(r.Body)
		rt.initErr <- string(body)
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

// invoke sends one HTTP API event and waits for the function's answer.
func (rt *runtimeAPI) invoke(t *testing.T, method, path, body string, headers map[string]string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	rt.mu.Lock()
	rt.seq++
	id := fmt.Sprintf("req-%d", rt.seq)
	ch := make(chan []byte, 1)
	rt.responses[id] = ch
	rt.mu.Unlock()
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: path, Headers: map[string]string{"host": "abc.execute-api.example"},
		Body: body, RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: id, DomainName: "abc.execute-api.example",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "198.51.100.7"}}}
	for k, v := range headers {
		ev.Headers[k] = v
	}
	if q := strings.SplitN(path, "?", 2); len(q) == 2 {
		ev.RawPath, ev.RawQueryString = q[0], q[1]
	}
	rt.events <- ev
	select {
	case b := <-ch:
		var res events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatalf("response %s: %v", b, err)
		}
		return res
	case msg := <-rt.initErr:
		t.Fatalf("the function failed to start: %s", msg)
	case <-time.After(2 * time.Minute):
		t.Fatal("no response from the function")
	}
	return events.APIGatewayV2HTTPResponse{}
}

func body(res events.APIGatewayV2HTTPResponse) string {
	if res.IsBase64Encoded {
		b, _ := base64.StdEncoding.DecodeString(res.Body)
		return string(b)
	}
	return res.Body
}

// TestLambdaMode runs the real binary as a Lambda function against an
// emulated Runtime API: health, a program run, the UI, and errors.
func TestLambdaMode(t *testing.T) {
	rt := newRuntimeAPI()
	srv := httptest.NewServer(rt)
	defer srv.Close()
	cmd := coderemote(t)
	cmd.Env = append(cmd.Env, "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(srv.URL, "http://"), "CR_WORKERS=1", "CR_OUTPUT_LIMIT_KB=8192")
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	res := rt.invoke(t, "GET", "/health", "", nil)
	if res.StatusCode != 200 || !strings.Contains(body(res), `"status":"healthy"`) {
		t.Fatalf("health: %d %s\n%s", res.StatusCode, body(res), logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"serving Lambda invocations"`) {
		t.Fatalf("logs are not JSON on Lambda:\n%s", logs.String())
	}
	res = rt.invoke(t, "POST", "/execute", `{"code":"print(sum(range(10)))"}`, map[string]string{"content-type": "application/json"})
	var result map[string]any
	json.Unmarshal([]byte(body(res)), &result)
	if res.StatusCode != 200 || result["stdout"] != "45\n" || res.Headers["X-Request-Id"] == "" {
		t.Fatalf("execute: %d %s", res.StatusCode, body(res))
	}
	// A second run in the same environment reuses the warm sandbox.
	if res = rt.invoke(t, "POST", "/execute", `{"code":"print('again')"}`, map[string]string{"content-type": "application/json"}); !strings.Contains(body(res), `"stdout":"again\n"`) {
		t.Fatalf("second execute: %s", body(res))
	}
	res = rt.invoke(t, "GET", "/", "", nil)
	if res.StatusCode != 200 || !strings.Contains(body(res), "<title>Code Remote</title>") {
		t.Fatalf("ui: %d %.200s", res.StatusCode, body(res))
	}
	if res = rt.invoke(t, "GET", "/nope?x=1", "", nil); res.StatusCode != 404 || !strings.Contains(body(res), `"code":"not_found"`) {
		t.Fatalf("404: %d %s", res.StatusCode, body(res))
	}
	// Output larger than Lambda can return: compressed if the client takes gzip.
	big := `{"code":"print('x' * 5000000)","timeout_seconds":10}`
	res = rt.invoke(t, "POST", "/execute", big, map[string]string{"accept-encoding": "gzip", "content-type": "application/json"})
	if res.StatusCode != 200 || res.Headers["Content-Encoding"] != "gzip" || !res.IsBase64Encoded {
		t.Fatalf("big gzip: %d %v", res.StatusCode, res.Headers)
	}
	res = rt.invoke(t, "POST", "/execute", big, map[string]string{"content-type": "application/json"})
	if res.StatusCode != 413 || !strings.Contains(res.Body, "larger than AWS Lambda can return") {
		t.Fatalf("big: %d %.200s", res.StatusCode, res.Body)
	}
}

// syncBuffer is a log sink the test may read while the process writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
