package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// User is an account: built-in (email and password hash) or external (an
// OIDC issuer and subject).
type User struct {
	ID              string
	Email           string
	Username        string
	PasswordHash    string
	ExternalIssuer  string
	ExternalSubject string
	CreatedAt       time.Time
	// TokenGeneration is carried by the user's built-in tokens; raising it
	// revokes every token issued before.
	TokenGeneration int
}

const userColumns = `id, coalesce(email, ''), username, coalesce(password_hash, ''), coalesce(external_issuer, ''), coalesce(external_subject, ''), created_at, token_generation`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created Time
	err := row.Scan(&u.ID, &u.Email, &u.Username, &u.PasswordHash, &u.ExternalIssuer, &u.ExternalSubject, &created, &u.TokenGeneration)
	u.CreatedAt = created.Time
	return u, err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateUser adds a built-in account. The email is stored lower-cased; a
// taken email is ErrConflict.
func (d *DB) CreateUser(ctx context.Context, u User) (User, error) {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.CreatedAt = Now()
	_, err := d.exec(ctx, d.db, `INSERT INTO users (id, email, username, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, nullIfEmpty(u.Email), u.Username, nullIfEmpty(u.PasswordHash), Time{u.CreatedAt})
	if isUniqueViolation(err) {
		return User{}, fmt.Errorf("store: create user %s: %w", u.Email, ErrConflict)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// UserByEmail finds a built-in account by email.
func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(d.queryRow(ctx, d.db, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
	return u, notFound(err, "user by email")
}

// UserByID finds an account.
func (d *DB) UserByID(ctx context.Context, id string) (User, error) {
	u, err := scanUser(d.queryRow(ctx, d.db, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "user "+id)
}

// ExternalUser returns the account of an identity-provider subject,
// creating it on first sight (and refreshing its email and username).
func (d *DB) ExternalUser(ctx context.Context, newID, issuer, subject, email, username string) (User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	for attempt := 0; attempt < 2; attempt++ {
		u, err := scanUser(d.queryRow(ctx, d.db, `SELECT `+userColumns+` FROM users WHERE external_issuer = $1 AND external_subject = $2`, issuer, subject))
		if err == nil {
			if (email != "" && email != u.Email) || (username != "" && username != u.Username) {
				d.exec(ctx, d.db, `UPDATE users SET username = $1 WHERE id = $2`, coalesce(username, u.Username), u.ID)
				u.Username = coalesce(username, u.Username)
			}
			return u, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return User{}, fmt.Errorf("store: external user: %w", err)
		}
		// The email column is unique among built-in accounts; an external
		// identity with the same email gets its own account without it.
		_, err = d.exec(ctx, d.db, `INSERT INTO users (id, username, external_issuer, external_subject, created_at) VALUES ($1, $2, $3, $4, $5)`,
			newID, coalesce(username, email), issuer, subject, Time{Now()})
		if err != nil && !isUniqueViolation(err) {
			return User{}, fmt.Errorf("store: create external user: %w", err)
		}
		// Created, or created concurrently by another request: read it back.
	}
	return User{}, fmt.Errorf("store: external user %s: %w", subject, ErrConflict)
}

func coalesce(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// RevokeTokens raises the user's token generation, so that every token
// issued to the user before is refused; it returns the new generation.
func (d *DB) RevokeTokens(ctx context.Context, userID string) (int, error) {
	var gen int
	err := d.queryRow(ctx, d.db, `UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation`, userID).Scan(&gen)
	if err != nil {
		return 0, notFound(err, "user "+userID)
	}
	return gen, nil
}

// SetPassword replaces the user's password hash and revokes the user's
// tokens; it returns the user as it now is.
func (d *DB) SetPassword(ctx context.Context, userID, hash string) (User, error) {
	u, err := scanUser(d.queryRow(ctx, d.db, `UPDATE users SET password_hash = $1, token_generation = token_generation + 1 WHERE id = $2 RETURNING `+userColumns, hash, userID))
	return u, notFound(err, "user "+userID)
}
