package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrQueueTimeout means a run waited for a worker longer than
// Config.MaxQueueWait.
var ErrQueueTimeout = errors.New("sandbox: no worker became free in time")

// LimitError means the client already has as many runs as it may have, or
// has used its budget of worker time; it may try again after RetryAfter.
type LimitError struct {
	Reason     string // "runs" or "budget"
	RetryAfter time.Duration
}

func (e *LimitError) Error() string {
	if e.Reason == "runs" {
		return "sandbox: too many runs in progress for this client"
	}
	return fmt.Sprintf("sandbox: this client's budget of worker time is used up; retry in %s", e.RetryAfter.Round(time.Second))
}

// fairQueue hands free worker slots to waiting runs round-robin across
// clients, each client getting as many runs per turn as its share. A
// client's backlog therefore delays another client's run by at most the
// runs already on the workers.
type fairQueue struct {
	mu    sync.Mutex
	free  int
	lines map[string]*clientLine
	ring  []*clientLine // clients with waiting runs, in turn order
	turn  int           // the client being served
}

type clientLine struct {
	key     string
	share   int
	credit  int // runs left in its current turn
	tickets []*ticket
}

type ticket struct {
	ready   chan struct{}
	granted bool
}

func newFairQueue(slots int) *fairQueue {
	return &fairQueue{free: slots, lines: map[string]*clientLine{}}
}

// acquire waits for a worker slot for a run of client key. It returns
// ctx.Err() or ErrQueueTimeout if it gave up.
func (q *fairQueue) acquire(ctx context.Context, key string, share int, maxWait time.Duration) error {
	q.mu.Lock()
	if q.free > 0 && len(q.ring) == 0 {
		q.free--
		q.mu.Unlock()
		return nil
	}
	t := &ticket{ready: make(chan struct{})}
	line := q.lines[key]
	if line == nil {
		line = &clientLine{key: key, share: max(share, 1)}
		q.lines[key] = line
		q.ring = append(q.ring, line)
	}
	line.tickets = append(line.tickets, t)
	q.dispatch()
	q.mu.Unlock()
	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	var err error
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = ErrQueueTimeout
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if t.granted { // granted as we gave up: pass the slot on
		q.free++
		q.dispatch()
		return err
	}
	for i, x := range line.tickets {
		if x == t {
			line.tickets = append(line.tickets[:i], line.tickets[i+1:]...)
			break
		}
	}
	if len(line.tickets) == 0 {
		q.drop(line)
	}
	return err
}

// release returns a slot.
func (q *fairQueue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.free++
	q.dispatch()
}

// waiting counts the runs and the clients waiting.
func (q *fairQueue) waiting() (runs, clients int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, l := range q.ring {
		runs += len(l.tickets)
	}
	return runs, len(q.ring)
}

func (q *fairQueue) dispatch() {
	for q.free > 0 && len(q.ring) > 0 {
		if q.turn >= len(q.ring) {
			q.turn = 0
		}
		line := q.ring[q.turn]
		if line.credit <= 0 {
			line.credit = line.share
		}
		t := line.tickets[0]
		line.tickets = line.tickets[1:]
		t.granted = true
		close(t.ready)
		q.free--
		line.credit--
		switch {
		case len(line.tickets) == 0:
			q.drop(line)
		case line.credit == 0:
			q.turn++
		}
	}
}

// drop removes a client with no waiting runs from the ring.
func (q *fairQueue) drop(line *clientLine) {
	delete(q.lines, line.key)
	for i, l := range q.ring {
		if l == line {
			q.ring = append(q.ring[:i], q.ring[i+1:]...)
			if i < q.turn {
				q.turn--
			}
			return
		}
	}
}

// admission keeps, per client, the runs it has in progress (running or
// waiting) and its budget of worker time, a bucket of worker-seconds that
// refills at the configured rate: runs are charged for the time they hold
// a worker, however they spend it (sleeping, timing out).
type admission struct {
	mu      sync.Mutex
	runs    int     // per share
	rate    float64 // worker-seconds per second, per share
	burst   float64 // worker-seconds, per share
	clients map[string]*clientUse
}

type clientUse struct {
	active  int
	balance float64
	last    time.Time
}

const maxClients = 100_000

func newAdmission(runs int, perMinute time.Duration) *admission {
	return &admission{runs: runs, rate: perMinute.Seconds() / 60, burst: perMinute.Seconds(), clients: map[string]*clientUse{}}
}

// admit counts a run in for the client, or says why not.
func (a *admission) admit(key string, share int, now time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	share = max(share, 1)
	u := a.refill(key, share, now)
	if u.active >= a.runs*share {
		return &LimitError{Reason: "runs", RetryAfter: time.Second}
	}
	if u.balance <= 0 {
		wait := time.Duration((0.001 - u.balance) / (a.rate * float64(share)) * float64(time.Second))
		return &LimitError{Reason: "budget", RetryAfter: max(wait, time.Second)}
	}
	u.active++
	return nil
}

// done counts a run out and charges it the worker time it held.
func (a *admission) done(key string, share int, held time.Duration, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.refill(key, max(share, 1), now)
	u.active--
	u.balance -= held.Seconds()
}

func (a *admission) refill(key string, share int, now time.Time) *clientUse {
	burst := a.burst * float64(share)
	u, ok := a.clients[key]
	if !ok {
		if len(a.clients) >= maxClients {
			a.forget(now)
		}
		u = &clientUse{balance: burst, last: now}
		a.clients[key] = u
	}
	u.balance = min(burst, u.balance+now.Sub(u.last).Seconds()*a.rate*float64(share))
	u.last = now
	return u
}

// forget drops the clients with nothing running whose budget has refilled
// (forgetting them loses nothing); if that is not enough, any client with
// nothing running (it gets a fresh budget when it comes back).
func (a *admission) forget(now time.Time) {
	for k, u := range a.clients {
		if u.active == 0 && u.balance+now.Sub(u.last).Seconds()*a.rate >= a.burst {
			delete(a.clients, k)
		}
	}
	for k, u := range a.clients {
		if len(a.clients) < maxClients*9/10 {
			return
		}
		if u.active == 0 {
			delete(a.clients, k)
		}
	}
}
