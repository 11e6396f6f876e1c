package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/coderemote/coderemote/store"
)

func TestKnownUsers(t *testing.T) {
	k := newKnownUsers()
	now := time.Now()
	k.saw(store.User{ID: "a", TokenGeneration: 2}, now)
	tests := []struct {
		name string
		id   string
		gen  int
		at   time.Time
		want bool
	}{
		{"current generation, just seen", "a", 2, now, true},
		{"at the end of the grace", "a", 2, now.Add(knownUserTTL), true},
		{"past it", "a", 2, now.Add(knownUserTTL + time.Second), false},
		{"an older generation (revoked)", "a", 1, now, false},
		{"never seen", "b", 0, now, false},
	}
	for _, tt := range tests {
		if _, ok := k.lookup(tt.id, tt.gen, tt.at); ok != tt.want {
			t.Fatalf("%s: got %v", tt.name, ok)
		}
	}
	k.forget("a")
	if _, ok := k.lookup("a", 2, now); ok {
		t.Fatal("a forgotten user is still known")
	}
	for i := range knownUsersMax + 10 {
		k.saw(store.User{ID: fmt.Sprint(i)}, now.Add(time.Duration(i)))
	}
	if len(k.users) != knownUsersMax {
		t.Fatalf("%d users remembered", len(k.users))
	}
	if _, ok := k.lookup("0", 0, now); ok {
		t.Fatal("the oldest entry was kept")
	}
}
