package sandbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// fairQueue hands free worker slots to waiting runs in two levels. Runs
// belong to a client (a session or user) inside a group (the client's
// address). Across groups the queue is fair in worker time: each group's
// virtual time is the worker time its runs held divided by its weight, and
// a free slot goes to the waiting group with the least; a group that starts
// waiting joins at the virtual time of the last group served, so a newcomer
// is next, however heavy the others are, and a group of weight 40 gets 40
// times the worker time of a group of weight 1 while both wait. Inside a
// group, slots go round-robin across its clients, each getting as many runs
// per turn as its share. A client's backlog therefore delays another
// group's run by at most the runs already on the workers.
type fairQueue struct {
	mu     sync.Mutex
	free   int
	groups map[string]*runGroup
	active []*runGroup // groups with waiting runs; among equal virtual times, the first is next
	vclock float64     // the virtual time of the group served last
}

// runGroup is one group's place in the queue, kept while it has runs
// waiting or running.
type runGroup struct {
	key     string
	weight  float64
	vtime   float64 // worker-seconds held, divided by weight
	running int
	lines   map[string]*clientLine
	ring    []*clientLine // clients with waiting runs, in turn order
	turn    int           // the client being served
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

// party says whom a run is for: its client and share, its group and the
// group's weight. An empty group makes the client a group of its own.
type party struct {
	client     string
	share      int
	group      string
	groupShare int
}

func newFairQueue(slots int) *fairQueue {
	return &fairQueue{free: slots, groups: map[string]*runGroup{}}
}

// acquire waits for a worker slot for a run of p. It returns the run's
// group, to be given back to release with the worker time the run held, or
// ctx.Err() or ErrQueueTimeout if it gave up.
func (q *fairQueue) acquire(ctx context.Context, p party, maxWait time.Duration) (*runGroup, error) {
	if p.group == "" {
		p.group, p.groupShare = p.client, p.share
	}
	q.mu.Lock()
	g := q.groups[p.group]
	if g == nil {
		g = &runGroup{key: p.group, vtime: q.vclock, lines: map[string]*clientLine{}}
		q.groups[p.group] = g
	}
	g.weight = float64(max(p.groupShare, 1))
	if q.free > 0 && len(q.active) == 0 {
		q.free--
		g.running++
		q.vclock = max(q.vclock, g.vtime)
		q.mu.Unlock()
		return g, nil
	}
	t := &ticket{ready: make(chan struct{})}
	line := g.lines[p.client]
	if line == nil {
		line = &clientLine{key: p.client, share: max(p.share, 1)}
		g.lines[p.client] = line
		g.ring = append(g.ring, line)
	}
	line.tickets = append(line.tickets, t)
	if len(g.ring) == 1 && len(line.tickets) == 1 { // it starts waiting
		g.vtime = max(g.vtime, q.vclock)
		q.active = slices.Insert(q.active, 0, g) // before the groups served at this virtual time
	}
	q.dispatch()
	q.mu.Unlock()
	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	var err error
	select {
	case <-t.ready:
		return g, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = ErrQueueTimeout
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if t.granted { // granted as we gave up: pass the slot on
		q.releaseLocked(g, 0)
		return nil, err
	}
	line.tickets = slices.DeleteFunc(line.tickets, func(x *ticket) bool { return x == t })
	if len(line.tickets) == 0 {
		g.drop(line)
		if len(g.ring) == 0 {
			q.deactivate(g)
		}
	}
	q.forgetIfIdle(g)
	return nil, err
}

// release returns a slot taken for group g (nil: a slot with no run), and
// charges g the worker time its run held.
func (q *fairQueue) release(g *runGroup, held time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.releaseLocked(g, held)
}

func (q *fairQueue) releaseLocked(g *runGroup, held time.Duration) {
	if g != nil {
		g.running--
		g.vtime += held.Seconds() / g.weight
		q.forgetIfIdle(g)
	}
	q.free++
	q.dispatch()
}

// waiting counts the runs and the clients waiting.
func (q *fairQueue) waiting() (runs, clients int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, g := range q.active {
		for _, l := range g.ring {
			runs += len(l.tickets)
		}
		clients += len(g.ring)
	}
	return runs, clients
}

func (q *fairQueue) dispatch() {
	for q.free > 0 && len(q.active) > 0 {
		gi := 0
		for i, g := range q.active {
			if g.vtime < q.active[gi].vtime {
				gi = i
			}
		}
		g := q.active[gi]
		if g.turn >= len(g.ring) {
			g.turn = 0
		}
		line := g.ring[g.turn]
		if line.credit <= 0 {
			line.credit = line.share
		}
		t := line.tickets[0]
		line.tickets = line.tickets[1:]
		t.granted = true
		close(t.ready)
		q.free--
		g.running++
		q.vclock = max(q.vclock, g.vtime)
		line.credit--
		switch {
		case len(line.tickets) == 0:
			g.drop(line)
		case line.credit == 0:
			g.turn++
		}
		// Among groups of equal virtual time, the one served goes last.
		q.active = append(slices.Delete(q.active, gi, gi+1), g)
		if len(g.ring) == 0 {
			q.deactivate(g)
		}
	}
}

// deactivate takes a group with no waiting runs out of the turn order.
func (q *fairQueue) deactivate(g *runGroup) {
	q.active = slices.DeleteFunc(q.active, func(x *runGroup) bool { return x == g })
}

// forgetIfIdle drops a group with nothing waiting or running: when it comes
// back it starts at the current virtual time, as a newcomer.
func (q *fairQueue) forgetIfIdle(g *runGroup) {
	if g.running == 0 && len(g.ring) == 0 && q.groups[g.key] == g {
		delete(q.groups, g.key)
	}
}

// drop removes a client with no waiting runs from its group's ring.
func (g *runGroup) drop(line *clientLine) {
	delete(g.lines, line.key)
	for i, l := range g.ring {
		if l == line {
			g.ring = append(g.ring[:i], g.ring[i+1:]...)
			if i < g.turn {
				g.turn--
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
