package accounts

import (
	"context"
	"slices"
	"testing"
	"time"

	"keyhold/internal/staff"
)

// What a handoff changes, decided before any statement runs: owners move (the old one
// stays as backup), successors join or change role, and the person leaving leaves.
func TestPlanHandoff(t *testing.T) {
	const leaver, backup, newcomer = 1, 2, 3
	ownerOf := map[int64]int64{10: leaver, 11: leaver, 12: 9, 13: 9}
	team := map[member]TeamRole{
		{10, leaver}: RoleOwner, {10, backup}: RoleBackup, // 10: the backup takes over
		{11, leaver}: RoleOwner,                            // 11: someone new takes over
		{12, 9}:      RoleOwner, {12, leaver}: RoleSupport, // 12: the newcomer takes the leaver's support role
		{13, 9}: RoleOwner, {13, leaver}: RoleBackup, {13, backup}: RoleSupport, // 13: the backup moves up to backup
	}
	moves := []Handoff{{10, RoleOwner, backup}, {11, RoleOwner, newcomer}, {12, RoleSupport, newcomer}, {13, RoleBackup, backup}}
	p, err := planHandoff(context.Background(), handoffContext{actor: staff.User{ID: 5}, from: leaver, now: time.Now()},
		moves, ownerOf, team)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.demote, []int64{10, 11}) || !slices.Equal(p.promote[backup], []int64{10}) ||
		!slices.Equal(p.moved[backup], []int64{10}) || !slices.Equal(p.moved[newcomer], []int64{11}) {
		t.Errorf("owners: demote %v, promote %v, moved %v", p.demote, p.promote, p.moved)
	}
	var joined []member
	for _, j := range p.joins {
		joined = append(joined, member{j.AccountID, j.UserID})
	}
	if !slices.Equal(joined, []member{{11, newcomer}, {12, newcomer}}) {
		t.Errorf("joins %v, want the newcomer on 11 (owner) and 12 (support)", joined)
	}
	if got := p.regroup[roleChange{backup, RoleBackup}]; !slices.Equal(got, []int64{13}) {
		t.Errorf("regroup %v, want the backup to become backup on 13", p.regroup)
	}
	// The leaver leaves all four teams (as backup on 10 and 11, now that they moved).
	if !slices.Equal(p.leave, []int64{10, 11, 12, 13}) {
		t.Errorf("leave %v, want 10–13", p.leave)
	}
	if n := p.log.Len(); n != 2+1+1+4 {
		t.Errorf("%d audit entries, want 8 (2 transfers, 1 joining, 1 role change, 4 leavings)", n)
	}
}

// The person leaving cannot leave a team they still own.
func TestPlanHandoffRefusesToLeaveAnOwnedAccount(t *testing.T) {
	ownerOf := map[int64]int64{10: 1}
	team := map[member]TeamRole{{10, 1}: RoleOwner}
	_, err := planHandoff(context.Background(), handoffContext{from: 1, now: time.Now()},
		[]Handoff{{10, RoleOwner, 0}}, ownerOf, team)
	if err == nil {
		t.Fatal("a handoff left account 10 without its owner")
	}
}
