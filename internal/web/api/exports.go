package api

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/i18n"
	"keyhold/internal/picklists"
	"keyhold/internal/sheets"
	"keyhold/internal/staff"
	"keyhold/internal/web/httpkit"
)

// accountFilter reads the accounts list's filters from the query.
func accountFilter(q *httpkit.Query) accounts.Filter {
	return accounts.Filter{Q: q.Str("q"), Tier: accounts.Tier(q.Str("tier")), Status: q.Str("status"),
		OwnerID: q.Int64("owner_id"), MemberID: q.Int64("member_id"), Industry: q.Str("industry"),
		Region: q.Str("region"), Overdue: q.Bool("overdue"), Sort: q.Str("sort"), Page: q.Page()}
}

// Exports are the lists that download as sheets with the accounts list's filters.
const (
	ExportAccounts = "accounts"
	ExportContacts = "contacts"
)

// Export writes the accounts matching the request's filters (what is ExportAccounts), or
// their contacts (ExportContacts), as a sheet in format xlsx or csv, headers in the
// reader's language (or codes, with ?headers=codes), in the columns an import reads back. As the reports: refused to a
// leaving user (the attempt recorded), audited with its row count.
func (a *API) Export(c *gin.Context, what, format string) error { return a.s.export(c, what, format) }

func (s *server) export(c *gin.Context, what, format string) error {
	f, err := sheetFormat(format, sheets.CSV)
	if err != nil {
		return err
	}
	q := httpkit.NewQuery(c)
	filter := accountFilter(q)
	if err := q.Err(); err != nil {
		return err
	}
	ctx, actor, l := c.Request.Context(), httpkit.CurrentUser(c), httpkit.Lang(c)
	if err := s.Handover.GuardExport(ctx, actor, what); err != nil {
		return err
	}
	people, err := s.Staff.Directory(ctx)
	if err != nil {
		return err
	}
	lists, err := s.Picklists.All(ctx)
	if err != nil {
		return err
	}
	words := sheetWords{l: l, codes: httpkit.CodeHeaders(c), lists: lists}
	var buf bytes.Buffer
	w, err := sheets.NewWriter(&buf, f, l.T("export."+what))
	if err != nil {
		return err
	}
	n := 0
	if what == ExportContacts {
		err = s.exportContacts(c, filter.For(actor), w, words, &n)
	} else {
		err = s.exportAccounts(c, filter.For(actor), w, words, people, &n)
	}
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := s.Handover.Export(ctx, actor, what, n); err != nil {
		return err
	}
	sendSheet(c, f, fmt.Sprintf("%s-%s.%s", what, s.Now().UTC().Format("2006-01-02"), f), buf.Bytes())
	return nil
}

// AccountColumns are the accounts export's columns (keys of export.col.*): the first
// thirteen are what an accounts import reads.
var AccountColumns = []string{"id", "name", "owner", "owner_email", "tier", "annual_value", "currency", "industry",
	"region", "channel", "size", "customer_since", "renewal_date", "status", "last_contacted", "next_contact_due"}

func (s *server) exportAccounts(c *gin.Context, f accounts.Filter, w sheets.Writer, l sheetWords, people map[int64]staff.User, n *int) error {
	if err := w.Row(l.headers(AccountColumns)); err != nil {
		return err
	}
	return s.Accounts.Each(c.Request.Context(), f, func(list []accounts.Account) error {
		for _, a := range list {
			owner := people[a.OwnerID]
			row := []string{strconv.FormatInt(a.ID, 10), a.Name, owner.Name, owner.Email, l.word("tier", string(a.Tier)),
				strconv.FormatInt(a.AnnualValue, 10), a.Currency, l.pick(picklists.Industry, a.Industry),
				l.pick(picklists.Region, a.Region), l.pick(picklists.Channel, a.Channel), l.size(a.Size), a.CustomerSince,
				deref(a.RenewalDate), l.word("account_status", a.Status), day(a.LastContactedAt), day(a.NextContactDue)}
			if err := w.Row(row); err != nil {
				return err
			}
			*n++
		}
		return nil
	})
}

// ContactColumns are the contacts export's columns: what a contacts import reads.
var ContactColumns = []string{"account_id", "account", "contact_name", "title", "phone", "email", "decision_maker"}

func (s *server) exportContacts(c *gin.Context, f accounts.Filter, w sheets.Writer, l sheetWords, n *int) error {
	if err := w.Row(l.headers(ContactColumns)); err != nil {
		return err
	}
	ctx := c.Request.Context()
	return s.Accounts.Each(ctx, f, func(list []accounts.Account) error {
		ids := make([]int64, len(list))
		for i, a := range list {
			ids[i] = a.ID
		}
		contacts, err := s.Accounts.ContactsOf(ctx, ids)
		if err != nil {
			return err
		}
		for _, a := range list {
			for _, ct := range contacts[a.ID] {
				dm := l.word("export", "no")
				if ct.DecisionMaker {
					dm = l.word("export", "yes")
				}
				if err := w.Row([]string{strconv.FormatInt(a.ID, 10), a.Name, ct.Name, ct.Title, ct.Phone, ct.Email, dm}); err != nil {
					return err
				}
				*n++
			}
		}
		return nil
	})
}

// sheetWords writes a download's headers and coded values in the reader's language
// (what a person opens in Excel), or as codes (?headers=codes: what another system
// reads). An import reads either back.
type sheetWords struct {
	l     i18n.Lang
	codes bool
	lists picklists.Set
}

func (w sheetWords) headers(cols []string) []string {
	if w.codes {
		return cols
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = w.l.T("export.col." + c)
	}
	return out
}

// word is a code of a label group (tier, account_status, export yes/no) in words.
func (w sheetWords) word(group, code string) string {
	if w.codes {
		return code
	}
	return w.l.T(group + "." + code)
}

// size is a company size in words, and nothing while unknown (an import reads both).
func (w sheetWords) size(z accounts.Size) string {
	if z == "" {
		return ""
	}
	return w.word("size", string(z))
}

// pick is an industry, region or channel by its list's label.
func (w sheetWords) pick(list picklists.List, code string) string {
	if w.codes {
		return code
	}
	return w.lists.Label(list, code, w.l == i18n.Chinese)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(accounts.DateLayout)
}
