// Package scorecard assesses sales reps on what keeps key accounts (业务员考核): contact
// and visit cadences kept, key accounts covered by a backup, customer records complete,
// next steps set and met, first contacts after handovers made on time, complaints
// resolved within a week. Every figure is counted per account, so each links to the
// accounts behind it. Definitions: docs/reports.md, "Rep scorecard".
package scorecard

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/sortkey"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

const dateLayout = check.DateLayout

// The figures of a scorecard, in the order the page shows them.
const (
	KeyCadence       = "key_cadence"       // days of the period key accounts were within their contact cadence
	Visits           = "visits"            // key accounts due a visit in the period, visited in it
	Coverage         = "coverage"          // key accounts with an active backup (today)
	ContactsComplete = "contacts_complete" // contacts with a title and a phone or e-mail (today)
	DecisionMakers   = "decision_makers"   // accounts with a decision maker among their contacts (today)
	Summaries        = "summaries"         // the rep's interactions in the period with a summary
	NextStepsSet     = "next_steps_set"    // the rep's contacts in the period that set a next step
	NextStepsMet     = "next_steps_met"    // next steps falling due in the period followed by a contact by then
	FirstContacts    = "first_contacts"    // handed-over accounts first contacted by the rep on time
	Complaints       = "complaints"        // complaints opened in the period resolved within 7 days
)

// Figures are the scorecard's figures in order.
var Figures = []string{KeyCadence, Visits, Coverage, ContactsComplete, DecisionMakers, Summaries, NextStepsSet,
	NextStepsMet, FirstContacts, Complaints}

// ComplaintDays is how soon a complaint must be resolved.
const ComplaintDays = 7

// MaxDays is the longest period a scorecard covers.
const MaxDays = 366

// Figure is met of of, and their rate (absent when there was nothing to count).
type Figure struct {
	Met  int      `json:"met"`
	Of   int      `json:"of"`
	Rate *float64 `json:"rate"`
}

func (f *Figure) add(met, of int) {
	f.Met += met
	f.Of += of
}

func (f *Figure) finish() {
	f.Rate = nil
	if f.Of > 0 {
		r := float64(f.Met) / float64(f.Of)
		f.Rate = &r
	}
}

// Row is one rep's scorecard: each figure, their mean (the score) and the rep's rank by it.
type Row struct {
	UserID  int64             `json:"user_id"`
	Name    string            `json:"name"`
	Rank    int               `json:"rank"`
	Score   *float64          `json:"score"` // the mean of the figures with something to count
	Figures map[string]Figure `json:"figures"`
}

// Report is the scorecard of every rep for a period, best score first.
type Report struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Figures []string `json:"figure_order"`
	Data    []Row    `json:"data"`
	Total   Row      `json:"total"`
}

// AccountLine is one account behind a rep's figure: how much of it was met there.
type AccountLine struct {
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	Tier      string `json:"tier"`
	Met       int    `json:"met"`
	Of        int    `json:"of"`
}

// Behind is the accounts behind one rep's figure, those that fell short first.
type Behind struct {
	From   string        `json:"from"`
	To     string        `json:"to"`
	UserID int64         `json:"user_id"`
	Name   string        `json:"name"`
	Figure string        `json:"figure"`
	Total  Figure        `json:"total"`
	Data   []AccountLine `json:"data"`
}

// Service computes scorecards.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Service.
func New(db *store.DB, now func() time.Time) *Service { return &Service{db: db, now: now} }

// period checks from and to (defaults: the 90 days to today) and answers the period's
// instants: its start, and its end — the day after to, or now if sooner.
func (s *Service) period(from, to string) (string, string, time.Time, time.Time, error) {
	now := s.now().UTC()
	if to == "" {
		to = now.Format(dateLayout)
	}
	bad := fault.Collect{}
	t1, okTo := check.Date(bad, "to", to)
	if from == "" && okTo {
		from = t1.AddDate(0, 0, -89).Format(dateLayout)
	}
	t0, okFrom := check.Date(bad, "from", from)
	switch {
	case okFrom && okTo && t1.Before(t0):
		bad.Add("from", "must not be after to")
	case okFrom && okTo && t1.Sub(t0) >= MaxDays*24*time.Hour:
		bad.Add("from", "must be within a year of to")
	}
	if err := bad.Err(); err != nil {
		return "", "", time.Time{}, time.Time{}, err
	}
	end := t1.AddDate(0, 0, 1)
	if now.Before(end) {
		end = now
	}
	return from, to, t0, end, nil
}

func canRead(actor staff.User) error {
	if !actor.CanManage() {
		return fault.Forbidden("only managers and admins read reports")
	}
	return nil
}

// Scorecards is every rep's scorecard for the period: the active and leaving sales reps,
// and anyone else who owns an active account.
func (s *Service) Scorecards(ctx context.Context, actor staff.User, from, to string) (Report, error) {
	if err := canRead(actor); err != nil {
		return Report{}, err
	}
	from, to, t0, t1, err := s.period(from, to)
	if err != nil {
		return Report{}, err
	}
	c, err := s.count(ctx, 0, t0, t1)
	if err != nil {
		return Report{}, err
	}
	out := Report{From: from, To: to, Figures: Figures, Data: []Row{}, Total: Row{Name: "total", Figures: map[string]Figure{}}}
	for _, u := range c.people {
		row := Row{UserID: u.ID, Name: u.Name, Figures: map[string]Figure{}}
		var sum float64
		n := 0
		for _, name := range Figures {
			var f Figure
			for _, mo := range c.tally[u.ID][name] {
				f.add(mo[0], mo[1])
			}
			t := out.Total.Figures[name]
			t.add(f.Met, f.Of)
			out.Total.Figures[name] = t
			f.finish()
			if f.Rate != nil {
				sum += *f.Rate
				n++
			}
			row.Figures[name] = f
		}
		if n > 0 {
			score := sum / float64(n)
			row.Score = &score
		}
		out.Data = append(out.Data, row)
	}
	for _, name := range Figures {
		t := out.Total.Figures[name]
		t.finish()
		out.Total.Figures[name] = t
	}
	sortkey.Sort(out.Data, func(r Row) string { return r.Name })
	sort.SliceStable(out.Data, func(i, j int) bool {
		a, b := out.Data[i].Score, out.Data[j].Score
		if (a == nil) != (b == nil) {
			return b == nil
		}
		return a != nil && *a > *b
	})
	for i := range out.Data {
		if out.Data[i].Score != nil {
			out.Data[i].Rank = i + 1
		}
	}
	return out, nil
}

// Accounts is the accounts behind one rep's figure for the period.
func (s *Service) Accounts(ctx context.Context, actor staff.User, userID int64, figure, from, to string) (Behind, error) {
	if err := canRead(actor); err != nil {
		return Behind{}, err
	}
	bad := fault.Collect{}
	if userID <= 0 {
		bad.Add("user_id", "must be a user's id")
	}
	if !slices.Contains(Figures, figure) {
		bad.Add("figure", "must be one of the scorecard's figures")
	}
	if err := bad.Err(); err != nil {
		return Behind{}, err
	}
	from, to, t0, t1, err := s.period(from, to)
	if err != nil {
		return Behind{}, err
	}
	c, err := s.count(ctx, userID, t0, t1)
	if err != nil {
		return Behind{}, err
	}
	i := slices.IndexFunc(c.people, func(p person) bool { return p.ID == userID })
	if i < 0 {
		return Behind{}, fault.NotFound("rep", userID)
	}
	out := Behind{From: from, To: to, UserID: userID, Name: c.people[i].Name, Figure: figure, Data: []AccountLine{}}
	for id, mo := range c.tally[userID][figure] {
		a := c.accounts[id]
		out.Data = append(out.Data, AccountLine{AccountID: id, Name: a.Name, Tier: a.Tier, Met: mo[0], Of: mo[1]})
		out.Total.add(mo[0], mo[1])
	}
	out.Total.finish()
	sortkey.Sort(out.Data, func(l AccountLine) string { return l.Name })
	sort.SliceStable(out.Data, func(i, j int) bool { return out.Data[i].Of-out.Data[i].Met > out.Data[j].Of-out.Data[j].Met })
	return out, nil
}

// person is a rep the scorecard is for.
type person struct {
	ID   int64
	Name string
}

// account is an active account as the scorecard reads it.
type account struct {
	ID            int64
	Name          string
	Tier          string
	OwnerID       int64
	CustomerSince string
	Cadence       int
	VisitDays     sql.NullInt64
}

// counts is what count found: per rep, per figure, per account, met and of.
type counts struct {
	people   []person
	accounts map[int64]account
	tally    map[int64]map[string]map[int64]*[2]int
}

func (c *counts) add(user int64, figure string, account int64, met, of int) {
	byFigure := c.tally[user]
	if byFigure == nil {
		byFigure = map[string]map[int64]*[2]int{}
		c.tally[user] = byFigure
	}
	byAccount := byFigure[figure]
	if byAccount == nil {
		byAccount = map[int64]*[2]int{}
		byFigure[figure] = byAccount
	}
	mo := byAccount[account]
	if mo == nil {
		mo = &[2]int{}
		byAccount[account] = mo
	}
	mo[0] += met
	mo[1] += of
}

// count reads the period [t0, t1) and tallies every figure (only user's, when not 0).
func (s *Service) count(ctx context.Context, user int64, t0, t1 time.Time) (*counts, error) {
	db := s.db.Read.WithContext(ctx)
	c := &counts{accounts: map[int64]account{}, tally: map[int64]map[string]map[int64]*[2]int{}}
	ownerIs := func(col string) (string, []any) {
		if user == 0 {
			return "", nil
		}
		return " AND " + col + " = ?", []any{user}
	}
	w, args := ownerIs("a.owner_id")
	var list []account
	if err := db.Raw(`SELECT a.id, a.name, a.tier, a.owner_id, a.customer_since,
			COALESCE(a.cadence_days, p.interval_days, 30) AS cadence, COALESCE(a.visit_days, p.visit_days) AS visit_days
		FROM accounts a LEFT JOIN cadence_policies p ON p.tier = a.tier
		WHERE a.deleted_at IS NULL AND a.status = 'active'`+w, args...).Scan(&list).Error; err != nil {
		return nil, fmt.Errorf("scorecard accounts: %w", err)
	}
	owners := map[int64]bool{}
	for _, a := range list {
		c.accounts[a.ID] = a
		owners[a.OwnerID] = true
	}
	uw, uargs := ownerIs("id")
	var people []struct {
		ID     int64
		Name   string
		Role   string
		Status string
	}
	if err := db.Raw("SELECT id, name, role, status FROM users WHERE 1 = 1"+uw, uargs...).Scan(&people).Error; err != nil {
		return nil, fmt.Errorf("scorecard people: %w", err)
	}
	for _, p := range people {
		if owners[p.ID] || p.Role == string(staff.RoleSales) && p.Status != string(staff.StatusDeparted) {
			c.people = append(c.people, person{ID: p.ID, Name: p.Name})
		}
	}
	if err := s.cadences(db, c, t0, t1, user); err != nil {
		return nil, err
	}
	if err := s.records(db, c, t0, t1, user); err != nil {
		return nil, err
	}
	return c, c.name(db)
}

// name adds the accounts a figure counts that are not among the owners' active ones
// (another's account a rep logged on, an account lost since a handover), for their names.
func (c *counts) name(db *gorm.DB) error {
	var missing []int64
	for _, byFigure := range c.tally {
		for _, byAccount := range byFigure {
			for id := range byAccount {
				if _, ok := c.accounts[id]; !ok {
					c.accounts[id] = account{ID: id}
					missing = append(missing, id)
				}
			}
		}
	}
	for len(missing) > 0 {
		batch := missing[:min(len(missing), 500)]
		missing = missing[len(batch):]
		var list []account
		if err := db.Raw("SELECT id, name, tier FROM accounts WHERE id IN ?", batch).Scan(&list).Error; err != nil {
			return fmt.Errorf("scorecard names: %w", err)
		}
		for _, a := range list {
			c.accounts[a.ID] = a
		}
	}
	return nil
}
