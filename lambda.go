package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// onLambda reports whether this process is a Lambda function's runtime.
func onLambda() bool { return os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" }

// lambdaDefaults adjusts defaults for Lambda: only /tmp is writable, logs go
// to CloudWatch as JSON.
func lambdaDefaults(getenv func(string) string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		switch k {
		case "CR_DATA_DIR":
			return "/tmp/coderemote"
		case "CR_LOG_FORMAT":
			return "json"
		}
		return ""
	}
}

// maxLambdaResponse is under Lambda's 6 MB limit for a synchronous
// response, leaving room for headers and base64.
const maxLambdaResponse = 4 << 20

// serveLambda serves API Gateway HTTP API (payload 2.0) events with h until
// the runtime stops the process. The compiled sandbox and its workers live
// as long as the execution environment, so warm invocations reuse them.
func serveLambda(h http.Handler, log *slog.Logger) {
	log.Info("serving Lambda invocations")
	lambda.Start(func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return handleLambda(ctx, h, req), nil
	})
}

func handleLambda(ctx context.Context, h http.Handler, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	r, err := httpRequest(ctx, req)
	if err != nil {
		return lambdaError(http.StatusBadRequest, "bad_request", "the request could not be decoded: "+err.Error())
	}
	w := &lambdaWriter{header: http.Header{}}
	h.ServeHTTP(w, r)
	return lambdaResponse(w, strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"))
}

func httpRequest(ctx context.Context, req events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return nil, err
		}
	}
	u := req.RawPath
	if u == "" {
		u = "/"
	}
	if req.RawQueryString != "" {
		u += "?" + req.RawQueryString
	}
	r, err := http.NewRequestWithContext(ctx, req.RequestContext.HTTP.Method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	if len(req.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(req.Cookies, "; "))
	}
	r.Host = req.RequestContext.DomainName
	if host := req.Headers["host"]; host != "" {
		r.Host = host
	}
	r.RemoteAddr = req.RequestContext.HTTP.SourceIP + ":0"
	r.ContentLength = int64(len(body))
	return r, nil
}

// lambdaWriter collects a handler's response.
type lambdaWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *lambdaWriter) Header() http.Header { return w.header }
func (w *lambdaWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *lambdaWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// lambdaResponse encodes the response for API Gateway, compressing a large
// one when the client accepts gzip and refusing one still too large.
func lambdaResponse(w *lambdaWriter, gzipOK bool) events.APIGatewayV2HTTPResponse {
	body := w.body.Bytes()
	if len(body) > maxLambdaResponse && gzipOK && w.header.Get("Content-Encoding") == "" {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(body)
		zw.Close()
		body = z.Bytes()
		w.header.Set("Content-Encoding", "gzip")
	}
	if len(body) > maxLambdaResponse {
		return lambdaError(http.StatusRequestEntityTooLarge, "too_large",
			"the response is larger than AWS Lambda can return (4 MiB here); lower the output limit or ask for gzip")
	}
	headers := map[string]string{}
	for k, v := range w.header {
		headers[k] = strings.Join(v, ", ")
	}
	res := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: headers}
	if w.status == 0 {
		res.StatusCode = http.StatusOK
	}
	if isText(w.header.Get("Content-Type")) && w.header.Get("Content-Encoding") == "" {
		res.Body = string(body)
	} else {
		res.Body, res.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return res
}

func isText(ct string) bool {
	for _, p := range []string{"text/", "application/json", "application/javascript", "image/svg+xml"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

func lambdaError(status int, code, detail string) events.APIGatewayV2HTTPResponse {
	b, _ := json.Marshal(map[string]string{"detail": detail, "code": code})
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}
}
