package campaigns

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/fault"
	"keyhold/internal/sortkey"
	"keyhold/internal/staff"
)

// Task is one account's task in a campaign: whose it is and whether it is done — by
// whom and when, the first greeting or executive visit in the window by the leader or
// anyone above the owner (as author or participant).
type Task struct {
	CampaignID   int64      `json:"campaign_id"`
	AccountID    int64      `json:"account_id"`
	AccountName  string     `json:"account_name"`
	Tier         string     `json:"tier"`
	OwnerID      int64      `json:"owner_id"`
	OwnerName    string     `json:"owner_name"`
	LeaderID     int64      `json:"leader_id"`
	LeaderName   string     `json:"leader_name"`
	LeaderStatus string     `json:"leader_status"` // active | leaving | departed: a task someone must take over
	Done         bool       `json:"done"`
	DoneAt       *time.Time `json:"done_at,omitempty"`
	DoneBy       *int64     `json:"done_by,omitempty"`
}

// Progress counts tasks done.
type Progress struct {
	Tasks int     `json:"tasks"`
	Done  int     `json:"done"`
	Left  int     `json:"left"`
	Rate  float64 `json:"rate"`
}

func (p *Progress) add(done bool) {
	p.Tasks++
	if done {
		p.Done++
	} else {
		p.Left++
	}
	p.Rate = float64(p.Done) / float64(p.Tasks)
}

// LeaderProgress is one leader's share of a campaign.
type LeaderProgress struct {
	LeaderID     int64  `json:"leader_id"`
	LeaderName   string `json:"leader_name"`
	LeaderStatus string `json:"leader_status"`
	Progress
}

// Detail is a campaign with its progress, by leader, and its tasks (open first).
type Detail struct {
	Campaign
	OwnerName string           `json:"owner_name,omitempty"` // the owner the accounts were chosen by
	Status    string           `json:"status"`               // upcoming | running | ended
	Progress  Progress         `json:"progress"`
	Leaders   []LeaderProgress `json:"leaders"`
	Tasks     []Task           `json:"tasks"`
}

// Summary is a campaign in a list: with its progress.
type Summary struct {
	Campaign
	Status   string   `json:"status"`
	Progress Progress `json:"progress"`
}

// window is a campaign's window as instants: from the first day's start to the end of
// the last, in the service's zone.
func (s *Service) window(c Campaign) (time.Time, time.Time) {
	from, _ := time.ParseInLocation(dateLayout, c.From, s.zone)
	to, _ := time.ParseInLocation(dateLayout, c.To, s.zone)
	return from, to.AddDate(0, 0, 1)
}

// Today is today's date in the service's zone, as windows are read.
func (s *Service) Today() string { return s.now().In(s.zone).Format(dateLayout) }

func (s *Service) status(c Campaign) string {
	switch today := s.Today(); {
	case today < c.From:
		return "upcoming"
	case today > c.To:
		return "ended"
	}
	return "running"
}

// canRead: managers and admins read every campaign; anyone else only one they lead a
// task in.
func (s *Service) canRead(tx *gorm.DB, actor staff.User, id int64) error {
	if actor.CanManage() {
		return nil
	}
	var n int64
	if err := tx.Raw("SELECT COUNT(*) FROM campaign_tasks WHERE campaign_id = ? AND leader_id = ?", id, actor.ID).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return fault.Forbidden("only managers, admins and the campaign's leaders see a campaign")
	}
	return nil
}

// Get is a campaign with its progress and tasks.
func (s *Service) Get(ctx context.Context, actor staff.User, id int64) (Detail, error) {
	db := s.db.Read.WithContext(ctx)
	if err := s.canRead(db, actor, id); err != nil { // before the lookup: a rep learns nothing of others' campaigns
		return Detail{}, err
	}
	var c Campaign
	if err := db.Take(&c, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return Detail{}, fault.NotFound("campaign", id)
	} else if err != nil {
		return Detail{}, fmt.Errorf("campaign: %w", err)
	}
	tasks, err := s.tasks(db, []Campaign{c}, db.Table("campaign_tasks").Select("account_id").Where("campaign_id = ?", id),
		"t.campaign_id = ?", id)
	if err != nil {
		return Detail{}, err
	}
	openFirst(tasks)
	d := Detail{Campaign: c, Status: s.status(c), Tasks: tasks, Leaders: []LeaderProgress{}}
	if c.OwnerID != nil {
		if err := db.Raw("SELECT name FROM users WHERE id = ?", *c.OwnerID).Scan(&d.OwnerName).Error; err != nil {
			return Detail{}, fmt.Errorf("campaign owner: %w", err)
		}
	}
	byLeader := map[int64]*LeaderProgress{}
	for _, t := range tasks {
		d.Progress.add(t.Done)
		l := byLeader[t.LeaderID]
		if l == nil {
			l = &LeaderProgress{LeaderID: t.LeaderID, LeaderName: t.LeaderName, LeaderStatus: t.LeaderStatus}
			byLeader[t.LeaderID] = l
		}
		l.add(t.Done)
	}
	for _, l := range byLeader {
		d.Leaders = append(d.Leaders, *l)
	}
	// Most left first: who has the most still to do.
	sortkey.Sort(d.Leaders, func(l LeaderProgress) string { return l.LeaderName })
	sort.SliceStable(d.Leaders, func(i, j int) bool { return d.Leaders[i].Left > d.Leaders[j].Left })
	return d, nil
}

// List is every campaign, the latest window first, with its progress.
func (s *Service) List(ctx context.Context, actor staff.User) ([]Summary, error) {
	if err := canRun(actor); err != nil {
		return nil, err
	}
	db := s.db.Read.WithContext(ctx)
	var cs []Campaign
	if err := db.Order("to_date DESC, id DESC").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	out := make([]Summary, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	tasks, err := s.tasks(db, cs, db.Table("campaign_tasks").Select("account_id").Where("campaign_id IN ?", ids),
		"t.campaign_id IN ?", ids)
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for i, c := range cs {
		out[i] = Summary{Campaign: c, Status: s.status(c)}
		at[c.ID] = i
	}
	for _, t := range tasks {
		out[at[t.CampaignID]].Progress.add(t.Done)
	}
	return out, nil
}

// MyTask is a task of the reader's, with its campaign.
type MyTask struct {
	Task
	CampaignName string `json:"campaign_name"`
	CampaignKind Kind   `json:"campaign_kind"`
	From         string `json:"from"`
	To           string `json:"to"`
}

// Mine are the reader's tasks in campaigns that have not ended: open ones first, by
// the end of their window, then done ones.
func (s *Service) Mine(ctx context.Context, actor staff.User) ([]MyTask, error) {
	db := s.db.Read.WithContext(ctx)
	var cs []Campaign
	if err := db.Where("to_date >= ? AND id IN (?)", s.Today(),
		db.Table("campaign_tasks").Select("campaign_id").Where("leader_id = ?", actor.ID)).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("my campaigns: %w", err)
	}
	out := []MyTask{}
	if len(cs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cs))
	byID := map[int64]Campaign{}
	for i, c := range cs {
		ids[i] = c.ID
		byID[c.ID] = c
	}
	tasks, err := s.tasks(db, cs, db.Table("campaign_tasks").Select("account_id").Where("leader_id = ? AND campaign_id IN ?", actor.ID, ids),
		"t.leader_id = ? AND t.campaign_id IN ?", actor.ID, ids)
	if err != nil {
		return nil, err
	}
	openFirst(tasks)
	for _, t := range tasks {
		c := byID[t.CampaignID]
		out = append(out, MyTask{Task: t, CampaignName: c.Name, CampaignKind: c.Kind, From: c.From, To: c.To})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Done != b.Done {
			return !a.Done
		}
		return a.To < b.To
	})
	return out, nil
}

// touch is a greeting or executive visit and the people who made it.
type touch struct {
	id     int64
	at     time.Time
	people []int64
}

// tasks loads the tasks matching where (on campaign_tasks t) of the campaigns cs, and
// works out which are done from the touches on their accounts (accountIDs, a subquery)
// within the campaigns' windows. Tasks on deleted accounts are left out.
func (s *Service) tasks(db *gorm.DB, cs []Campaign, accountIDs *gorm.DB, where string, args ...any) ([]Task, error) {
	var tasks []Task
	if err := db.Raw(`SELECT t.campaign_id, t.account_id, a.name AS account_name, a.tier, a.owner_id,
			COALESCE(o.name, '') AS owner_name, t.leader_id, COALESCE(l.name, '') AS leader_name, COALESCE(l.status, '') AS leader_status
		FROM campaign_tasks t JOIN accounts a ON a.id = t.account_id AND a.deleted_at IS NULL
		LEFT JOIN users o ON o.id = a.owner_id LEFT JOIN users l ON l.id = t.leader_id
		WHERE `+where, args...).Scan(&tasks).Error; err != nil {
		return nil, fmt.Errorf("campaign tasks: %w", err)
	}
	first, last := s.window(cs[0])
	windows := map[int64][2]time.Time{}
	for _, c := range cs {
		f, l := s.window(c)
		windows[c.ID] = [2]time.Time{f, l}
		first, last = minTime(first, f), maxTime(last, l)
	}
	touches, err := touchesOn(db, accountIDs, first, last)
	if err != nil {
		return nil, err
	}
	o, err := loadOrg(db)
	if err != nil {
		return nil, err
	}
	for i := range tasks {
		t := &tasks[i]
		w := windows[t.CampaignID]
		for _, x := range touches[t.AccountID] { // in time order: the first that counts
			if x.at.Before(w[0]) || !x.at.Before(w[1]) {
				continue
			}
			if by, ok := counts(o, x.people, t.LeaderID, t.OwnerID); ok {
				at := x.at
				t.Done, t.DoneAt, t.DoneBy = true, &at, &by
				break
			}
		}
	}
	return tasks, nil
}

// openFirst orders tasks for reading: open ones first, each part by account name
// (pinyin for Chinese). The list of campaigns, which only counts, leaves this out.
func openFirst(tasks []Task) {
	sortkey.Sort(tasks, func(t Task) string { return t.AccountName })
	sort.SliceStable(tasks, func(i, j int) bool { return !tasks[i].Done && tasks[j].Done })
}

// counts reports whether one of the people of a touch does the task: the leader, or
// anyone above the owner.
func counts(o org, people []int64, leader, owner int64) (int64, bool) {
	for _, p := range people {
		if p == leader || o.above(p, owner) {
			return p, true
		}
	}
	return 0, false
}

// touchesOn loads the greetings and executive visits on the accounts of the subquery
// between from and to, with their authors and participants, by account in time order.
func touchesOn(db *gorm.DB, accountIDs *gorm.DB, from, to time.Time) (map[int64][]touch, error) {
	var rows []struct {
		ID         int64
		AccountID  int64
		AuthorID   int64
		OccurredAt time.Time
	}
	q := db.Table("interactions").Select("id, account_id, author_id, occurred_at").
		Where("account_id IN (?) AND kind IN ? AND occurred_at >= ? AND occurred_at < ?", accountIDs, Touches, from.UTC(), to.UTC())
	if err := q.Order("occurred_at, id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("campaign touches: %w", err)
	}
	var parts []struct{ InteractionID, UserID int64 }
	if len(rows) > 0 {
		if err := db.Table("interaction_participants").Select("interaction_id, user_id").
			Where("interaction_id IN (?)", db.Table("interactions").Select("id").
				Where("account_id IN (?) AND kind IN ? AND occurred_at >= ? AND occurred_at < ?", accountIDs, Touches, from.UTC(), to.UTC())).
			Scan(&parts).Error; err != nil {
			return nil, fmt.Errorf("campaign touch participants: %w", err)
		}
	}
	with := map[int64][]int64{}
	for _, p := range parts {
		with[p.InteractionID] = append(with[p.InteractionID], p.UserID)
	}
	out := map[int64][]touch{}
	for _, r := range rows {
		out[r.AccountID] = append(out[r.AccountID], touch{id: r.ID, at: r.OccurredAt, people: append([]int64{r.AuthorID}, with[r.ID]...)})
	}
	return out, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
