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
			if err := q.acquire(context.Background(), c, shares[c], time.Minute); err != nil {
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
		q.release()
		time.Sleep(2 * time.Millisecond)
	}
	wg.Wait()
	return order
}

func countQueued(q *fairQueue) int { n, _ := q.waiting(); return n }

func waitQueued(q *fairQueue, c string) {
	for range 1000 {
		q.mu.Lock()
		_, ok := q.lines[c]
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
	go func() { errs <- q.acquire(ctx, "a", 1, time.Minute) }()
	go func() { errs <- q.acquire(context.Background(), "b", 1, 20*time.Millisecond) }()
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
	q.release()
	if err := q.acquire(context.Background(), "c", 1, time.Second); err != nil {
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
		if err := q.acquire(ctx, "ip:192.0.2.1", 1, time.Minute); err != nil {
			b.Fatal(err)
		}
		q.release()
		a.done("ip:192.0.2.1", 1, time.Millisecond, now)
	}
}
