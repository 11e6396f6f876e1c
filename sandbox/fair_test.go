package sandbox

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// grants records the order in which waiting runs get a slot.
func grants(t *testing.T, q *fairQueue, clients []string, shares map[string]int) []string {
	t.Helper()
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := q.acquire(context.Background(), party{client: c, share: shares[c], group: "192.0.2.1"}, time.Minute); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, c)
			mu.Unlock()
		}()
		for countQueued(q) < i+1 { // queued in this order
			time.Sleep(time.Millisecond)
		}
	}
	for range clients {
		q.release(nil, 0)
		time.Sleep(2 * time.Millisecond)
	}
	wg.Wait()
	return order
}

func countQueued(q *fairQueue) int { n, _ := q.waiting(); return n }

func waitQueued(q *fairQueue, c string) {
	for range 1000 {
		q.mu.Lock()
		_, ok := q.groups[c]
		q.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestFairQueueRoundRobin(t *testing.T) {
	q := newFairQueue(0) // every slot comes from release, one at a time
	order := grants(t, q, []string{"a", "a", "a", "a", "b", "c", "a", "b"}, nil)
	want := []string{"a", "b", "c", "a", "b", "a", "a", "a"}
	if len(order) != len(want) {
		t.Fatalf("got %v", order)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("got order %v, want %v: a backlog must not hold the others back", order, want)
		}
	}
}

func TestFairQueueShares(t *testing.T) {
	q := newFairQueue(0)
	order := grants(t, q, []string{"user", "user", "user", "user", "anon", "anon", "anon"}, map[string]int{"user": 2})
	want := []string{"user", "user", "anon", "user", "user", "anon", "anon"}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("got order %v, want %v", order, want)
		}
	}
}

func TestFairQueueGivingUp(t *testing.T) {
	q := newFairQueue(0)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := q.acquire(ctx, party{client: "a"}, time.Minute); errs <- err }()
	go func() {
		_, err := q.acquire(context.Background(), party{client: "b"}, 20*time.Millisecond)
		errs <- err
	}()
	waitQueued(q, "a")
	cancel()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) && !errors.Is(err, ErrQueueTimeout) {
			t.Fatalf("got %v", err)
		}
	}
	if runs, clients := q.waiting(); runs != 0 || clients != 0 {
		t.Fatalf("%d runs of %d clients still waiting", runs, clients)
	}
	q.release(nil, 0)
	if _, err := q.acquire(context.Background(), party{client: "c"}, time.Second); err != nil {
		t.Fatalf("the released slot was lost: %v", err)
	}
}

func TestAdmission(t *testing.T) {
	now := time.Unix(1000, 0)
	a := newAdmission(2, 10*time.Second) // 2 runs, 10 worker-seconds a minute
	for range 2 {
		if err := a.admit("x", 1, now); err != nil {
			t.Fatal(err)
		}
	}
	var le *LimitError
	if err := a.admit("x", 1, now); !errors.As(err, &le) || le.Reason != "runs" {
		t.Fatalf("third run: got %v, want the runs limit", err)
	}
	if err := a.admit("y", 1, now); err != nil {
		t.Fatalf("another client is not limited: %v", err)
	}
	a.done("x", 1, 8*time.Second, now)
	a.done("x", 1, 8*time.Second, now) // 16 s held: the budget is 6 s in debt
	if err := a.admit("x", 1, now); !errors.As(err, &le) || le.Reason != "budget" || le.RetryAfter < 30*time.Second {
		t.Fatalf("over budget: got %v, want a budget limit with a wait of ≈ 36 s", err)
	}
	if err := a.admit("x", 1, now.Add(37*time.Second)); err != nil {
		t.Fatalf("after the budget refilled: %v", err)
	}
	if err := a.admit("u", 3, now); err != nil {
		t.Fatal(err)
	}
	a.done("u", 3, 25*time.Second, now) // a share of 3 has 30 s
	if err := a.admit("u", 3, now); err != nil {
		t.Fatalf("a larger share has a larger budget: %v", err)
	}
}

// BenchmarkScheduling is what admission and the fair queue add to a run:
// admit, take a slot, give it back, charge the time.
func BenchmarkScheduling(b *testing.B) {
	q := newFairQueue(2)
	a := newAdmission(8, time.Hour)
	ctx := context.Background()
	for b.Loop() {
		now := time.Now()
		if err := a.admit("ip:192.0.2.1", 1, now); err != nil {
			b.Fatal(err)
		}
		g, err := q.acquire(ctx, party{client: "session:1", group: "192.0.2.1"}, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		q.release(g, time.Millisecond)
		a.done("ip:192.0.2.1", 1, time.Millisecond, now)
	}
}

// queueRuns queues n runs of p, each in its own goroutine, and sends each
// one's group to granted when it gets its slot. Runs still waiting when the
// test ends are withdrawn (their goroutines must not outlive it).
func queueRuns(t *testing.T, q *fairQueue, p party, n int, granted chan<- party) {
	t.Helper()
	ctx := t.Context()
	for range n {
		before := countQueued(q)
		go func() {
			if _, err := q.acquire(ctx, p, time.Minute); err != nil {
				if ctx.Err() == nil {
					t.Error(err)
				}
				return
			}
			granted <- p
		}()
		for countQueued(q) == before {
			time.Sleep(time.Millisecond)
		}
	}
}

// serve hands out n slots one at a time, each run holding a worker for
// held, and returns the groups served in order.
func serve(q *fairQueue, n int, held time.Duration, granted <-chan party) []string {
	var order []string
	var last *runGroup
	for range n {
		q.release(last, held)
		p := <-granted
		order = append(order, p.group)
		q.mu.Lock()
		last = q.groups[p.group]
		q.mu.Unlock()
	}
	return order
}

// A heavy group cannot make a newcomer wait for its backlog: however large
// its weight, the newcomer gets the next free slot.
func TestFairQueueNewcomerIsNext(t *testing.T) {
	q := newFairQueue(0)
	granted := make(chan party, 100)
	heavy := party{client: "session:a", group: "203.0.113.7", groupShare: 50}
	queueRuns(t, q, heavy, 20, granted)
	serve(q, 5, 2*time.Second, granted)
	queueRuns(t, q, party{client: "session:v", group: "198.51.100.9"}, 1, granted)
	if got := serve(q, 1, 2*time.Second, granted); got[0] != "198.51.100.9" {
		t.Fatalf("the newcomer waited behind the heavy group's backlog: %v", got)
	}
}

// Two backlogged groups get worker time in proportion to their weights.
func TestFairQueueWeightsWorkerTime(t *testing.T) {
	q := newFairQueue(0)
	granted := make(chan party, 100)
	queueRuns(t, q, party{client: "session:c", group: "class", groupShare: 3}, 40, granted)
	queueRuns(t, q, party{client: "session:o", group: "other", groupShare: 1}, 40, granted)
	served := map[string]int{}
	for _, g := range serve(q, 40, time.Second, granted) {
		served[g]++
	}
	if served["class"] < 28 || served["class"] > 32 {
		t.Fatalf("of 40 equal runs, the group of weight 3 got %d, want ≈ 30 (3:1): %v", served["class"], served)
	}
}

// Inside a group, clients take turns: one client's backlog does not hold
// back another client behind the same address.
func TestFairQueueClientsInsideGroup(t *testing.T) {
	q := newFairQueue(0)
	granted := make(chan party, 100)
	queueRuns(t, q, party{client: "session:a", group: "school"}, 4, granted)
	queueRuns(t, q, party{client: "session:b", group: "school"}, 1, granted)
	var order []string
	for range 5 {
		q.release(nil, 0)
		order = append(order, (<-granted).client)
	}
	if order[1] != "session:b" {
		t.Fatalf("got %v, want session:b second", order)
	}
}
