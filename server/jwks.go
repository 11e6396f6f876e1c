package server

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// jwks caches an identity provider's signing keys. Keys are fetched on
// first use, refreshed when a token names an unknown key id (at most once
// per minRefresh, so forged kids cannot make us hammer the issuer), and
// otherwise every maxAge.
type jwks struct {
	issuer, url string
	client      *http.Client

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

const (
	jwksMinRefresh = 30 * time.Second
	jwksMaxAge     = time.Hour
)

func newJWKS(issuer, url string, client *http.Client) *jwks {
	return &jwks{issuer: strings.TrimSuffix(issuer, "/"), url: url, client: client}
}

func (j *jwks) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if k, ok := j.keys[kid]; ok && time.Since(j.fetched) < jwksMaxAge {
		return k, nil
	}
	if j.keys == nil || time.Since(j.fetched) >= jwksMinRefresh {
		if err := j.refresh(ctx); err != nil {
			return nil, err
		}
	}
	if k, ok := j.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("jwks: unknown key id %q", kid)
}

func (j *jwks) refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	url := j.url
	if url == "" {
		var err error
		if url, err = j.discover(ctx); err != nil {
			return err
		}
	}
	var set struct {
		Keys []struct {
			Kty, Kid, N, E, Use, Alg string
		} `json:"keys"`
	}
	if err := j.getJSON(ctx, url, &set); err != nil {
		return err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		pub, err := rsaKey(k.N, k.E)
		if err != nil {
			continue
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return errors.New("jwks: no RSA signing keys")
	}
	j.keys, j.fetched = keys, time.Now()
	return nil
}

// discover finds the JWKS address in the issuer's OpenID configuration,
// falling back to Cognito's fixed path.
func (j *jwks) discover(ctx context.Context) (string, error) {
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := j.getJSON(ctx, j.issuer+"/.well-known/openid-configuration", &doc); err == nil && doc.JWKSURI != "" {
		return doc.JWKSURI, nil
	}
	return j.issuer + "/.well-known/jwks.json", nil
}

func (j *jwks) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	res, err := j.client.Do(req)
	if err != nil {
		return fmt.Errorf("jwks: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("jwks: GET %s: %s", url, res.Status)
	}
	return json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(v)
}

func rsaKey(n, e string) (*rsa.PublicKey, error) {
	nb, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil {
		return nil, err
	}
	eb, err := base64.RawURLEncoding.DecodeString(e)
	if err != nil || len(eb) > 4 {
		return nil, errors.New("bad exponent")
	}
	exp := 0
	for _, b := range eb {
		exp = exp<<8 | int(b)
	}
	if exp < 3 || len(nb) < 256 {
		return nil, errors.New("weak key")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: exp}, nil
}
