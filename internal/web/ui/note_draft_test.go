package ui

import (
	"strings"
	"testing"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/handover"
	"keyhold/internal/i18n"
	"keyhold/internal/retention"
)

// The transfer note's draft, from the account's record, without HTTP.
func TestNoteDraft(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	ptr := func(s string) *string { return &s }
	renewal := "2026-06-30"
	a := accounts.Account{Name: "Acme", AnnualValue: 120000, Currency: "CNY", RenewalDate: &renewal}
	contacts := []accounts.Contact{{ID: 1}, {ID: 2, DecisionMaker: true}, {ID: 3}, {ID: 4}}
	recent := []accounts.Interaction{
		{Kind: "call", OccurredAt: now.AddDate(0, 0, -1), Summary: "Asked for a quote", NextStep: "Send the quote", NextStepDue: ptr("2026-03-05")},
		{Kind: accounts.KindNote, OccurredAt: now.AddDate(0, 0, -2), Summary: "Prefers WeChat"},
	}
	complaints := []retention.Complaint{{Severity: "high", Summary: "Late delivery", Status: retention.ComplaintOpen},
		{Severity: "low", Summary: "Old", Status: retention.ComplaintResolved}}
	d := noteDraft(i18n.English, now, a, contacts, recent, complaints, handover.Note{})
	if d["key_contact_ids"] != "2" {
		t.Errorf("key contacts %q, want the decision maker only", d["key_contact_ids"])
	}
	for _, want := range []string{"Send the quote", "Late delivery"} {
		if !strings.Contains(d["open_issues"], want) {
			t.Errorf("open issues %q lack %q", d["open_issues"], want)
		}
	}
	if strings.Contains(d["open_issues"], "Old") || !strings.Contains(d["transfer_note"], "Asked for a quote") ||
		!strings.Contains(d["transfer_note"], "Prefers WeChat") || !strings.Contains(d["agreements"], "120,000") {
		t.Errorf("draft %q", d)
	}
	kept := noteDraft(i18n.English, now, a, nil, nil, nil, handover.Note{TransferNote: "Mine", KeyContactIDs: []int64{4}})
	if kept["transfer_note"] != "Mine" || kept["key_contact_ids"] != "4" {
		t.Errorf("what the person wrote must stay: %q", kept)
	}
}
