package server

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestBuiltinTokenRules: a built-in token must name this service as its
// audience, live no longer than the server issues tokens for, and not be
// revoked; signing out and changing the password revoke.
func TestBuiltinTokenRules(t *testing.T) {
	forEachBackend(t, Config{Auth: AuthConfig{TokenTTL: time.Hour}}, func(t *testing.T, s *Server) {
		token := registerUser(t, s, "tok@example.com")
		code, me, _ := call(t, s, "GET", "/auth/me", token, "")
		if code != 200 {
			t.Fatalf("me: %d", code)
		}
		sign := func(aud []string, lifetime time.Duration, gen int) string {
			now := time.Now()
			tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, builtinClaims{
				RegisteredClaims: jwt.RegisteredClaims{Issuer: builtinIssuer, Subject: me["id"].(string), Audience: aud,
					IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(lifetime))},
				Generation: gen}).SignedString(testSecret)
			return tok
		}
		for _, tt := range []struct {
			name  string
			token string
			want  int
		}{
			{"well formed", sign([]string{builtinIssuer}, time.Hour, 0), 200},
			{"wrong audience", sign([]string{"another-service"}, time.Hour, 0), 401},
			{"no audience", sign(nil, time.Hour, 0), 401},
			{"past the maximum lifetime", sign([]string{builtinIssuer}, 365*24*time.Hour, 0), 401},
			{"another generation", sign([]string{builtinIssuer}, time.Hour, 7), 401},
		} {
			if code, m, _ := call(t, s, "GET", "/auth/me", tt.token, ""); code != tt.want {
				t.Fatalf("%s: got %d %v, want %d", tt.name, code, m, tt.want)
			}
		}
		// Sign-out revokes every token of the user.
		other := loginUser(t, s, "tok@example.com", "correct horse")
		if code, _, _ := call(t, s, "POST", "/auth/logout", token, ""); code != 204 {
			t.Fatalf("logout: %d", code)
		}
		for _, tok := range []string{token, other} {
			if code, _, _ := call(t, s, "GET", "/auth/me", tok, ""); code != 401 {
				t.Fatalf("a token still works after sign-out: %d", code)
			}
		}
		// A password change revokes too, and returns a token that works.
		fresh := loginUser(t, s, "tok@example.com", "correct horse")
		if code, _, _ := call(t, s, "POST", "/auth/password", fresh, `{"current_password":"wrong one","new_password":"battery staple"}`); code != 403 {
			t.Fatalf("password change with a wrong current password: %d", code)
		}
		code, m, _ := call(t, s, "POST", "/auth/password", fresh, `{"current_password":"correct horse","new_password":"battery staple"}`)
		if code != 200 {
			t.Fatalf("password change: %d %v", code, m)
		}
		if code, _, _ := call(t, s, "GET", "/auth/me", fresh, ""); code != 401 {
			t.Fatalf("the old token works after a password change: %d", code)
		}
		if code, _, _ := call(t, s, "GET", "/auth/me", m["token"].(string), ""); code != 200 {
			t.Fatalf("the new token: %d", code)
		}
		loginUser(t, s, "tok@example.com", "battery staple")
	})
}

func loginUser(t *testing.T, s *Server, email, password string) string {
	t.Helper()
	code, m, _ := call(t, s, "POST", "/auth/login", "", `{"email":"`+email+`","password":"`+password+`"}`)
	if code != 200 {
		t.Fatalf("login %s: %d %v", email, code, m)
	}
	return m["token"].(string)
}

// TestTextWithoutNUL: what would reach the database is refused with 422,
// the same on both backends, if it holds a NUL or is not UTF-8.
func TestTextWithoutNUL(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		token := registerUser(t, s, "nul@example.com")
		for _, tt := range []struct{ name, method, path, body string }{
			{"snippet title", "POST", "/snippets", `{"title":"a\u0000b","code":"print(1)"}`},
			{"snippet code", "POST", "/snippets", `{"title":"t","code":"print(1)\u0000"}`},
			{"snippet description", "POST", "/snippets", `{"title":"t","code":"x","description":"\u0000"}`},
			{"username", "POST", "/auth/register", `{"email":"n2@example.com","password":"correct horse","username":"a\u0000"}`},
			{"login email", "POST", "/auth/login", `{"email":"nul\u0000@example.com","password":"correct horse"}`},
			{"search query with NUL", "GET", "/search?q=%00", ""},
			{"search query, not UTF-8", "GET", "/search?q=%ff%fe", ""},
			{"body, not UTF-8", "POST", "/snippets", "{\"title\":\"\xff\",\"code\":\"x\"}"},
		} {
			code, m, _ := call(t, s, tt.method, tt.path, token, tt.body)
			if code != 422 {
				t.Fatalf("%s: got %d %v, want 422", tt.name, code, m)
			}
		}
		// An escaped backslash before u0000 is ordinary text.
		if code, m, _ := call(t, s, "POST", "/snippets", token, `{"title":"t","code":"print('\\u0000')"}`); code != 201 {
			t.Fatalf("a program that spells \\u0000: %d %v", code, m)
		}
	})
}
