package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/store/storetest"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// accountServers returns a server with accounts per store backend.
func accountServers(t *testing.T, cfg Config) map[string]*Server {
	out := map[string]*Server{}
	for name, db := range storetest.Backends(t) {
		c := cfg
		c.Auth.Secret = testSecret
		out[name] = New(c, discardLog(), Deps{Runner: sharedPool(t), Store: db})
	}
	return out
}

func forEachBackend(t *testing.T, cfg Config, f func(t *testing.T, s *Server)) {
	for name, s := range accountServers(t, cfg) {
		t.Run(name, func(t *testing.T) { f(t, s) })
	}
}

// call makes a request and decodes the JSON answer.
func call(t testing.TB, h http.Handler, method, path, token, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m, rec.Header()
}

func registerUser(t testing.TB, h http.Handler, email string) string {
	t.Helper()
	code, m, _ := call(t, h, "POST", "/auth/register", "", `{"email":"`+email+`","password":"correct horse"}`)
	if code != 201 {
		t.Fatalf("register %s: %d %v", email, code, m)
	}
	return m["token"].(string)
}

func TestRegisterLoginMe(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		code, m, _ := call(t, s, "POST", "/auth/register", "", `{"email":"Ada@Example.com","password":"correct horse","username":"ada"}`)
		if code != 201 || m["token"] == "" || m["expires_at"] == nil {
			t.Fatalf("register: %d %v", code, m)
		}
		user := m["user"].(map[string]any)
		if user["email"] != "ada@example.com" || user["username"] != "ada" || !isUUID(user["id"].(string)) {
			t.Fatalf("user %v", user)
		}
		exp, _ := time.Parse(time.RFC3339, m["expires_at"].(string))
		if d := time.Until(exp); d < 55*time.Minute || d > 61*time.Minute {
			t.Fatalf("token expires in %v, want 1h", d)
		}
		code, me, _ := call(t, s, "GET", "/auth/me", m["token"].(string), "")
		if code != 200 || me["id"] != user["id"] || me["email"] != "ada@example.com" || me["created_at"] == nil {
			t.Fatalf("me: %d %v", code, me)
		}
		code, m, _ = call(t, s, "POST", "/auth/login", "", `{"email":"ADA@example.com","password":"correct horse"}`)
		if code != 200 || m["user"].(map[string]any)["id"] != user["id"] {
			t.Fatalf("login: %d %v", code, m)
		}
	})
}

func TestAuthRejections(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		registerUser(t, s, "taken@example.com")
		for _, tc := range []struct {
			name, path, body string
			wantStatus       int
			wantCode         string
			wantDetail       string
		}{
			{"email taken", "/auth/register", `{"email":"TAKEN@example.com","password":"12345678"}`, 409, "conflict", "already exists"},
			{"weak password", "/auth/register", `{"email":"new@example.com","password":"1234567"}`, 422, "invalid", "at least 8 characters"},
			{"bad email", "/auth/register", `{"email":"not-an-email","password":"12345678"}`, 422, "invalid", "email"},
			{"no email", "/auth/register", `{"password":"12345678"}`, 422, "invalid", "email is required"},
			{"long username", "/auth/register", `{"email":"u@example.com","password":"12345678","username":"` + strings.Repeat("u", 51) + `"}`, 422, "invalid", "username"},
			{"malformed", "/auth/register", `{"email":`, 400, "bad_request", "JSON"},
			{"wrong password", "/auth/login", `{"email":"taken@example.com","password":"wrong password"}`, 401, "unauthorized", "invalid email or password"},
			{"unknown email", "/auth/login", `{"email":"nobody@example.com","password":"correct horse"}`, 401, "unauthorized", "invalid email or password"},
			{"missing password", "/auth/login", `{"email":"taken@example.com"}`, 422, "invalid", "required"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, m, h := call(t, s, "POST", tc.path, "", tc.body)
				if code != tc.wantStatus || m["code"] != tc.wantCode || !strings.Contains(m["detail"].(string), tc.wantDetail) {
					t.Fatalf("got %d %v", code, m)
				}
				if code == 401 && h.Get("WWW-Authenticate") != "Bearer" {
					t.Fatalf("401 without WWW-Authenticate")
				}
			})
		}
	})
}

// TestLoginIsRateLimited: an address's failed sign-ins are limited (a
// correct one is not counted, but is refused once the address is over).
func TestLoginIsRateLimited(t *testing.T) {
	s := accountServers(t, Config{Auth: AuthConfig{AuthRate: 1, AuthBurst: 3}})["sqlite"]
	registerUser(t, s, "a@example.com")
	if code, _, _ := call(t, s, "POST", "/auth/login", "", `{"email":"a@example.com","password":"correct horse"}`); code != 200 {
		t.Fatalf("a correct sign-in: %d", code)
	}
	for i := range 3 {
		if code, _, _ := call(t, s, "POST", "/auth/login", "", `{"email":"a@example.com","password":"guess`+string(rune('0'+i))+`"}`); code != 401 {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	code, m, h := call(t, s, "POST", "/auth/login", "", `{"email":"a@example.com","password":"correct horse"}`)
	if code != 429 || m["code"] != "rate_limited" || h.Get("Retry-After") == "" {
		t.Fatalf("got %d %v", code, m)
	}
}

// signHS signs claims with HS256 and the given secret.
func signHS(t *testing.T, secret []byte, claims jwt.MapClaims) string {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// fakeIssuer is an OIDC provider: a discovery document and a JWKS whose
// keys can be rotated.
type fakeIssuer struct {
	srv *httptest.Server
	mu  sync.Mutex
	key *rsa.PrivateKey
	kid string
	n   int // JWKS fetches
}

func newFakeIssuer(t *testing.T) *fakeIssuer {
	f := &fakeIssuer{}
	f.rotate(t, "key-1")
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]string{"issuer": f.srv.URL, "jwks_uri": f.srv.URL + "/keys"})
		case "/keys":
			f.n++
			pub := f.key.PublicKey
			json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
				"kty": "RSA", "kid": f.kid, "use": "sig", "alg": "RS256",
				"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIssuer) rotate(t *testing.T, kid string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.key, f.kid = key, kid
	f.mu.Unlock()
}

func (f *fakeIssuer) sign(t *testing.T, claims jwt.MapClaims) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = f.kid
	s, err := tok.SignedString(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenRejections(t *testing.T) {
	issuer := newFakeIssuer(t)
	cfg := Config{Auth: AuthConfig{OIDC: &OIDCConfig{Issuer: issuer.srv.URL, Audience: "client-1"}}}
	forEachBackend(t, cfg, func(t *testing.T, s *Server) {
		valid := registerUser(t, s, "a@example.com")
		_, me, _ := call(t, s, "GET", "/auth/me", valid, "")
		uid := me["id"].(string)
		now := time.Now()
		base := func() jwt.MapClaims {
			return jwt.MapClaims{"iss": builtinIssuer, "sub": uid, "aud": builtinIssuer, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		}
		with := func(k string, v any) jwt.MapClaims { c := base(); c[k] = v; return c }
		noneTok, _ := jwt.NewWithClaims(jwt.SigningMethodNone, base()).SignedString(jwt.UnsafeAllowNoneSignatureType)
		// HS/RS confusion: an HS256 token whose "secret" is the issuer's public key.
		pubDER, _ := x509.MarshalPKIXPublicKey(&issuer.key.PublicKey)
		pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
		oidcBase := func() jwt.MapClaims {
			return jwt.MapClaims{"iss": issuer.srv.URL, "sub": "ext-1", "aud": "client-1", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		}
		oidcWith := func(k string, v any) jwt.MapClaims { c := oidcBase(); c[k] = v; return c }
		for _, tc := range []struct{ name, token string }{
			{"garbage", "not.a.token"},
			{"alg none", noneTok},
			{"expired", signHS(t, testSecret, with("exp", now.Add(-time.Hour).Unix()))},
			{"no expiry", signHS(t, testSecret, func() jwt.MapClaims { c := base(); delete(c, "exp"); return c }())},
			{"other secret", signHS(t, []byte("another secret another secret 12"), base())},
			{"wrong issuer", signHS(t, testSecret, with("iss", "someone-else"))},
			{"unknown user", signHS(t, testSecret, with("sub", newUUID()))},
			{"HS256 signed with the public key", signHS(t, pubPEM, oidcBase())},
			{"RS256 wrong audience", issuer.sign(t, oidcWith("aud", "client-2"))},
			{"RS256 wrong issuer", issuer.sign(t, oidcWith("iss", "https://evil.example.com"))},
			{"RS256 expired", issuer.sign(t, oidcWith("exp", now.Add(-time.Hour).Unix()))},
			{"RS256 claiming the built-in issuer", issuer.sign(t, base())},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, m, h := call(t, s, "GET", "/auth/me", tc.token, "")
				if code != 401 || m["code"] != "unauthorized" || h.Get("WWW-Authenticate") != "Bearer" {
					t.Fatalf("got %d %v", code, m)
				}
			})
		}
		t.Run("bad token on an anonymous endpoint", func(t *testing.T) {
			if code, _, _ := call(t, s, "POST", "/execute", "not.a.token", `{"code":"1"}`); code != 401 {
				t.Fatalf("got %d", code)
			}
		})
		t.Run("not a bearer token", func(t *testing.T) {
			req := httptest.NewRequest("GET", "/auth/me", nil)
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("a:b")))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 401 {
				t.Fatalf("got %d", rec.Code)
			}
		})
	})
}

func TestExternalTokens(t *testing.T) {
	issuer := newFakeIssuer(t)
	cfg := Config{Auth: AuthConfig{OIDC: &OIDCConfig{Issuer: issuer.srv.URL, Audience: "client-1"}}}
	forEachBackend(t, cfg, func(t *testing.T, s *Server) {
		now := time.Now()
		claims := jwt.MapClaims{"iss": issuer.srv.URL, "sub": "cognito-sub-1", "aud": "client-1", "email": "ext@example.com",
			"cognito:username": "ext-user", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		code, me, _ := call(t, s, "GET", "/auth/me", issuer.sign(t, claims), "")
		if code != 200 || me["username"] != "ext-user" {
			t.Fatalf("first sight: %d %v", code, me)
		}
		// A Cognito access token names the app client in client_id instead of aud.
		access := jwt.MapClaims{"iss": issuer.srv.URL, "sub": "cognito-sub-1", "client_id": "client-1", "token_use": "access",
			"username": "ext-user", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		code, again, _ := call(t, s, "GET", "/auth/me", issuer.sign(t, access), "")
		if code != 200 || again["id"] != me["id"] {
			t.Fatalf("same subject, same user: %d %v vs %v", code, again, me)
		}
		// The issuer rotates its key: the unknown kid makes us fetch the keys again.
		issuer.rotate(t, "key-"+newUUID())
		time.Sleep(10 * time.Millisecond)
		s.jwks.mu.Lock()
		s.jwks.fetched = time.Now().Add(-jwksMinRefresh) // as if the last fetch were a while ago
		s.jwks.mu.Unlock()
		if code, m, _ := call(t, s, "GET", "/auth/me", issuer.sign(t, claims), ""); code != 200 || m["id"] != me["id"] {
			t.Fatalf("after rotation: %d %v", code, m)
		}
		// Snippets work for external users too.
		tok := issuer.sign(t, claims)
		if code, m, _ := call(t, s, "POST", "/snippets", tok, `{"code":"print(1)","title":"ext"}`); code != 201 {
			t.Fatalf("create: %d %v", code, m)
		}
	})
}

func TestUnknownKidDoesNotHammerTheIssuer(t *testing.T) {
	issuer := newFakeIssuer(t)
	s := accountServers(t, Config{Auth: AuthConfig{OIDC: &OIDCConfig{Issuer: issuer.srv.URL, Audience: "client-1"}}})["sqlite"]
	now := time.Now()
	claims := jwt.MapClaims{"iss": issuer.srv.URL, "sub": "x", "aud": "client-1", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	good := issuer.sign(t, claims)
	call(t, s, "GET", "/auth/me", good, "")
	forged := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	for i := range 20 {
		forged.Header["kid"] = "forged-" + string(rune('a'+i))
		tok, _ := forged.SignedString(key)
		if code, _, _ := call(t, s, "GET", "/auth/me", tok, ""); code != 401 {
			t.Fatalf("forged kid accepted: %d", code)
		}
	}
	issuer.mu.Lock()
	defer issuer.mu.Unlock()
	if issuer.n > 2 {
		t.Fatalf("the JWKS was fetched %d times for 20 unknown kids", issuer.n)
	}
}

func TestStoreBackedHealth(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		code, m, _ := call(t, s, "GET", "/health", "", "")
		if code != 200 || m["checks"].(map[string]any)["store"] != "ok" {
			t.Fatalf("got %d %v", code, m)
		}
	})
	db := storetest.SQLite(t, t.TempDir())
	s := New(Config{Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: sharedPool(t), Store: db})
	db.Close()
	code, m, _ := call(t, s, "GET", "/health", "", "")
	if code != 503 || m["status"] != "unhealthy" || m["checks"].(map[string]any)["store"] != "down" {
		t.Fatalf("with the store down: %d %v", code, m)
	}
	_ = store.ErrNotFound
}

func TestUserRateLimitIsPerUser(t *testing.T) {
	s := accountServers(t, Config{Auth: AuthConfig{UserExecuteRate: 1, UserExecuteBurst: 1}})["sqlite"]
	alice, bob := registerUser(t, s, "alice@example.com"), registerUser(t, s, "bob@example.com")
	if code, _, _ := call(t, s, "POST", "/execute", alice, `{"code":"1"}`); code != 200 {
		t.Fatalf("alice's first run: %d", code)
	}
	if code, m, h := call(t, s, "POST", "/execute", alice, `{"code":"1"}`); code != 429 || m["code"] != "rate_limited" || h.Get("Retry-After") == "" {
		t.Fatalf("alice's second run: %d %v", code, m)
	}
	// Same IP, another user: not limited by Alice's use.
	if code, _, _ := call(t, s, "POST", "/execute", bob, `{"code":"1"}`); code != 200 {
		t.Fatalf("bob's run: %d", code)
	}
}
