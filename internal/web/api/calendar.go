package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"
	"github.com/gin-gonic/gin"

	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

// The calendar feed: an iCalendar file of the contact due dates of a user's accounts,
// read by calendar programs with the feed token in the address instead of a sign-in.

func (s *server) feedURL(token string) string {
	return s.BaseURL + "/calendar/" + token + ".ics"
}

func (s *server) apiCalendar(c *gin.Context) {
	tok, err := s.Staff.CalendarToken(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, gin.H{"url": s.feedURL(tok)}, err)
}

func (s *server) apiRotateCalendar(c *gin.Context) {
	tok, err := s.Staff.RotateCalendarToken(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, gin.H{"url": s.feedURL(tok)}, err)
}

// calendarFeed serves GET /calendar/:file where file is TOKEN.ics.
func (s *server) calendarFeed(c *gin.Context) {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		httpkit.AbortJSON(c, fault.NotFound("calendar", "feed"))
		return
	}
	ctx := c.Request.Context()
	u, err := s.Staff.ByCalendarToken(ctx, token)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	due, err := s.Accounts.DueDates(ctx, u.ID)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	l := i18n.English
	if lang, ok := i18n.Parse(u.Language); ok {
		l = lang
	}
	now := s.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//Keyhold//Contact cadence//EN")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText("X-WR-CALNAME", check.Printable(l.T("calendar.name", u.Name), false))
	for _, d := range due {
		day := time.Date(d.Due.Year(), d.Due.Month(), d.Due.Day(), 0, 0, 0, 0, time.UTC)
		name := check.Printable(d.Name, false) // one line, whatever was stored
		summary := l.T("calendar.due", name)
		if day.Before(today) {
			// Overdue contact goes on today, where it will be seen, and says so.
			summary = l.T("calendar.overdue", name, l.Date(day))
			day = today
		}
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("keyhold-account-%d@%s", d.AccountID, hostOf(s.BaseURL)))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, now)
		ev.Props.SetDate(ical.PropDateTimeStart, day)
		ev.Props.SetDate(ical.PropDateTimeEnd, day.AddDate(0, 0, 1))
		ev.Props.SetText(ical.PropSummary, summary)
		ev.Props.SetText(ical.PropDescription, l.T("calendar.description", l.T("tier."+string(d.Tier))))
		ev.Props.SetText(ical.PropTransparency, "TRANSPARENT")
		if link, err := url.Parse(fmt.Sprintf("%s/accounts/%d", s.BaseURL, d.AccountID)); err == nil {
			ev.Props.SetURI(ical.PropURL, link)
		}
		cal.Children = append(cal.Children, ev.Component)
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", fold(buf.Bytes()))
}

// fold breaks the lines of an iCalendar file longer than 75 octets, as RFC 5545 (3.1)
// asks and the encoder does not: each continuation starts with a space, and no UTF-8
// character is cut (an account name of 200 Chinese characters is 600 octets).
func fold(ics []byte) []byte {
	const limit = 75
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(ics, []byte("\r\n")) {
		body, ended := bytes.CutSuffix(line, []byte("\r\n"))
		width := limit
		for len(body) > width {
			cut := width
			for cut > 0 && !utf8.RuneStart(body[cut]) {
				cut--
			}
			out.Write(body[:cut])
			out.WriteString("\r\n ")
			body, width = body[cut:], limit-1 // the leading space counts
		}
		out.Write(body)
		if ended {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return "keyhold"
}
