package demo

import (
	crand "crypto/rand"
	"encoding/hex"
	"strconv"
)

const emailDomain = "@keyhold.demo"

// The named demo staff. Extra managers and reps for larger datasets get random names.
var (
	adminPerson   = person{"Alex Morgan", "admin"}
	namedManagers = []person{{"王丽", "wang.li"}, {"Daniel Brooks", "daniel.brooks"}}
	namedReps     = []person{{"张伟", "zhang.wei"}, {"Emily Carter", "emily.carter"}, {"刘洋", "liu.yang"}, {"陈静", "chen.jing"},
		{"Michael Tan", "michael.tan"}, {"李娜", "li.na"}, {"Sarah Lim", "sarah.lim"}, {"赵磊", "zhao.lei"}}
)

const (
	accountsPerRep = 250
	repsPerManager = 8
)

// staff creates the admin, the managers and the sales reps: about one rep per 250
// accounts (at least 8) and one manager per 8 reps (at least 2), reps split evenly into
// one team per manager.
func (g *gen) staff() error {
	nReps := max(8, (g.o.Accounts+accountsPerRep/2)/accountsPerRep)
	nManagers := max(2, (nReps+repsPerManager-1)/repsPerManager)
	names := map[string]bool{}
	emails := map[string]bool{}
	pick := func(named []person, i int) person {
		if i < len(named) {
			return named[i]
		}
		for try := 0; ; try++ {
			var p person
			if g.r.IntN(2) == 0 {
				p = zhPerson(g.r)
			} else {
				p = enPerson(g.r, enLast)
			}
			if !names[p.name] || try > 20 {
				return p
			}
		}
	}
	add := func(p person, role string, manager int64) int64 {
		id := int64(len(g.users) + 1)
		local := p.local
		for n := 2; emails[local]; n++ {
			local = p.local + strconv.Itoa(n)
		}
		names[p.name], emails[local] = true, true
		m := member{id: id, name: p.name, email: local + emailDomain, role: role, manager: manager}
		g.users = append(g.users, m)
		// Every user has a calendar feed token from the start.
		g.tUsers.add(id, m.name, m.email, g.o.PasswordHash, role, "active", nullID(manager), "", 1, g.now, g.now, feedToken())
		g.logins = append(g.logins, Login{Role: role, Name: m.name, Email: m.email})
		return id
	}
	g.admin = add(adminPerson, "admin", 0)
	for i := range nManagers {
		g.teams = append(g.teams, team{manager: add(pick(namedManagers, i), "manager", 0)})
	}
	for i := range nReps {
		t := i * nManagers / nReps
		id := add(pick(namedReps, i), "sales", g.teams[t].manager)
		g.teams[t].reps = append(g.teams[t].reps, id)
		g.teamOf[id] = t
		g.reps = append(g.reps, id)
	}
	return g.tUsers.flush()
}

// Tiers, in plan.tier.
const (
	tierKey = iota
	tierGrowth
	tierStandard
)

var (
	tierNames  = [3]string{"key", "growth", "standard"}
	tierWeight = [3]float64{3, 1, 0.5}
)

// plan is what is decided about an account before it is generated, so that the
// dataset's proportions (overdue, never contacted, single-threaded) hold exactly.
type plan struct {
	tier       int
	never      bool // key account nobody has contacted
	overdue    bool // last contact longer ago than the cadence
	single     bool // key account with an owner only
	oneContact bool // key account with a single contact person
	n          int  // interactions to generate
}

func (g *gen) plan() {
	g.plans = make([]plan, g.o.Accounts)
	var keys []int
	for i := range g.plans {
		p := &g.plans[i]
		switch x := g.r.Float64(); {
		case x < g.o.KeyShare:
			p.tier = tierKey
			keys = append(keys, i)
		case x < g.o.KeyShare+0.30:
			p.tier = tierGrowth
		default:
			p.tier = tierStandard
		}
		if p.tier != tierKey {
			p.overdue = g.chance(0.10)
		}
	}
	// Key accounts: a few never contacted, about 22% overdue, about 15% single-threaded,
	// about 8% with one contact person.
	g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	never := min(len(keys), max(2, len(keys)/150))
	overdue := never + (len(keys)*22+50)/100
	for k, i := range keys {
		g.plans[i].never = k < never
		g.plans[i].overdue = k >= never && k < overdue
	}
	g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	single := max(1, len(keys)*15/100)
	for k, i := range keys {
		g.plans[i].single = k < single
	}
	g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for _, i := range keys[:min(len(keys), max(1, len(keys)*8/100))] {
		g.plans[i].oneContact = true
	}
	g.allocate()
}

// allocate shares the interactions among the accounts, more for higher tiers. An account
// nobody has contacted gets a single internal note.
func (g *gen) allocate() {
	total := g.o.Interactions
	weights := make([]float64, len(g.plans))
	var wsum float64
	var open []int
	for i := range g.plans {
		p := &g.plans[i]
		if p.never {
			if total > 0 {
				p.n = 1
				total--
			}
			continue
		}
		weights[i] = tierWeight[p.tier] * (0.5 + g.r.Float64())
		wsum += weights[i]
		open = append(open, i)
	}
	if len(open) == 0 || total == 0 {
		return
	}
	given := 0
	for _, i := range open {
		n := int(float64(total) * weights[i] / wsum)
		g.plans[i].n += n
		given += n
	}
	for ; given < total; given++ {
		g.plans[open[g.r.IntN(len(open))]].n++
	}
}

// feedToken is a new calendar feed token, as staff makes them.
func feedToken() string {
	b := make([]byte, 20)
	if _, err := crand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}
