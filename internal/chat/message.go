// Package chat writes Keyhold's alerts for chat groups: what an event says, in the
// group's language, with links back into Keyhold (Render), and the request each
// platform's robot takes — WeCom, DingTalk, Feishu, Slack — with its signature (Build),
// and how to read its answer (Accepted). It sends nothing: internal/sender does.
package chat

import (
	"encoding/json"
	"fmt"
	"strings"

	"keyhold/internal/i18n"
	"keyhold/internal/outbox"
)

// Message is an alert before a platform's format: a title, lines of text, a list of
// linked items (a digest's accounts) and where to act.
type Message struct {
	Title  string
	Urgent bool // shown in the platform's warning colour
	Lines  []string
	Items  []Link
	Action Link
}

// Link is a text and the address it opens.
type Link struct {
	Text, URL string
}

// Digest is the data of the Monday digest for one team (or everyone).
type Digest struct {
	TeamManagerID   *int64          `json:"team_manager_id"`
	TeamName        string          `json:"team_name"` // the manager's name; "" for everyone
	Since           string          `json:"since"`     // YYYY-MM-DD, a week before
	NewlyNeglected  []DigestAccount `json:"newly_neglected"`
	NeglectedCount  int             `json:"neglected_count"`
	ValueAtRisk     int64           `json:"value_at_risk"` // on every flagged key account of the team
	Currency        string          `json:"currency"`
	FirstContacts   []FirstContact  `json:"overdue_first_contacts"`
	FirstContactsOf int             `json:"overdue_first_contacts_count"`
}

// DigestAccount is a key account flagged in the digest's week.
type DigestAccount struct {
	AccountID   int64  `json:"account_id"`
	Name        string `json:"name"`
	OwnerName   string `json:"owner_name"`
	ValueAtRisk int64  `json:"value_at_risk"`
}

// FirstContact is an account handed over whose new owner has not contacted it in time.
type FirstContact struct {
	AccountID     int64  `json:"account_id"`
	Name          string `json:"name"`
	SuccessorName string `json:"successor_name"`
	DaysOverdue   int    `json:"days_overdue"`
}

// digestItems is how many accounts of each list a digest names; the counts say the rest.
const digestItems = 10

// Render writes the message of an event for a group reading language l; base is
// Keyhold's address (KEYHOLD_BASE_URL) for the links.
func Render(kind outbox.Kind, data []byte, l i18n.Lang, base string) (Message, error) {
	link := func(path string) string { return strings.TrimRight(base, "/") + path }
	var m Message
	switch kind {
	case outbox.AccountFlagged:
		var f outbox.Flag
		if err := json.Unmarshal(data, &f); err != nil {
			return m, err
		}
		m = Message{Title: l.T("chat.flagged.title", f.AccountName), Urgent: true,
			Lines: []string{l.T("chat.owner", f.OwnerName), l.T("chat.health", l.T("level."+f.Level), f.Score),
				l.T("chat.value_at_risk", l.Money(f.ValueAtRisk, f.Currency))},
			Action: Link{l.T("chat.open_account"), link(fmt.Sprintf("/accounts/%d", f.AccountID))}}
		if f.Neglected {
			m.Lines = append(m.Lines, l.T("chat.neglected"))
		}
	case outbox.HandoverStarted, outbox.HandoverCompleted:
		var h outbox.Handover
		if err := json.Unmarshal(data, &h); err != nil {
			return m, err
		}
		if kind == outbox.HandoverStarted {
			m = Message{Title: l.T("chat.handover_started.title", h.LeavingName), Lines: []string{l.T("chat.handover_started.items", h.Items)},
				Action: Link{l.T("chat.open_handover"), link(fmt.Sprintf("/handovers/%d", h.HandoverID))}}
		} else {
			m = Message{Title: l.T("chat.handover_completed.title", h.LeavingName), Lines: []string{l.T("chat.handover_completed.items", h.Items)},
				Action: Link{l.T("chat.open_report"), link(fmt.Sprintf("/handovers/%d/report", h.HandoverID))}}
		}
	case outbox.ComplaintOpened:
		var c struct {
			Complaint struct {
				AccountID   int64  `json:"account_id"`
				AccountName string `json:"account_name"`
				Severity    string `json:"severity"`
				Summary     string `json:"summary"`
			} `json:"complaint"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			return m, err
		}
		m = Message{Title: l.T("chat.complaint.title", c.Complaint.AccountName), Urgent: c.Complaint.Severity == "high",
			Lines:  []string{l.T("chat.complaint.severity", l.T("severity."+c.Complaint.Severity)), oneLine(c.Complaint.Summary, 300)},
			Action: Link{l.T("chat.open_account"), link(fmt.Sprintf("/accounts/%d", c.Complaint.AccountID))}}
	case outbox.Kind("digest.weekly"):
		var d Digest
		if err := json.Unmarshal(data, &d); err != nil {
			return m, err
		}
		team := l.T("chat.digest.everyone")
		if d.TeamName != "" {
			team = l.T("chat.digest.team", d.TeamName)
		}
		m = Message{Title: l.T("chat.digest.title", team), Urgent: len(d.NewlyNeglected) > 0,
			Lines: []string{l.T("chat.digest.newly", len(d.NewlyNeglected), l.DateString(d.Since)),
				l.T("chat.digest.risk", d.NeglectedCount, l.Money(d.ValueAtRisk, d.Currency)),
				l.T("chat.digest.first_contacts", d.FirstContactsOf)},
			Action: Link{l.T("chat.open_flags"), link("/flags")}}
		for i, a := range d.NewlyNeglected {
			if i == digestItems {
				break
			}
			m.Items = append(m.Items, Link{l.T("chat.digest.account", a.Name, a.OwnerName, l.Money(a.ValueAtRisk, d.Currency)),
				link(fmt.Sprintf("/accounts/%d", a.AccountID))})
		}
		for i, f := range d.FirstContacts {
			if i == digestItems {
				break
			}
			m.Items = append(m.Items, Link{l.T("chat.digest.first_contact", f.Name, f.SuccessorName, f.DaysOverdue),
				link(fmt.Sprintf("/accounts/%d", f.AccountID))})
		}
	case outbox.Kind("chat.test"):
		m = Message{Title: l.T("chat.test.title"), Lines: []string{l.T("chat.test.body")}, Action: Link{l.T("chat.open_keyhold"), link("/")}}
	default:
		return m, fmt.Errorf("no chat message for %s", kind)
	}
	return m, nil
}

// oneLine makes text one line of at most n characters.
func oneLine(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return text
}
