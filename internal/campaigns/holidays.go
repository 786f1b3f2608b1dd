package campaigns

import (
	"sort"
	"time"
)

// Holiday is a day on which Chinese (and international) business customs have leaders
// greet their key customers.
type Holiday string

// The holidays the calendar proposes campaigns for.
const (
	SpringFestival Holiday = "spring_festival" // 春节, the first day of the first lunar month
	DragonBoat     Holiday = "dragon_boat"     // 端午, the fifth day of the fifth lunar month
	MidAutumn      Holiday = "mid_autumn"      // 中秋, the fifteenth day of the eighth lunar month
	NewYear        Holiday = "new_year"        // 元旦, 1 January
	Christmas      Holiday = "christmas"       // 25 December
)

// Holidays are the holidays in the order of the calendar's table.
var Holidays = []Holiday{SpringFestival, DragonBoat, MidAutumn, NewYear, Christmas}

// CalendarSource names where the lunar dates come from.
const CalendarSource = "Chinese calendar dates (农历正月初一, 五月初五, 八月十五) for 2026–2035 from 6tail's lunar calendar " +
	"library, github.com/6tail/lunar-go v1.4.7 (calendar.NewLunarFromYmd(year, month, day).GetSolar())."

// lunarDates are the Gregorian dates of the lunar holidays, [spring festival, dragon
// boat, mid-autumn] by year (CalendarSource). New Year and Christmas are fixed.
var lunarDates = map[int][3]string{
	2026: {"2026-02-17", "2026-06-19", "2026-09-25"},
	2027: {"2027-02-06", "2027-06-09", "2027-09-15"},
	2028: {"2028-01-26", "2028-05-28", "2028-10-03"},
	2029: {"2029-02-13", "2029-06-16", "2029-09-22"},
	2030: {"2030-02-03", "2030-06-05", "2030-09-12"},
	2031: {"2031-01-23", "2031-06-24", "2031-10-01"},
	2032: {"2032-02-11", "2032-06-12", "2032-09-19"},
	2033: {"2033-01-31", "2033-06-01", "2033-09-08"},
	2034: {"2034-02-19", "2034-06-20", "2034-09-27"},
	2035: {"2035-02-08", "2035-06-10", "2035-09-16"},
}

// First and last years of the calendar.
const (
	FirstCalendarYear = 2026
	LastCalendarYear  = 2035
)

// greetingWindow is when greetings for a holiday count, in days around it: before 春节
// customers are visited for weeks (拜早年), and 拜年 goes on through the first half of
// the first month; the other holidays are greeted in the fortnight or week before.
var greetingWindow = map[Holiday][2]int{
	SpringFestival: {-21, 14},
	DragonBoat:     {-7, 0},
	MidAutumn:      {-14, 0},
	NewYear:        {-14, 0},
	Christmas:      {-14, 0},
}

// Occasion is one holiday in one year, with the window a greeting campaign for it runs.
type Occasion struct {
	Holiday Holiday `json:"holiday"`
	Year    int     `json:"year"`
	Date    string  `json:"date"`
	From    string  `json:"from"`
	To      string  `json:"to"`
}

// On is the holiday's date in a year, if the calendar has it.
func On(h Holiday, year int) (time.Time, bool) {
	if year < FirstCalendarYear || year > LastCalendarYear {
		return time.Time{}, false
	}
	switch h {
	case NewYear:
		return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), true
	case Christmas:
		return time.Date(year, 12, 25, 0, 0, 0, 0, time.UTC), true
	}
	i, ok := lunarColumn[h]
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, lunarDates[year][i])
	return t, err == nil
}

// lunarColumn is each lunar holiday's place in a row of lunarDates.
var lunarColumn = map[Holiday]int{SpringFestival: 0, DragonBoat: 1, MidAutumn: 2}

// occasion is a holiday in a year with its greeting window.
func occasion(h Holiday, year int) (Occasion, bool) {
	d, ok := On(h, year)
	if !ok {
		return Occasion{}, false
	}
	w := greetingWindow[h]
	return Occasion{Holiday: h, Year: year, Date: d.Format(dateLayout),
		From: d.AddDate(0, 0, w[0]).Format(dateLayout), To: d.AddDate(0, 0, w[1]).Format(dateLayout)}, true
}

// Upcoming is each holiday's next occasion whose greeting window has not yet ended
// today (in the service's zone), soonest first.
func (s *Service) Upcoming() []Occasion { return upcoming(s.now().In(s.zone)) }

// upcoming is Upcoming on the day of today.
func upcoming(today time.Time) []Occasion {
	day := today.Format(dateLayout)
	var out []Occasion
	for _, h := range Holidays {
		for y := max(today.Year()-1, FirstCalendarYear); y <= LastCalendarYear; y++ {
			if o, ok := occasion(h, y); ok && o.To >= day {
				out = append(out, o)
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}
