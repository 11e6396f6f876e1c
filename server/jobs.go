package server

import (
	"sync"
	"time"
)

const (
	jobTTL  = 15 * time.Minute
	maxJobs = 10000
	// maxJobBytes bounds the output the registry keeps: past it, the oldest
	// completed jobs lose their output (their status and result stay).
	maxJobBytes = 64 << 20
)

// jobView is the body of GET /jobs/{id}.
type jobView struct {
	JobID  string           `json:"job_id"`
	Status string           `json:"status"` // queued, running, completed
	Result *ExecutionResult `json:"result,omitempty"`
	// OutputDropped says the result's stdout, stderr and traceback were
	// dropped to keep the server's memory bounded.
	OutputDropped bool `json:"output_dropped,omitempty"`
}

type jobEntry struct {
	view    jobView
	owner   string // user id; empty for anonymous jobs, whose id is their only credential
	created time.Time
	size    int // bytes of output kept
}

// jobRegistry remembers recent jobs so a client that lost its connection can
// fetch a result. It is bounded in age, in count and in the bytes of output
// it keeps.
type jobRegistry struct {
	mu       sync.Mutex
	ttl      time.Duration
	limit    int
	maxBytes int
	bytes    int
	m        map[string]*jobEntry
	order    []string // insertion order, for expiry
}

func newJobRegistry(ttl time.Duration, limit, maxBytes int) *jobRegistry {
	return &jobRegistry{ttl: ttl, limit: limit, maxBytes: maxBytes, m: map[string]*jobEntry{}}
}

// add registers a queued job; it reports false if the id is taken.
func (j *jobRegistry) add(id, owner string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.expire(time.Now())
	if _, taken := j.m[id]; taken {
		return false
	}
	j.m[id] = &jobEntry{view: jobView{JobID: id, Status: "queued"}, owner: owner, created: time.Now()}
	j.order = append(j.order, id)
	return true
}

func (j *jobRegistry) expire(now time.Time) {
	for len(j.order) > 0 {
		id := j.order[0]
		e, ok := j.m[id]
		if ok && len(j.order) <= j.limit && now.Sub(e.created) < j.ttl {
			return
		}
		if ok && e.view.Status != "completed" && len(j.order) <= j.limit {
			return // still running: keep it
		}
		if ok {
			j.bytes -= e.size
		}
		delete(j.m, id)
		j.order = j.order[1:]
	}
}

// shed drops the output of the oldest completed jobs until the output kept
// fits the budget.
func (j *jobRegistry) shed() {
	for _, id := range j.order {
		if j.bytes <= j.maxBytes {
			return
		}
		e, ok := j.m[id]
		if !ok || e.size == 0 || e.view.Result == nil {
			continue
		}
		r := *e.view.Result
		r.Stdout, r.Stderr, r.Traceback = "", "", nil
		e.view.Result, e.view.OutputDropped = &r, true
		j.bytes -= e.size
		e.size = 0
	}
}

func outputSize(r ExecutionResult) int {
	n := len(r.Stdout) + len(r.Stderr)
	if r.Traceback != nil {
		n += len(*r.Traceback)
	}
	return n
}

func (j *jobRegistry) setRunning(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e, ok := j.m[id]; ok {
		e.view.Status = "running"
	}
}

func (j *jobRegistry) complete(id string, res ExecutionResult) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e, ok := j.m[id]; ok {
		e.view.Status = "completed"
		e.view.Result = &res
		e.size = outputSize(res)
		j.bytes += e.size
		j.shed()
	}
}

func (j *jobRegistry) remove(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e, ok := j.m[id]; ok {
		j.bytes -= e.size
		delete(j.m, id)
	}
}

// get returns a job to its owner (anyone, for an anonymous job).
func (j *jobRegistry) get(id, userID string) (jobView, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.m[id]
	if !ok || (e.owner != "" && e.owner != userID) {
		return jobView{}, false
	}
	return e.view, true
}
