package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/coderemote/coderemote/store"
)

func TestRoomLog(t *testing.T) {
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := Now()
			if err := db.CreateRoom(ctx, Room{ID: "r1", OwnerID: "u1", Mode: "open", CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateRoom(ctx, Room{ID: "r1", OwnerID: "u2", Mode: "open", CreatedAt: now}); !errors.Is(err, ErrConflict) {
				t.Fatalf("a second room r1: %v", err)
			}
			for i, kind := range []string{"update", "run", "update"} {
				seq, err := db.AppendRoomEvent(ctx, "r1", RoomEvent{Kind: kind, Member: "m", Data: []byte{byte(i)}, CreatedAt: now}, 100)
				if err != nil || seq != int64(i+1) {
					t.Fatalf("append %d: seq %d, %v", i, seq, err)
				}
			}
			if _, err := db.AppendRoomEvent(ctx, "r1", RoomEvent{Kind: "update", Data: make([]byte, 200), CreatedAt: now}, 100); !errors.Is(err, ErrTooLarge) {
				t.Fatalf("past the log's limit: %v", err)
			}
			events, err := db.RoomEvents(ctx, "r1", 1, 10)
			if err != nil || len(events) != 2 || events[0].Seq != 2 || events[0].Kind != "run" || events[1].Data[0] != 2 {
				t.Fatalf("events after 1: %+v, %v", events, err)
			}
			if err := db.SetRoomSnapshot(ctx, "r1", 2, []byte("doc")); err != nil {
				t.Fatal(err)
			}
			db.SetRoomSnapshot(ctx, "r1", 1, []byte("older")) // ignored: not newer
			if err := db.TouchRoomMembers(ctx, "r1", []RoomMember{{Member: "m", Name: "Ada", ClientID: 7, Conn: "c1"}}, now); err != nil {
				t.Fatal(err)
			}
			members, err := db.RoomMembers(ctx, "r1", now.Add(-time.Minute))
			if err != nil || len(members) != 1 || members[0].Name != "Ada" || members[0].ClientID != 7 {
				t.Fatalf("members: %+v, %v", members, err)
			}
			// The member reconnects (c2); the old connection's leaving keeps it.
			db.TouchRoomMembers(ctx, "r1", []RoomMember{{Member: "m", Name: "Ada", ClientID: 7, Conn: "c2"}}, now)
			if err := db.LeaveRoom(ctx, "r1", "m", "c1"); err != nil {
				t.Fatal(err)
			}
			if members, _ := db.RoomMembers(ctx, "r1", now.Add(-time.Minute)); len(members) != 1 {
				t.Fatalf("a stale connection's leaving removed the member: %+v", members)
			}
			db.LeaveRoom(ctx, "r1", "m", "c2")
			if members, _ := db.RoomMembers(ctx, "r1", now.Add(-time.Minute)); len(members) != 0 {
				t.Fatalf("the member did not leave: %+v", members)
			}
			if err := db.EndRoom(ctx, "r1", now); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AppendRoomEvent(ctx, "r1", RoomEvent{Kind: "update", Data: []byte{9}, CreatedAt: now}, 100); !errors.Is(err, ErrRoomEnded) {
				t.Fatalf("append to an ended room: %v", err)
			}
			r, err := db.Room(ctx, "r1")
			if err != nil || string(r.Snapshot) != "doc" || r.SnapshotSeq != 2 || r.LastSeq != 3 || r.EndedAt.IsZero() {
				t.Fatalf("room: %+v, %v", r, err)
			}
			if n, err := db.ExpireRooms(ctx, now.Add(time.Hour)); err != nil || n != 1 {
				t.Fatalf("expire: %d, %v", n, err)
			}
			if _, err := db.RoomEvents(ctx, "r1", 0, 10); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Room(ctx, "r1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("an expired room: %v", err)
			}
		})
	}
}
