package server

import (
	"context"
	"sync"
	"time"

	"github.com/coderemote/coderemote/store"
)

// knownUserTTL is how long the last known state of a signed-in user serves
// to run code while the database cannot be read (docs/security.md).
const knownUserTTL = 10 * time.Minute

// knownUsersMax bounds the users remembered; past it the oldest entries go.
const knownUsersMax = 10000

// knownUsers remembers, per user, the state the database last gave this
// process: with it a correctly signed, unexpired token can still run code
// during a database outage, if the user's token generation was current
// when last seen, at most knownUserTTL ago. Snippet and account routes do
// not use it: they need the database anyway.
type knownUsers struct {
	mu    sync.Mutex
	users map[string]knownUser
}

type knownUser struct {
	user store.User
	seen time.Time
}

func newKnownUsers() *knownUsers { return &knownUsers{users: map[string]knownUser{}} }

// saw records what the database just said of u.
func (k *knownUsers) saw(u store.User, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.users[u.ID]; !ok && len(k.users) >= knownUsersMax {
		k.evictOldest()
	}
	k.users[u.ID] = knownUser{user: u, seen: now}
}

func (k *knownUsers) evictOldest() {
	var oldest string
	var at time.Time
	for id, e := range k.users {
		if oldest == "" || e.seen.Before(at) {
			oldest, at = id, e.seen
		}
	}
	delete(k.users, oldest)
}

// forget drops a user whose tokens were revoked here.
func (k *knownUsers) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.users, id)
}

// lookup returns the user as last seen, if that was at most knownUserTTL
// ago and the token's generation was current then.
func (k *knownUsers) lookup(id string, generation int, now time.Time) (store.User, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.users[id]
	if !ok || now.Sub(e.seen) > knownUserTTL || e.user.TokenGeneration != generation {
		return store.User{}, false
	}
	return e.user, true
}

// forRunning marks a request context whose token authenticates a run of
// code: only such a request may fall back on knownUsers.
type forRunning struct{}

func withRunning(ctx context.Context) context.Context {
	return context.WithValue(ctx, forRunning{}, true)
}

func isRunning(ctx context.Context) bool {
	v, _ := ctx.Value(forRunning{}).(bool)
	return v
}
