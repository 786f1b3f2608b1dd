package campaigns

import (
	"testing"
	"time"
)

func TestCalendarCoversItsYears(t *testing.T) {
	for y := FirstCalendarYear; y <= LastCalendarYear; y++ {
		for _, h := range Holidays {
			d, ok := On(h, y)
			if !ok || d.Year() != y {
				t.Errorf("%s %d: %v %v", h, y, d, ok)
			}
		}
		// 春节 falls between 21 January and 20 February; 端午 before 中秋.
		sf, _ := On(SpringFestival, y)
		db, _ := On(DragonBoat, y)
		ma, _ := On(MidAutumn, y)
		if sf.Before(time.Date(y, 1, 21, 0, 0, 0, 0, time.UTC)) || sf.After(time.Date(y, 2, 20, 0, 0, 0, 0, time.UTC)) || !db.Before(ma) {
			t.Errorf("%d: 春节 %v, 端午 %v, 中秋 %v", y, sf, db, ma)
		}
	}
	for _, c := range []struct {
		h Holiday
		y int
	}{{SpringFestival, 2025}, {Christmas, 2036}, {"qingming", 2027}} {
		if _, ok := On(c.h, c.y); ok {
			t.Errorf("%s %d has a date", c.h, c.y)
		}
	}
}

func TestUpcomingKeepsAWindowToItsLastDay(t *testing.T) {
	// 20 February 2027 is the last day of 春节 2027's window: still proposed; the next day
	// 春节 2028 is.
	for day, want := range map[string]int{"2027-02-20": 2027, "2027-02-21": 2028} {
		today, _ := time.Parse(dateLayout, day)
		for _, o := range upcoming(today) {
			if o.Holiday == SpringFestival && o.Year != want {
				t.Errorf("on %s: 春节 %d, want %d", day, o.Year, want)
			}
		}
	}
	if got := upcoming(time.Date(2035, 12, 31, 0, 0, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("after the calendar's end: %v", got)
	}
}
