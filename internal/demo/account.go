package demo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"keyhold/internal/accounts"
)

var (
	channels       = []string{"referral", "trade_show", "inbound", "outbound", "partner"}
	channelWeights = []int{25, 15, 25, 25, 10}
	contactWeights = []int{30, 40, 30} // 2, 3 or 4 contacts
	// annual value ranges by tier, in CNY
	valueRange = [3][2]float64{{500_000, 5_000_000}, {100_000, 800_000}, {10_000, 150_000}}
)

const usdRate = 7 // CNY per USD, near enough for demo values

// contact is what interactions need to know about an account's contacts.
type contact struct {
	id   int64
	name string
}

const day = 24 * time.Hour

// account generates account i (id i+1): the company, its team, contacts, interactions
// and audit history.
func (g *gen) account(i int) {
	id := int64(i + 1)
	p := &g.plans[i]
	reg := &regions[weighted(g.r, g.regionW, g.regionT)]
	ind := &industries[weighted(g.r, g.indW, g.indT)]
	english := reg.english || g.chance(0.12)
	name, domain := g.company(reg, ind, english)

	currency := "CNY"
	if reg.english || (english && g.chance(0.3)) {
		currency = "USD"
	}
	lo, hi := valueRange[p.tier][0], valueRange[p.tier][1]
	value := lo * math.Pow(hi/lo, g.r.Float64())
	size := sizeOf(value)
	if currency == "USD" {
		value /= usdRate
	}
	annual := int64(math.Round(value/1000)) * 1000

	ageDays := 365 + g.r.IntN(7*365+1)
	since := g.day0.Add(-time.Duration(ageDays) * day)
	var renewal any
	if p.tier == tierKey || !g.chance(0.08) {
		// The contract renews on the next anniversary of the first purchase.
		years := g.day0.Year() - since.Year()
		next := since.AddDate(years, 0, 0)
		if !next.After(g.day0) {
			next = since.AddDate(years+1, 0, 0)
		}
		renewal = date(next)
	}
	cadence := accounts.DefaultCadence[accounts.Tier(tierNames[p.tier])]
	var override any
	if p.tier == tierKey && g.chance(0.06) {
		cadence = 7
		if !p.overdue && g.chance(0.5) {
			cadence = 21
		}
		override = cadence
	}

	owner, backup, exec := g.accountTeam(id, p, ageDays)
	g.makeContacts(id, p, reg, english, domain)
	last := g.makeInteractions(id, p, !english, owner, backup, exec)
	var lastAt, due any
	if last != nil {
		lastAt, due = *last, last.Add(time.Duration(cadence)*day)
	}
	g.tAccounts.add(id, name, tierNames[p.tier], "active", ind.name, reg.name,
		channels[weighted(g.r, channelWeights, 100)], annual, currency, date(since), renewal, override,
		owner, lastAt, due, g.now, g.now, string(size))
}

// sizeOf classes a customer by its annual value in CNY: large from 1.5 million, mid from
// 200,000, small below.
func sizeOf(cny float64) accounts.Size {
	switch {
	case cny >= 1_500_000:
		return accounts.SizeLarge
	case cny >= 200_000:
		return accounts.SizeMid
	}
	return accounts.SizeSmall
}

// accountTeam makes an account's team: an owner, usually a backup from the same sales
// team, and for some key accounts the team's manager as executive sponsor; a few accounts
// changed hands (the backup used to own them). It returns the owner, the backup (0 if
// none) and the leader who makes the executive contacts (the sponsor, else the manager).
func (g *gen) accountTeam(id int64, p *plan, ageDays int) (owner, backup, exec int64) {
	owner = g.reps[g.r.IntN(len(g.reps))]
	t := &g.teams[g.teamOf[owner]]
	var sponsor int64
	if !p.single && len(t.reps) > 1 && (p.tier == tierKey || g.chance(0.75)) {
		for backup == 0 || backup == owner {
			backup = t.reps[g.r.IntN(len(t.reps))]
		}
	}
	if p.tier == tierKey && !p.single && g.chance(0.5) {
		sponsor = t.manager
	}
	g.tTeam.add(id, owner, "owner", g.daysAgo(min(ageDays, 30+g.r.IntN(700))))
	// Some accounts changed hands: the backup used to own them and stayed on as backup.
	first := owner
	transferred := backup != 0 && g.chance(0.02)
	if transferred {
		first = backup
	}
	g.audit(g.admin, "account.create", id, 0, first, "owner", "")
	if backup != 0 {
		g.tTeam.add(id, backup, "backup", g.daysAgo(min(ageDays, 7+g.r.IntN(400))))
		joined := backup // the member who joined as backup: the later owner, if it changed hands
		if transferred {
			joined = owner
		}
		g.audit(g.admin, "team.add", id, 0, joined, "backup", "")
	}
	if sponsor != 0 {
		g.tTeam.add(id, sponsor, "executive_sponsor", g.daysAgo(min(ageDays, 30+g.r.IntN(700))))
		g.audit(g.admin, "team.add", id, 0, sponsor, "executive_sponsor", "")
	}
	if transferred {
		g.audit(t.manager, "account.transfer", id, first, owner, "owner", transferReasons[g.r.IntN(len(transferReasons))])
	}

	exec = sponsor
	if exec == 0 {
		exec = t.manager
	}
	return owner, backup, exec
}

func (g *gen) daysAgo(n int) time.Time { return g.now.Add(-time.Duration(n) * day) }

// company makes a distinct company name and an e-mail domain for it.
func (g *gen) company(reg *region, ind *industry, english bool) (name, domain string) {
	city := reg.cities[g.r.IntN(len(reg.cities))]
	for try := 0; ; try++ {
		if english {
			b1, b2 := enBrand1[g.r.IntN(len(enBrand1))], enBrand2[g.r.IntN(len(enBrand2))]
			brand := b1 + " " + b2
			if b1 == b2 || realBrands[brand] {
				continue
			}
			if g.chance(0.25) {
				brand = b1 + strings.ToLower(b2) // "Northwind", "Bluewave"
			}
			base := brand + " " + ind.en[g.r.IntN(len(ind.en))]
			domain = strings.ToLower(strings.ReplaceAll(brand, " ", ""))
			switch {
			case reg.name == "Hong Kong":
				name, domain = base+" Limited", domain+reg.tld
			case reg.name == "Singapore":
				name, domain = base+" Pte. Ltd.", domain+reg.tld
			case g.chance(0.5):
				name, domain = base+" ("+city.py+") Co., Ltd.", domain+".com"
			default:
				name, domain = base, domain+".com"
			}
		} else {
			b1, b2 := zhBrand1[g.r.IntN(len(zhBrand1))], zhBrand2[g.r.IntN(len(zhBrand2))]
			if b1.zh == b2.zh || realBrands[b1.zh+b2.zh] {
				continue
			}
			name = city.zh + b1.zh + b2.zh + ind.zh[g.r.IntN(len(ind.zh))] + zhSuffixes[g.r.IntN(len(zhSuffixes))]
			domain = b1.py + b2.py + []string{".com.cn", ".cn", ".com"}[g.r.IntN(3)]
		}
		if try >= 30 {
			name += " " + strconv.Itoa(try-28) // only on very large datasets
		}
		if !g.usedNames[name] {
			g.usedNames[name] = true
			return name, domain
		}
	}
}

// makeContacts writes the account's contacts and keeps them in g.cs; the first is the
// decision maker.
func (g *gen) makeContacts(account int64, p *plan, reg *region, english bool, domain string) {
	n := g.contactBase() + weighted(g.r, contactWeights, 100)
	if p.oneContact {
		n = 1
	}
	last := enLast
	switch {
	case reg.name == "Hong Kong" && g.chance(0.7):
		last = hkLast
	case reg.name == "Singapore" && g.chance(0.7):
		last = sgLast
	}
	g.cs = g.cs[:0]
	for k := range n {
		var who person
		var title string
		if english {
			who = enPerson(g.r, last)
			title = pickTitle(g, k, enSeniorTitles, enTitles)
		} else {
			who = zhPerson(g.r)
			who.local = strings.ReplaceAll(who.local, ".", "")
			title = pickTitle(g, k, zhSeniorTitles, zhTitles)
		}
		g.nextContact++
		g.tContacts.add(g.nextContact, account, who.name, title, who.local+"@"+domain, g.phone(reg),
			k == 0, g.now, g.now)
		g.cs = append(g.cs, contact{g.nextContact, who.name})
	}
}

func pickTitle(g *gen, k int, senior, others []string) string {
	if k == 0 {
		return senior[g.r.IntN(len(senior))]
	}
	return others[g.r.IntN(len(others))]
}

func (g *gen) phone(reg *region) string {
	switch reg.phone {
	case "+852":
		return fmt.Sprintf("+852 %d%03d %04d", []int{5, 6, 9}[g.r.IntN(3)], g.r.IntN(1000), g.r.IntN(10000))
	case "+65":
		return fmt.Sprintf("+65 %d%03d %04d", 8+g.r.IntN(2), g.r.IntN(1000), g.r.IntN(10000))
	}
	return fmt.Sprintf("+86 1%d%d %04d %04d", []int{3, 5, 8}[g.r.IntN(3)], g.r.IntN(10), g.r.IntN(10000), g.r.IntN(10000))
}

// contactBase is the fewest contacts an account gets: one less than the average asked
// for (Options.Contacts over the accounts; 3 by default), so that accounts have the
// average, one less or one more.
func (g *gen) contactBase() int {
	avg := 3
	if g.o.Contacts > 0 {
		avg = max(2, (g.o.Contacts+g.o.Accounts/2)/g.o.Accounts)
	}
	return avg - 1
}
