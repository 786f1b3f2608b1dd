package demo

import (
	"slices"
	"time"
)

// ix is one interaction being generated.
type ix struct {
	at   time.Time
	kind int
}

// lastContactAge is how many days ago an account was last contacted: within the cadence
// for most, well past it for the overdue ones.
func (g *gen) lastContactAge(p *plan) int {
	switch {
	case p.tier == tierKey && p.overdue:
		return 20 + g.r.IntN(41) // 20–60 days: past the 14-day cadence
	case p.tier == tierKey:
		return g.r.IntN(11)
	case p.tier == tierGrowth && p.overdue:
		return 35 + g.r.IntN(56)
	case p.tier == tierGrowth:
		return g.r.IntN(27)
	case p.overdue:
		return 95 + g.r.IntN(106)
	default:
		return g.r.IntN(81)
	}
}

// makeInteractions writes the account's interactions over the past year and returns
// the time of the latest contact (any kind but note), nil when there is none. exec is
// the manager who makes executive visits and holiday greetings.
func (g *gen) makeInteractions(account int64, p *plan, zh bool, owner, backup, exec int64) *time.Time {
	if !g.planInteractions(p) {
		return nil
	}
	slices.SortFunc(g.ixs, func(a, b ix) int { return a.at.Compare(b.at) })

	text := interactionText{&enSummaries, enNextSteps, "the customer"}
	if zh {
		text = interactionText{&zhSummaries, zhNextSteps, "客户"}
	}
	var last *time.Time
	for k := range g.ixs {
		x := &g.ixs[k]
		g.writeInteraction(account, p, x, owner, backup, exec, text)
		if x.kind != kNote && (last == nil || x.at.After(*last)) {
			last = &x.at
		}
	}
	if last != nil {
		t := *last // g.ixs is reused for the next account
		return &t
	}
	return nil
}

// planInteractions fills g.ixs with the account's interactions, when and of which kind
// (unsorted); false when it has none.
func (g *gen) planInteractions(p *plan) bool {
	g.ixs = g.ixs[:0]
	if p.n == 0 {
		return false
	}
	if p.never {
		for range p.n {
			g.ixs = append(g.ixs, ix{g.timeAt(g.r.IntN(365), false), kNote})
		}
	} else {
		// The most recent contact sets the rhythm; every other contact is older.
		L := g.lastContactAge(p)
		anchor := g.timeAt(L, false)
		g.ixs = append(g.ixs, ix{anchor, dailyKinds[weighted(g.r, dailyWeights, 100)]})
		for range p.n - 1 {
			if g.chance(0.06) {
				g.ixs = append(g.ixs, ix{g.timeAt(g.r.IntN(365), false), kNote})
				continue
			}
			t := g.timeAt(L+g.r.IntN(365-L), true)
			if t.After(anchor) {
				t = anchor.Add(-time.Duration(1+g.r.IntN(300)) * time.Minute)
			}
			kind := dailyKinds[weighted(g.r, dailyWeights, 100)]
			switch {
			case p.tier == tierKey && g.chance(0.06):
				kind = kHoliday + g.r.IntN(2) // holiday greeting or executive visit
			case p.tier == tierGrowth && g.chance(0.02):
				kind = kHoliday
			}
			g.ixs = append(g.ixs, ix{t, kind})
		}
	}
	return true
}

// interactionText is the language the interactions of an account are written in.
type interactionText struct {
	summaries *[nKinds][]string
	steps     []string
	customer  string
}

// writeInteraction writes one interaction: its author (the owner, a backup, the
// executive for leaders' kinds), a partner on some visits and meetings, the contacts it
// names, its summary and, for some, a next step.
func (g *gen) writeInteraction(account int64, p *plan, x *ix, owner, backup, exec int64, text interactionText) {
	g.nextInteraction++
	id := g.nextInteraction

	author, partner := owner, int64(0)
	switch {
	case x.kind == kHoliday && p.tier == tierKey, x.kind == kExecVisit:
		author = exec
		if x.kind == kExecVisit {
			partner = owner
		}
	case backup != 0 && g.chance(0.15):
		author = backup
	}
	if (x.kind == kVisit || x.kind == kMeeting) && g.chance(0.2) {
		switch {
		case backup != 0 && backup != author:
			partner = backup
		case exec != author:
			partner = exec
		}
	}
	if partner != 0 && partner != author {
		g.tParticipants.add(id, partner)
	}

	who := text.customer
	if len(g.cs) > 0 && (x.kind != kNote && g.chance(0.92) || x.kind == kNote && g.chance(0.3)) {
		c1 := 0
		if !g.chance(0.35) {
			c1 = g.r.IntN(len(g.cs))
		}
		who = g.cs[c1].name
		g.tIContacts.add(id, g.cs[c1].id)
		if x.kind == kMeeting && len(g.cs) > 1 && g.chance(0.3) {
			c2 := (c1 + 1 + g.r.IntN(len(g.cs)-1)) % len(g.cs)
			g.tIContacts.add(id, g.cs[c2].id)
		}
	}
	list := text.summaries[x.kind]
	summary := fill(list[g.r.IntN(len(list))], who)

	step, due := "", any(nil)
	if x.kind <= kMessage && g.chance(0.3) {
		step = text.steps[g.r.IntN(len(text.steps))]
		due = date(x.at.Add(time.Duration(3+g.r.IntN(19)) * day))
	}
	g.tInteractions.add(id, account, author, kindNames[x.kind], x.at, summary, step, due, x.at)
}

// timeAt is a moment during Chinese office hours (01:00–11:00 UTC) age days ago, moved
// back to Friday when it falls on a weekend and weekdays is set, never after now.
func (g *gen) timeAt(age int, weekdays bool) time.Time {
	d := g.day0.Add(-time.Duration(age) * day)
	if weekdays {
		switch d.Weekday() {
		case time.Saturday:
			if age+1 < 365 {
				d = d.Add(-day)
			}
		case time.Sunday:
			if age+2 < 365 {
				d = d.Add(-2 * day)
			}
		}
	}
	t := d.Add(time.Duration(60+g.r.IntN(600))*time.Minute + time.Duration(g.r.IntN(60))*time.Second)
	if t.After(g.now) {
		t = g.now.Add(-time.Duration(1+g.r.IntN(90)) * time.Minute)
	}
	return t
}
