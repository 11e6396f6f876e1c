package server

import (
	"math"
	"strings"
	"sync"
	"time"
)

// Failed sign-ins are limited per account, with back-off: the first
// freeFailures wrong passwords for an account cost nothing, then each one
// locks the account's sign-in for twice as long as the one before (1 s, 2 s,
// 4 s, … up to maxLockout), whatever address or session they come from. A
// correct password signs in only while the account is not locked, and
// clears its count. Accounts that do not exist are tracked the same way, so
// the answers do not tell which exist.
const (
	freeFailures      = 5
	maxLockout        = 15 * time.Minute
	failureMemory     = time.Hour // a count is forgotten this long after its last failure
	maxAccountsWithin = 100_000
)

type signinGuard struct {
	mu       sync.Mutex
	accounts map[string]*signinFailures
}

type signinFailures struct {
	count int
	last  time.Time
	until time.Time // locked until
}

func newSigninGuard() *signinGuard {
	return &signinGuard{accounts: map[string]*signinFailures{}}
}

func accountKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// locked reports how long the account's sign-in stays locked (0: it is not).
func (g *signinGuard) locked(email string, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.accounts[accountKey(email)]
	if f == nil || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// failed counts a wrong password for the account and returns how long it is
// locked now.
func (g *signinGuard) failed(email string, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := accountKey(email)
	f := g.accounts[key]
	if f != nil && now.Sub(f.last) > failureMemory {
		f = nil
	}
	if f == nil {
		if len(g.accounts) >= maxAccountsWithin {
			g.forget(now)
		}
		f = &signinFailures{}
		g.accounts[key] = f
	}
	f.count++
	f.last = now
	if f.count > freeFailures {
		lock := time.Duration(math.Min(float64(maxLockout), float64(time.Second)*math.Pow(2, float64(f.count-freeFailures-1))))
		f.until = now.Add(lock)
		return lock
	}
	return 0
}

// succeeded clears the account's count.
func (g *signinGuard) succeeded(email string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.accounts, accountKey(email))
}

// forget drops counts not added to for failureMemory, then, if memory is
// still full, those not locked now.
func (g *signinGuard) forget(now time.Time) {
	for k, f := range g.accounts {
		if now.Sub(f.last) > failureMemory {
			delete(g.accounts, k)
		}
	}
	for k, f := range g.accounts {
		if len(g.accounts) < maxAccountsWithin*9/10 {
			return
		}
		if !now.Before(f.until) {
			delete(g.accounts, k)
		}
	}
}
