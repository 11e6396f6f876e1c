package server

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/coderemote/coderemote/store/storetest"
)

// roomLoadEnv makes the test binary a room load generator (a child of
// BenchmarkRoomLoad), so that the server's CPU is measured apart from the
// clients'.
const roomLoadEnv = "CODEREMOTE_ROOM_LOAD"

// roomLoadResult is what the load generator reports.
type roomLoadResult struct {
	Edits      int     `json:"edits"`    // updates sent
	Complete   int     `json:"complete"` // updates every other client received
	P50MS      float64 `json:"p50_ms"`   // time for an edit to reach every other client
	P99MS      float64 `json:"p99_ms"`
	Runs       int     `json:"runs"` // runs whose output reached every client
	WallSecond float64 `json:"wall_seconds"`
}

// BenchmarkRoomLoad: one room of 40 clients, each typing 5 updates a second
// (and moving its cursor once a second), one of them running a program
// every 3 seconds, for 20 s, on the real server (SQLite store, real
// sandbox); the clients run in another process. It reports the median and
// 99th percentile of the time an edit takes to reach all 39 others, the
// server process's CPU (cores busy) and its peak resident memory.
func BenchmarkRoomLoad(b *testing.B) {
	db := storetest.SQLite(b, b.TempDir())
	p := newPool(b, sandboxConfig(2, 64))
	s := New(Config{Auth: AuthConfig{Secret: testSecret}, ExecuteRate: 1 << 20, ExecuteBurst: 1 << 20, WSPerIP: 1000},
		discardLog(), Deps{Runner: p, Store: db})
	srv := httptest.NewServer(s)
	b.Cleanup(srv.Close)
	owner := registerUser(b, s, "load@example.com")
	_, m, _ := call(b, s, "POST", "/rooms", owner, "")
	id, _ := m["id"].(string)
	if id == "" {
		b.Fatalf("POST /rooms: %v", m)
	}
	// One load of 20 s, whatever -benchtime says.
	var res roomLoadResult
	before := selfCPU()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), roomLoadEnv+"="+srv.URL+" "+id+" 40 20s")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("load generator: %v", err)
	}
	cpu := selfCPU() - before
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("load generator said %q", out)
	}
	for b.Loop() {
	}
	b.ReportMetric(res.P50MS, "p50-ms")
	b.ReportMetric(res.P99MS, "p99-ms")
	b.ReportMetric(float64(res.Complete)/float64(max(1, res.Edits)), "delivered")
	b.ReportMetric(cpu.Seconds()/res.WallSecond, "server-cores")
	b.ReportMetric(float64(peakRSS())/(1<<20), "server-peak-MiB")
	b.ReportMetric(float64(res.Runs), "runs")
	b.ReportMetric(0, "ns/op")
}

// selfCPU is this process's CPU time (not its children's: the sandbox
// workers and the load generator are children).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is this process's peak resident memory.
func peakRSS() int {
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb << 10
		}
	}
	return 0
}

func init() {
	if spec := os.Getenv(roomLoadEnv); spec != "" {
		os.Exit(roomLoad(spec))
	}
}

// roomLoad runs the clients: "URL ROOM CLIENTS DURATION". Each update
// carries its sender, number and send time; every client notes when each
// arrives.
func roomLoad(spec string) int {
	f := strings.Fields(spec)
	n, _ := strconv.Atoi(f[2])
	dur, _ := time.ParseDuration(f[3])
	url := "ws" + strings.TrimPrefix(f[0], "http") + "/rooms/" + f[1] + "/ws"
	type key struct{ from, seq uint32 }
	var mu sync.Mutex
	reached := map[key][]time.Duration{}
	runsSeen := map[int64]int{}
	ctx, cancel := context.WithTimeout(context.Background(), dur+10*time.Second)
	defer cancel()
	conns := make([]*websocket.Conn, n)
	for i := range n {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			return 1
		}
		c.SetReadLimit(64 << 20)
		hello, _ := json.Marshal(map[string]any{"type": "hello", "name": fmt.Sprintf("client %d", i), "client_id": i + 1})
		c.Write(ctx, websocket.MessageText, hello)
		conns[i] = c
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, data, err := c.Read(ctx)
				if err != nil {
					return
				}
				var msg roomMessage
				if json.Unmarshal(data, &msg) != nil {
					continue
				}
				switch msg.Type {
				case "update":
					b, _ := base64.StdEncoding.DecodeString(msg.Data)
					if len(b) < 16 {
						continue
					}
					sent := time.Unix(0, int64(binary.LittleEndian.Uint64(b[8:16])))
					k := key{binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint32(b[4:8])}
					mu.Lock()
					reached[k] = append(reached[k], time.Since(sent))
					mu.Unlock()
				case "run":
					mu.Lock()
					runsSeen[msg.Seq]++
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(time.Second) // everyone's welcome
	start := time.Now()
	edits := 0
	var sendMu sync.Mutex
	var senders sync.WaitGroup
	for i, c := range conns {
		senders.Add(1)
		go func() {
			defer senders.Done()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			seq := uint32(0)
			for time.Since(start) < dur {
				<-tick.C
				seq++
				b := make([]byte, 40) // a keystroke's Yjs update is 20–40 bytes
				binary.LittleEndian.PutUint32(b[0:4], uint32(i))
				binary.LittleEndian.PutUint32(b[4:8], seq)
				binary.LittleEndian.PutUint64(b[8:16], uint64(time.Now().UnixNano()))
				msg, _ := json.Marshal(map[string]any{"type": "update", "data": base64.StdEncoding.EncodeToString(b)})
				if c.Write(ctx, websocket.MessageText, msg) != nil {
					return
				}
				sendMu.Lock()
				edits++
				sendMu.Unlock()
				if seq%5 == 0 {
					aw, _ := json.Marshal(map[string]any{"type": "awareness", "data": base64.StdEncoding.EncodeToString(b[:24])})
					c.Write(ctx, websocket.MessageText, aw)
				}
				if i == 0 && seq%15 == 0 {
					run, _ := json.Marshal(map[string]any{"type": "run", "code": "print(sum(range(10**5)))"})
					c.Write(ctx, websocket.MessageText, run)
				}
			}
		}()
	}
	senders.Wait()
	wall := time.Since(start)
	time.Sleep(2 * time.Second) // the last updates arrive
	cancel()
	for _, c := range conns {
		c.CloseNow()
	}
	wg.Wait()
	var full []time.Duration
	for _, lat := range reached {
		if len(lat) == n-1 {
			full = append(full, slices.Max(lat))
		}
	}
	slices.Sort(full)
	res := roomLoadResult{Edits: edits, Complete: len(full), WallSecond: wall.Seconds()}
	if len(full) > 0 {
		res.P50MS = float64(full[len(full)/2].Microseconds()) / 1000
		res.P99MS = float64(full[len(full)*99/100].Microseconds()) / 1000
	}
	for _, c := range runsSeen {
		if c == n {
			res.Runs++
		}
	}
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}
