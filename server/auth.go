package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/coderemote/coderemote/store"
)

// AuthConfig configures how requests are authenticated.
type AuthConfig struct {
	// Secret signs and verifies the built-in accounts' tokens (HS256).
	Secret []byte
	// TokenTTL is how long a built-in token is valid.
	TokenTTL time.Duration
	// OIDC, if set, also accepts RS256 tokens of an external identity
	// provider (AWS Cognito or any OIDC issuer).
	OIDC *OIDCConfig
	// AuthRate and AuthBurst limit failed sign-ins per client address per
	// minute (a correct password is not limited by the address); each
	// account also backs off after repeated failures (signin.go).
	AuthRate, AuthBurst int
	// RegisterRate and RegisterBurst limit registrations per client address
	// per hour.
	RegisterRate, RegisterBurst int
	// UserExecuteRate and UserExecuteBurst limit runs per signed-in user per minute.
	UserExecuteRate, UserExecuteBurst int
}

// OIDCConfig describes an external identity provider.
type OIDCConfig struct {
	Issuer   string // the iss claim, e.g. https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc
	Audience string // the app client id: the aud claim (ID tokens) or client_id (Cognito access tokens)
	JWKSURL  string // default: from the issuer's discovery document
}

const builtinIssuer = "coderemote"

// Users is what authentication needs from the store.
type Users interface {
	CreateUser(ctx context.Context, u store.User) (store.User, error)
	UserByEmail(ctx context.Context, email string) (store.User, error)
	UserByID(ctx context.Context, id string) (store.User, error)
	ExternalUser(ctx context.Context, newID, issuer, subject, email, username string) (store.User, error)
	RevokeTokens(ctx context.Context, userID string) (int, error)
	SetPassword(ctx context.Context, userID, hash string) (store.User, error)
}

type userView struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Username  string    `json:"username"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u store.User) userView {
	return userView{ID: u.ID, Email: u.Email, Username: u.Username, CreatedAt: u.CreatedAt}
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userView  `json:"user"`
}

type credentials struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
	Username *string `json:"username"`
}

func errUnauthorized(msg string) *httpError {
	return &httpError{Status: http.StatusUnauthorized, Code: "unauthorized", Msg: msg}
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	if s.users == nil {
		return errUnavailable("accounts are not enabled on this server")
	}
	addr := s.clientIP(r)
	if ok, retry := s.regLimiter.allowScaled("ip:"+addr, time.Now(), s.classroomScale(addr)); !ok {
		return errTooMany("too many accounts registered from this address", retry)
	}
	var c credentials
	if err := decodeText(r.Body, 16<<10, &c); err != nil {
		return err
	}
	email, herr := validEmail(c.Email)
	if herr != nil {
		return herr
	}
	if c.Password == nil {
		return errInvalid("password must be at least 8 characters")
	}
	if herr := validPassword(*c.Password); herr != nil {
		return herr
	}
	username := strings.TrimSpace(deref(c.Username))
	if utf8.RuneCountInString(username) > 50 {
		return errInvalid("username must be at most 50 characters")
	}
	if username == "" {
		username, _, _ = strings.Cut(email, "@")
	}
	hash, err := hashPassword(*c.Password)
	if err != nil {
		return err
	}
	u, err := s.users.CreateUser(r.Context(), store.User{ID: newUUID(), Email: email, Username: username, PasswordHash: hash})
	if errors.Is(err, store.ErrConflict) {
		return &httpError{Status: http.StatusConflict, Code: "conflict", Msg: "an account with this email already exists"}
	}
	if err != nil {
		return err
	}
	return s.writeToken(w, http.StatusCreated, u)
}

func validEmail(p *string) (string, *httpError) {
	if p == nil {
		return "", errInvalid("email is required")
	}
	email := strings.ToLower(strings.TrimSpace(*p))
	addr, err := mail.ParseAddress(email)
	_, domain, _ := strings.Cut(email, "@")
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(domain, ".") {
		return "", errInvalid("email is not a valid address")
	}
	return email, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := s.admitAuth(r); err != nil {
		return err
	}
	var c credentials
	if err := decodeText(r.Body, 16<<10, &c); err != nil {
		return err
	}
	if c.Email == nil || c.Password == nil {
		return errInvalid("email and password are required")
	}
	if herr := s.accountLocked(*c.Email); herr != nil {
		return herr
	}
	bad := errUnauthorized("invalid email or password")
	u, err := s.users.UserByEmail(r.Context(), *c.Email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.PasswordHash == "") {
		checkPassword(dummyHash, *c.Password) // same work as a real check
		s.signinFailed(r, *c.Email)
		return bad
	}
	if err != nil {
		return err
	}
	if !checkPassword(u.PasswordHash, *c.Password) {
		s.signinFailed(r, *c.Email)
		return bad
	}
	s.signins.succeeded(*c.Email)
	return s.writeToken(w, http.StatusOK, u)
}

// logout revokes every built-in token of the user (the one it was called
// with included): signing out on one device signs out everywhere.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	u, herr := s.requireUser(r)
	if herr != nil {
		return herr
	}
	if u.ExternalIssuer != "" {
		return errInvalid("this account signs in with an identity provider: sign out there")
	}
	if _, err := s.users.RevokeTokens(r.Context(), u.ID); err != nil {
		return err
	}
	s.known.forget(u.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type passwordChange struct {
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

// changePassword sets a new password, revokes every older token, and
// returns a new one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := s.admitAuth(r); err != nil {
		return err
	}
	u, herr := s.requireUser(r)
	if herr != nil {
		return herr
	}
	var c passwordChange
	if err := decodeText(r.Body, 16<<10, &c); err != nil {
		return err
	}
	if c.CurrentPassword == nil || c.NewPassword == nil {
		return errInvalid("current_password and new_password are required")
	}
	if herr := s.accountLocked(u.Email); herr != nil {
		return herr
	}
	if u.PasswordHash == "" || !checkPassword(u.PasswordHash, *c.CurrentPassword) {
		s.signinFailed(r, u.Email)
		return &httpError{Status: http.StatusForbidden, Code: "forbidden", Msg: "the current password is wrong"}
	}
	if herr := validPassword(*c.NewPassword); herr != nil {
		return herr
	}
	hash, err := hashPassword(*c.NewPassword)
	if err != nil {
		return err
	}
	s.known.forget(u.ID)
	nu, err := s.users.SetPassword(r.Context(), u.ID, hash)
	if err != nil {
		return err
	}
	return s.writeToken(w, http.StatusOK, nu)
}

func validPassword(p string) *httpError {
	if utf8.RuneCountInString(p) < 8 {
		return errInvalid("password must be at least 8 characters")
	}
	if len(p) > 1024 {
		return errInvalid("password must be at most 1024 bytes")
	}
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u, err := s.requireUser(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(*u))
	return nil
}

// admitAuth refuses a password check from an address that has failed too
// many lately (authLimiter counts failures only: a class signing in
// correctly is not limited).
func (s *Server) admitAuth(r *http.Request) *httpError {
	if s.users == nil {
		return errUnavailable("accounts are not enabled on this server")
	}
	addr := s.clientIP(r)
	if ok, retry := s.authLimiter.peek("ip:"+addr, time.Now(), s.classroomScale(addr)); !ok {
		return errTooMany("too many failed sign-ins from this address", retry)
	}
	return nil
}

// accountLocked refuses a sign-in to an account that is backing off after
// repeated wrong passwords (signin.go), whoever asks.
func (s *Server) accountLocked(email string) *httpError {
	if wait := s.signins.locked(email, time.Now()); wait > 0 {
		s.metrics.signinsLocked.Inc()
		return errTooMany("too many wrong passwords for this account", wait)
	}
	return nil
}

// signinFailed counts a wrong password against the address and the account.
func (s *Server) signinFailed(r *http.Request, email string) {
	now := time.Now()
	addr := s.clientIP(r)
	s.authLimiter.allowScaled("ip:"+addr, now, s.classroomScale(addr))
	s.signins.failed(email, now)
}

// builtinClaims are a built-in token's claims: the registered ones and the
// user's token generation at issue (see store.User.TokenGeneration).
type builtinClaims struct {
	jwt.RegisteredClaims
	Generation int `json:"gen"`
}

func (s *Server) writeToken(w http.ResponseWriter, status int, u store.User) error {
	s.known.saw(u, time.Now()) // just read from (or written to) the database
	now := time.Now().Truncate(time.Second)
	exp := now.Add(s.auth.TokenTTL)
	token := jwt.NewWithClaims(jwt.SigningMethodHS256, builtinClaims{
		RegisteredClaims: jwt.RegisteredClaims{Issuer: builtinIssuer, Subject: u.ID, Audience: jwt.ClaimStrings{builtinIssuer},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp)},
		Generation: u.TokenGeneration,
	})
	signed, err := token.SignedString(s.auth.Secret)
	if err != nil {
		return fmt.Errorf("sign token: %w", err)
	}
	writeJSON(w, status, tokenResponse{Token: signed, ExpiresAt: exp.UTC(), User: viewUser(u)})
	return nil
}

// bearer returns the request's token: the Authorization header, or for
// WebSockets (browsers cannot set headers) the token query parameter.
func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return "\x00invalid"
	}
	return ""
}

// optionalUser authenticates the request if it carries a token: no token
// is (nil, nil); a bad one is a 401.
func (s *Server) optionalUser(r *http.Request) (*store.User, *httpError) {
	tok := bearer(r)
	if tok == "" {
		return nil, nil
	}
	return s.authenticate(r.Context(), tok)
}

// requireUser is optionalUser where a user is needed.
func (s *Server) requireUser(r *http.Request) (*store.User, *httpError) {
	u, err := s.optionalUser(r)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errUnauthorized("sign in first: this needs an account (Authorization: Bearer <token>)")
	}
	return u, nil
}

// authenticate verifies a token and returns its user. Built-in tokens are
// HS256 with the server's secret; external ones RS256 with the issuer's
// published keys. Any other algorithm (none, HS with a public key as the
// secret, …) is refused.
func (s *Server) authenticate(ctx context.Context, raw string) (*store.User, *httpError) {
	if s.users == nil {
		return nil, errUnauthorized("accounts are not enabled on this server")
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256", "RS256"}), jwt.WithExpirationRequired(),
		jwt.WithLeeway(30*time.Second), jwt.WithIssuedAt())
	_, err := parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		switch t.Method.Alg() {
		case "HS256":
			return s.auth.Secret, nil
		case "RS256":
			if s.jwks == nil {
				return nil, errors.New("external tokens are not accepted")
			}
			kid, _ := t.Header["kid"].(string)
			return s.jwks.key(ctx, kid)
		}
		return nil, errors.New("unexpected algorithm")
	})
	if err != nil {
		return nil, errUnauthorized("invalid or expired token")
	}
	alg := ""
	if tok, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{}); err == nil {
		alg = tok.Method.Alg()
	}
	if alg == "HS256" {
		return s.builtinUser(ctx, claims)
	}
	return s.externalUser(ctx, claims)
}

// builtinUser checks what a built-in token's signature alone does not: its
// audience, that its lifetime is no longer than the server issues, and that
// it was issued at the user's current token generation (not revoked).
func (s *Server) builtinUser(ctx context.Context, claims jwt.MapClaims) (*store.User, *httpError) {
	bad := errUnauthorized("invalid or expired token")
	iss, _ := claims.GetIssuer()
	sub, _ := claims.GetSubject()
	aud, _ := claims.GetAudience()
	if subtle.ConstantTimeCompare([]byte(iss), []byte(builtinIssuer)) != 1 || sub == "" || !slices.Contains(aud, builtinIssuer) {
		return nil, bad
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if iat == nil || exp == nil || exp.Sub(iat.Time) > s.auth.TokenTTL+time.Minute {
		return nil, bad
	}
	gen, _ := claims["gen"].(float64)
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	u, err := s.users.UserByID(ctx, sub)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		// A run of code may go on with the user's last known state (the
		// database cannot say the token was revoked since).
		if known, ok := s.known.lookup(sub, int(gen), time.Now()); ok && isRunning(ctx) {
			s.log.Warn("store unavailable: running code for a user as last seen", "error", err, "user_id", sub)
			return &known, nil
		}
		return nil, errStoreDown(s, err)
	}
	s.known.saw(u, time.Now())
	if int(gen) != u.TokenGeneration {
		return nil, errUnauthorized("this token was revoked (signed out, or the password changed): sign in again")
	}
	return &u, nil
}

// storeTimeout bounds the database lookups that authenticate every signed-in
// request, so that a database that does not answer costs a request seconds,
// not minutes.
const storeTimeout = 4 * time.Second

// errStoreDown is what a request that needs the database gets while it
// does not answer: 503, never a 401 that would sign the user out.
func errStoreDown(s *Server, err error) *httpError {
	s.log.Error("store unavailable", "error", err)
	return &httpError{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Msg: "the database is not available; try again shortly", RetryAfter: 5 * time.Second, Err: err}
}

func (s *Server) externalUser(ctx context.Context, claims jwt.MapClaims) (*store.User, *httpError) {
	o := s.auth.OIDC
	iss, _ := claims.GetIssuer()
	sub, _ := claims.GetSubject()
	aud, _ := claims.GetAudience()
	clientID, _ := claims["client_id"].(string)
	audOK := clientID == o.Audience
	for _, a := range aud {
		audOK = audOK || a == o.Audience
	}
	if iss != o.Issuer || sub == "" || !audOK {
		return nil, errUnauthorized("invalid or expired token")
	}
	email, _ := claims["email"].(string)
	username, _ := claims["cognito:username"].(string)
	if username == "" {
		username, _ = claims["preferred_username"].(string)
	}
	if username == "" {
		username, _ = claims["username"].(string) // Cognito access tokens
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	u, err := s.users.ExternalUser(ctx, newUUID(), iss, sub, email, username)
	if err != nil {
		return nil, errStoreDown(s, err)
	}
	return &u, nil
}
