package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/auth"
	"keyhold/internal/campaigns"
	"keyhold/internal/handover"
	"keyhold/internal/imports"
	"keyhold/internal/money"
	"keyhold/internal/outbox"
	"keyhold/internal/picklists"
	"keyhold/internal/retention"
	"keyhold/internal/scorecard"
	"keyhold/internal/staff"
	"keyhold/internal/webhooks"
)

// route is one route of the API: how it is called, who may call it, its handler, and
// what the OpenAPI document says of it (openapi.go). The router and the document are
// both made from routes(), so neither can have a route the other lacks.
type route struct {
	method, path string
	gate         gate
	viewed       bool // a read of one account, recorded during a notice period
	handle       gin.HandlerFunc
	doc          doc
}

// gate is who may call a route: anyone, any signed-in caller, a session only (keys
// refused), or a session or a key carrying the scope.
type gate struct {
	public, session bool
	scope           auth.Scope
}

var (
	public      = gate{public: true}
	anyCaller   = gate{}
	sessionOnly = gate{session: true}
)

func scoped(s auth.Scope) gate { return gate{scope: s} }

// doc is what the OpenAPI document says of a route.
type doc struct {
	tag, summary, text string
	query              []param
	in                 any  // the request body: a value of its type; nil for none
	out                any  // the answer: a value of its type; nil answers 204 No Content
	status             int  // the answer's status: 200 when 0
	csv                bool // ?format=csv answers text/csv instead
	sheet              bool // ?format=xlsx|csv answers a download (and no JSON when out is nil)
	upload             bool // the body is multipart/form-data with a file (uploadSchema)
}

// param is a query parameter.
type param struct {
	name, typ, help string
	enum            []string
}

// dataOf is an answer that lists everything in "data".
type dataOf[T any] struct {
	Data []T `json:"data"`
}

// pageOf is one page of a list.
type pageOf[T any] struct {
	Data    []T   `json:"data"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

// calendarAnswer is the address of the caller's calendar feed.
type calendarAnswer struct {
	URL string `json:"url"`
}

var (
	pageQ = []param{{name: "page", typ: "integer", help: "1-based page number"},
		{name: "per_page", typ: "integer", help: "items per page, at most 200 (default 50)"}}
	periodQ = []param{{name: "from", typ: "string", help: "first day, YYYY-MM-DD (default: a year ago)"},
		{name: "to", typ: "string", help: "last day, YYYY-MM-DD (default: today)"},
		{name: "currency", typ: "string", help: "currency of the values (default: the base currency)"}}
	formatQ = param{name: "format", typ: "string", help: "json (default) or csv (a spreadsheet download)", enum: []string{"json", "csv"}}
)

func with(ps []param, more ...param) []param { return append(append([]param{}, ps...), more...) }

func enumOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// routes lists the API. Every route says what an API key needs to call it (its scope),
// or that it takes a signed-in session only (keys refused): changing one's own account,
// users, settings and the keys themselves. A session may call every route its role allows.
func (s *server) routes() []route {
	accR, accW := scoped(auth.ScopeAccountsRead), scoped(auth.ScopeAccountsWrite)
	hoR, hoW := scoped(auth.ScopeHandoversRead), scoped(auth.ScopeHandoversWrite)
	repR, usrR, hooks := scoped(auth.ScopeReportsRead), scoped(auth.ScopeUsersRead), scoped(auth.ScopeWebhooksManage)
	itemsQ := []param{{name: "items_page", typ: "integer", help: "page of the items, 100 per page"}}
	accountsQ := with(pageQ, param{name: "q", typ: "string", help: "search in names, at most 200 characters"},
		param{name: "tier", typ: "string", enum: enumOf(accounts.Tiers)}, param{name: "status", typ: "string", enum: []string{"active", "churned"}},
		param{name: "owner_id", typ: "integer"}, param{name: "member_id", typ: "integer", help: "accounts whose team holds this user"},
		param{name: "industry", typ: "string"}, param{name: "region", typ: "string"},
		param{name: "overdue", typ: "boolean", help: "only accounts whose next contact is overdue"},
		param{name: "sort", typ: "string", enum: accounts.Sorts})
	sheetQ := param{name: "format", typ: "string", help: "json (default), or xlsx or csv: every account the filters pick, as a download", enum: []string{"json", "xlsx", "csv"}}
	headersQ := param{name: "headers", typ: "string", enum: []string{"codes"},
		help: "a download's headers and coded values (tier, status, industry, region, channel) are in the reader's language; codes names them as the API does"}
	contactsQ := with(accountsQ[2:], param{name: "format", typ: "string", help: "csv (default) or xlsx", enum: []string{"xlsx", "csv"}}, headersQ)
	accountsQ = append(accountsQ, sheetQ, headersQ)
	rowsQ := with(pageQ, param{name: "outcome", typ: "string", enum: []string{"create", "update", "skip", "error"}},
		param{name: "duplicates", typ: "boolean", help: "only rows with likely duplicates"})
	flagsQ := with(pageQ, param{name: "tier", typ: "string", help: "key (default) or all", enum: []string{"key", "growth", "standard", "all"}},
		param{name: "owner_id", typ: "integer"}, param{name: "level", typ: "string", enum: []string{"healthy", "watch", "at_risk"}},
		param{name: "neglected", typ: "boolean"})
	usersQ := with(pageQ, param{name: "role", typ: "string", enum: []string{"admin", "manager", "sales"}},
		param{name: "status", typ: "string", enum: []string{"active", "leaving", "departed"}}, param{name: "manager_id", typ: "integer"})
	handoversQ := with(pageQ, param{name: "status", typ: "string", enum: []string{"draft", "in_progress", "completed", "cancelled"}})
	retentionQ := with(periodQ, formatQ, param{name: "group_by", typ: "string", enum: retention.Groupings})

	return []route{
		{method: "POST", path: "/auth/login", gate: public, handle: s.apiLogin, doc: doc{tag: "sessions",
			summary: "Sign in", text: "Answers a session token for 12 hours. Failures are limited per e-mail and client (429).",
			in: loginIn{}, out: auth.Session{}}},
		{method: "GET", path: "/me", gate: anyCaller, handle: s.apiMe, doc: doc{tag: "sessions",
			summary: "Who the caller is", text: "Any session or key: the user it acts as.", out: staff.User{}}},
		{method: "PATCH", path: "/me", gate: sessionOnly, handle: s.apiUpdateMe, doc: doc{tag: "sessions",
			summary: "Change one's own language", in: updateMeIn{}, out: staff.User{}}},
		{method: "POST", path: "/me/password", gate: sessionOnly, handle: s.apiChangePassword, doc: doc{tag: "sessions",
			summary: "Change one's own password", text: "Ends every other session and every API key of the caller; answers a fresh session.",
			in: changePasswordIn{}, out: auth.Session{}}},
		{method: "GET", path: "/me/agenda", gate: accR, handle: s.apiAgenda, doc: doc{tag: "accounts",
			summary: "The caller's agenda", text: "Overdue and soon-due accounts, visits due, renewals, next steps, first contacts due on accounts handed to the caller, and the caller's open campaign tasks.",
			out: agendaOut{}}},
		{method: "GET", path: "/me/campaign-tasks", gate: accR, handle: s.apiMyCampaignTasks, doc: doc{tag: "campaigns",
			summary: "My tasks in campaigns that have not ended", text: "Open tasks first, the soonest window's end first; then the done ones.",
			out: dataOf[campaigns.MyTask]{}}},
		{method: "GET", path: "/me/handover", gate: hoR, handle: s.apiMyHandover, doc: doc{tag: "handovers",
			summary: "The open handover of the caller, who is leaving", query: itemsQ, out: handoverBody{}}},
		{method: "GET", path: "/me/inherited", gate: accR, handle: s.apiInherited, doc: doc{tag: "handovers",
			summary: "Accounts handed to the caller", text: "Under way or received in the last 90 days, with transfer notes and first contacts; most urgent first.",
			query: pageQ, out: pageOf[handover.Received]{}}},
		{method: "GET", path: "/me/calendar", gate: sessionOnly, handle: s.apiCalendar, doc: doc{tag: "sessions",
			summary: "The address of the caller's calendar feed", out: calendarAnswer{}}},
		{method: "POST", path: "/me/calendar/rotate", gate: sessionOnly, handle: s.apiRotateCalendar, doc: doc{tag: "sessions",
			summary: "A new calendar feed address", text: "The old address stops working at once.", out: calendarAnswer{}}},
		{method: "GET", path: "/api-keys", gate: sessionOnly, handle: s.apiKeys, doc: doc{tag: "api keys",
			summary: "List API keys", text: "One's own; an admin sees everyone's, with their owners. Revoked keys stay listed.",
			out: pageOf[auth.Key]{}}},
		{method: "POST", path: "/api-keys", gate: sessionOnly, handle: s.apiCreateKey, doc: doc{tag: "api keys",
			summary: "Make an API key", text: "The secret is in the answer this once; only its hash is kept.",
			in: createKeyIn{}, out: keyAnswer{}, status: http.StatusCreated}},
		{method: "DELETE", path: "/api-keys/:id", gate: sessionOnly, handle: s.apiRevokeKey, doc: doc{tag: "api keys",
			summary: "Revoke an API key at once"}},

		{method: "GET", path: "/users", gate: usrR, handle: s.apiListUsers, doc: doc{tag: "users",
			summary: "List colleagues", query: usersQ, out: pageOf[staff.User]{}}},
		{method: "POST", path: "/users", gate: sessionOnly, handle: s.apiCreateUser, doc: doc{tag: "users",
			summary: "Add a user (admins)", in: createUserIn{}, out: staff.User{}, status: http.StatusCreated}},
		{method: "GET", path: "/users/:id", gate: usrR, handle: s.apiGetUser, doc: doc{tag: "users",
			summary: "One user", out: staff.User{}}},
		{method: "PATCH", path: "/users/:id", gate: sessionOnly, handle: s.apiUpdateUser, doc: doc{tag: "users",
			summary: "Change a user (admins)", text: "A new role or password ends the user's sessions and keys.", in: updateUserIn{}, out: staff.User{}}},
		{method: "POST", path: "/users/:id/depart", gate: hoW, handle: s.apiDepart, doc: doc{tag: "handovers",
			summary: "Mark a user departed", text: "Refused (409) while they own accounts or have a handover under way, unless forced with a reason.",
			in: forcing{}, out: staff.User{}}},

		{method: "POST", path: "/handovers", gate: hoW, handle: s.apiCreateHandover, doc: doc{tag: "handovers",
			summary: "Start a handover draft for someone leaving", text: "Marks them leaving; proposes a successor for every account.",
			in: createHandoverIn{}, out: handoverBody{}, status: http.StatusCreated}},
		{method: "GET", path: "/handovers", gate: hoR, handle: s.apiListHandovers, doc: doc{tag: "handovers",
			summary: "List handovers", query: handoversQ, out: pageOf[handover.Handover]{}}},
		{method: "GET", path: "/handovers/:id", gate: hoR, handle: s.apiGetHandover, doc: doc{tag: "handovers",
			summary: "One handover with its items and progress", query: itemsQ, out: handoverBody{}}},
		{method: "GET", path: "/handovers/:id/candidates", gate: hoR, handle: s.apiHandoverCandidates, doc: doc{tag: "handovers",
			summary: "Who could take the accounts over, with their books", out: dataOf[handover.Load]{}}},
		{method: "PATCH", path: "/handovers/:id/items/:item_id", gate: hoW, handle: s.apiUpdateHandoverItem, doc: doc{tag: "handovers",
			summary: "Change an item: successor, role, transfer note", in: updateHandoverItemIn{}, query: itemsQ, out: handoverBody{}}},
		{method: "POST", path: "/handovers/:id/assign", gate: hoW, handle: s.apiAssignHandoverItems, doc: doc{tag: "handovers",
			summary: "Give many items to one successor", in: assignHandoverItemsIn{}, query: itemsQ, out: handoverBody{}}},
		{method: "POST", path: "/handovers/:id/start", gate: hoW, handle: s.apiStartHandover, doc: doc{tag: "handovers",
			summary: "Start the handover: successors join the teams", query: itemsQ, out: handoverBody{}}},
		{method: "POST", path: "/handovers/:id/complete", gate: hoW, handle: s.apiCompleteHandover, doc: doc{tag: "handovers",
			summary: "Complete: move every account in one transaction", text: "Key accounts with gaps block it (409) unless forced with a reason.",
			in: forcing{}, query: itemsQ, out: handoverBody{}}},
		{method: "POST", path: "/handovers/:id/cancel", gate: hoW, handle: s.apiCancelHandover, doc: doc{tag: "handovers",
			summary: "Cancel: the person is active again", query: itemsQ, out: handoverBody{}}},
		{method: "GET", path: "/handovers/:id/report", gate: hoR, handle: s.apiHandoverReport, doc: doc{tag: "handovers",
			summary: "The handover report: its accounts followed for 90 days", query: []param{formatQ}, out: handover.Report{}, csv: true}},

		{method: "GET", path: "/accounts", gate: accR, handle: s.apiListAccounts, doc: doc{tag: "accounts",
			summary: "List and search accounts", text: "With ?format=xlsx or csv, every account the filters pick downloads as a sheet, in the columns an import reads back; audited, and refused during a notice period.",
			query: accountsQ, out: pageOf[accounts.Account]{}, sheet: true}},
		{method: "GET", path: "/contacts", gate: accR, handle: s.apiExportContacts, doc: doc{tag: "accounts",
			summary: "Download the contacts of the accounts the filters pick",
			text:    "The accounts list's filters pick the accounts; their contacts download as a sheet (csv by default, or xlsx) in the columns a contacts import reads back; audited, and refused during a notice period.",
			query:   contactsQ, sheet: true}},
		{method: "POST", path: "/accounts", gate: accW, handle: s.apiCreateAccount, doc: doc{tag: "accounts",
			summary: "Create an account", in: createAccountIn{}, out: accounts.Account{}, status: http.StatusCreated}},
		{method: "GET", path: "/accounts/duplicates", gate: accR, handle: s.apiDuplicates, doc: doc{tag: "accounts",
			summary: "Likely duplicate accounts (managers and admins)",
			text:    "Live accounts whose names compare equal (case, full-width and half-width forms, spaces, punctuation and legal forms such as 有限公司 or Co., Ltd. left aside), or whose contacts share an e-mail address or a phone number; accounts sharing several things are one group with every reason. Largest groups first.",
			query:   pageQ, out: pageOf[accounts.DuplicateGroup]{}}},
		{method: "GET", path: "/imports", gate: accW, handle: s.apiListImports, doc: doc{tag: "imports",
			summary: "The latest imports (managers and admins)", out: dataOf[imports.Import]{}}},
		{method: "POST", path: "/imports", gate: accW, handle: s.apiCreateImport, doc: doc{tag: "imports",
			summary: "Read a sheet and plan its import: the dry run (managers and admins)",
			text:    "Nothing in the book changes yet. Columns are recognised by their headers in Chinese or English (客户名称 / name, 负责人 / owner by e-mail or name, 等级 / tier, 年度金额 / annual value, 币种, 行业, 区域, 渠道, 成为客户日期, 续约日期; for contacts 客户名称 / account or 客户编号 / account id, 姓名, 职位, 电话, 邮箱, 决策人); mapping corrects them. Every row gets its outcome — create, update, skip, or error with each field's problem in the reader's language — and its likely duplicates: an account whose name compares equal (case, full-width forms, spaces, legal forms such as 有限公司 or Co., Ltd. aside), a contact with the same e-mail or phone, or an earlier row. A row that finds exactly one existing account (or, for contacts, one contact of its account) updates it unless chosen otherwise at the commit.",
			upload:  true, out: importAnswer{}, status: http.StatusCreated}},
		{method: "GET", path: "/imports/:id", gate: accW, handle: s.apiGetImport, doc: doc{tag: "imports",
			summary: "An import: its columns, status and counts", out: imports.Import{}}},
		{method: "GET", path: "/imports/:id/rows", gate: accW, handle: s.apiImportRows, doc: doc{tag: "imports",
			summary: "A page of an import's rows with their cells", query: rowsQ, out: pageOf[importRow]{}}},
		{method: "POST", path: "/imports/:id/mapping", gate: accW, handle: s.apiRemapImport, doc: doc{tag: "imports",
			summary: "Map the columns anew and plan again", in: mappingIn{}, out: importAnswer{}}},
		{method: "POST", path: "/imports/:id/commit", gate: accW, handle: s.apiCommitImport, doc: doc{tag: "imports",
			summary: "Carry out the plan, all or nothing",
			text:    "One transaction; choices pick update, skip or create for rows with duplicates (by row number). Audited as one import with its counts; every new account gets its owner as its team and is scored.",
			in:      commitIn{}, out: imports.Import{}}},
		{method: "POST", path: "/imports/:id/undo", gate: accW, handle: s.apiUndoImport, doc: doc{tag: "imports",
			summary: "Take a committed import back, within 24 hours",
			text:    "Deletes what it created and puts back what it updated, in one transaction; refused (409, with the rows) while anything it wrote has changed since.",
			out:     imports.Import{}}},
		{method: "GET", path: "/imports/:id/errors", gate: accW, handle: s.apiImportErrors, doc: doc{tag: "imports",
			summary: "The rows with errors as a sheet: the original columns and the reason",
			query:   []param{{name: "format", typ: "string", help: "xlsx (default) or csv", enum: []string{"xlsx", "csv"}}}, sheet: true}},
		{method: "GET", path: "/accounts/:id", gate: accR, viewed: true, handle: s.apiGetAccount, doc: doc{tag: "accounts",
			summary: "One account", out: accounts.Account{}}},
		{method: "PATCH", path: "/accounts/:id", gate: accW, handle: s.apiUpdateAccount, doc: doc{tag: "accounts",
			summary: "Change an account", text: "The owner moves only by transfer.", in: updateAccountIn{}, out: accounts.Account{}}},
		{method: "DELETE", path: "/accounts/:id", gate: accW, handle: s.apiDeleteAccount, doc: doc{tag: "accounts",
			summary: "Delete an account (managers)"}},
		{method: "POST", path: "/accounts/:id/transfer", gate: accW, handle: s.apiTransferAccount, doc: doc{tag: "accounts",
			summary: "Give the account to a new owner", in: transferAccountIn{}, out: accounts.Account{}}},
		{method: "POST", path: "/accounts/:id/merge", gate: accW, handle: s.apiMergeAccount, doc: doc{tag: "accounts",
			summary: "Merge a duplicate into this account (managers and admins)",
			text:    "In one transaction the other account's contacts, interactions, complaints, churn records and health history move here, its team members join (its owner as a backup), details this account lacks are taken from it, and it is deleted, pointing here; its ownership history shows in this account's. Both must be active and outside an open handover.",
			in:      mergeAccountIn{}, out: accounts.Merged{}}},
		{method: "GET", path: "/accounts/:id/history", gate: accR, viewed: true, handle: s.apiAccountHistory, doc: doc{tag: "accounts",
			summary: "Ownership and team history", out: dataOf[accounts.HistoryEntry]{}}},
		{method: "GET", path: "/accounts/:id/team", gate: accR, viewed: true, handle: s.apiTeam, doc: doc{tag: "accounts",
			summary: "The account's team", out: []accounts.TeamMember{}}},
		{method: "PUT", path: "/accounts/:id/team/:user_id", gate: accW, handle: s.apiSetTeamMember, doc: doc{tag: "accounts",
			summary: "Put someone on the team, or change their role", in: setTeamMemberIn{}, out: accounts.TeamMember{}}},
		{method: "DELETE", path: "/accounts/:id/team/:user_id", gate: accW, handle: s.apiRemoveTeamMember, doc: doc{tag: "accounts",
			summary: "Take someone off the team"}},
		{method: "GET", path: "/accounts/:id/contacts", gate: accR, viewed: true, handle: s.apiListContacts, doc: doc{tag: "accounts",
			summary: "The account's contacts", text: "Masked for staff serving notice outside their own book.", out: pageOf[accounts.Contact]{}}},
		{method: "POST", path: "/accounts/:id/contacts", gate: accW, handle: s.apiCreateContact, doc: doc{tag: "accounts",
			summary: "Add a contact", in: createContactIn{}, out: accounts.Contact{}, status: http.StatusCreated}},
		{method: "PATCH", path: "/contacts/:id", gate: accW, handle: s.apiUpdateContact, doc: doc{tag: "accounts",
			summary: "Change a contact", in: updateContactIn{}, out: accounts.Contact{}}},
		{method: "DELETE", path: "/contacts/:id", gate: accW, handle: s.apiDeleteContact, doc: doc{tag: "accounts",
			summary: "Delete a contact"}},
		{method: "GET", path: "/accounts/:id/interactions", gate: accR, viewed: true, handle: s.apiListInteractions, doc: doc{tag: "accounts",
			summary: "The account's interactions, newest first", query: pageQ, out: pageOf[accounts.Interaction]{}}},
		{method: "POST", path: "/accounts/:id/interactions", gate: accW, handle: s.apiLogInteraction, doc: doc{tag: "accounts",
			summary: "Log an interaction", in: logInteractionIn{}, out: accounts.Interaction{}, status: http.StatusCreated}},
		{method: "GET", path: "/accounts/:id/health", gate: accR, viewed: true, handle: s.apiAccountHealth, doc: doc{tag: "health",
			summary: "The account's health, each deduction with its reasons in numbers", out: apiHealth{}}},
		{method: "POST", path: "/accounts/:id/churn", gate: accW, handle: s.apiChurn, doc: doc{tag: "retention",
			summary: "Record the loss of the account", in: churnIn{}, out: retention.ChurnRecord{}, status: http.StatusCreated}},
		{method: "GET", path: "/accounts/:id/churn", gate: accR, viewed: true, handle: s.apiChurnRecords, doc: doc{tag: "retention",
			summary: "The account's losses and win-backs", out: dataOf[retention.ChurnRecord]{}}},
		{method: "POST", path: "/accounts/:id/reactivate", gate: accW, handle: s.apiReactivate, doc: doc{tag: "retention",
			summary: "Win a churned account back (managers)", in: reactivateIn{}, out: retention.ChurnRecord{}}},
		{method: "GET", path: "/accounts/:id/complaints", gate: accR, viewed: true, handle: s.apiComplaints, doc: doc{tag: "retention",
			summary: "The account's complaints", out: pageOf[retention.Complaint]{}}},
		{method: "POST", path: "/accounts/:id/complaints", gate: accW, handle: s.apiOpenComplaint, doc: doc{tag: "retention",
			summary: "Open a complaint", in: openComplaintIn{}, out: retention.Complaint{}, status: http.StatusCreated}},
		{method: "PATCH", path: "/complaints/:id", gate: accW, handle: s.apiUpdateComplaint, doc: doc{tag: "retention",
			summary: "Change or resolve a complaint", in: updateComplaintIn{}, out: retention.Complaint{}}},
		{method: "GET", path: "/flags", gate: accR, handle: s.apiFlags, doc: doc{tag: "health",
			summary: "Neglected and at-risk accounts, worst first", text: "Key accounts unless tier says otherwise; a rep sees their own book.",
			query: flagsQ, out: pageOf[apiFlag]{}}},

		{method: "GET", path: "/reports/retention", gate: repR, handle: s.apiRetentionReport, doc: doc{tag: "reports",
			summary: "Retention: accounts and value kept and lost", query: retentionQ, out: retention.RetentionReport{}, csv: true}},
		{method: "GET", path: "/reports/churn-reasons", gate: repR, handle: s.apiChurnReasonsReport, doc: doc{tag: "reports",
			summary: "Why customers left", query: with(periodQ, formatQ), out: retention.ReasonsReport{}, csv: true}},
		{method: "GET", path: "/reports/concentration", gate: repR, handle: s.apiConcentrationReport, doc: doc{tag: "reports",
			summary: "Value concentrated in one person's hands", query: []param{periodQ[2], formatQ}, out: retention.ConcentrationReport{}, csv: true}},
		{method: "GET", path: "/reports/cadence-compliance", gate: repR, handle: s.apiComplianceReport, doc: doc{tag: "reports",
			summary: "Who keeps their contact cadence", query: []param{formatQ}, out: retention.ComplianceReport{}, csv: true}},
		{method: "GET", path: "/reports/churn-trend", gate: repR, handle: s.apiChurnTrendReport, doc: doc{tag: "reports",
			summary: "Monthly churn by segment against the benchmark band for its customers' sizes",
			text:    "The last 12 to 24 complete months; each point's band (monthly, from the annual bands by company size) where at least half its accounts have a size.",
			query: []param{{name: "months", typ: "integer", help: "how many complete months, 12 to 24 (default 12)"},
				{name: "group_by", typ: "string", enum: retention.TrendGroupings}, periodQ[2], formatQ},
			out: retention.TrendReport{}, csv: true}},
		{method: "GET", path: "/reports/scorecard", gate: repR, handle: s.apiScorecardReport, doc: doc{tag: "reports",
			summary: "Rep scorecards: cadences, visits, coverage, record completeness, next steps, first contacts, complaints",
			text:    "Per rep for a period (default the 90 days to today), best score first; the score is the mean of the figures with something to count. Definitions in docs/reports.md.",
			query: []param{{name: "from", typ: "string", help: "first day, YYYY-MM-DD (default: 89 days before to)"},
				{name: "to", typ: "string", help: "last day, YYYY-MM-DD (default: today)"}, formatQ},
			out: scorecard.Report{}, csv: true}},
		{method: "GET", path: "/reports/scorecard/accounts", gate: repR, handle: s.apiScorecardAccounts, doc: doc{tag: "reports",
			summary: "The accounts behind one rep's scorecard figure, those that fell short first",
			query: []param{{name: "user_id", typ: "integer", help: "the rep"}, {name: "figure", typ: "string", enum: scorecard.Figures},
				{name: "from", typ: "string"}, {name: "to", typ: "string"}},
			out: scorecard.Behind{}}},
		{method: "GET", path: "/reports/handovers", gate: repR, handle: s.apiHandoverOutcomes, doc: doc{tag: "reports",
			summary: "How handed-over accounts fared, by successor", query: []param{formatQ}, out: dataOf[handover.SuccessorOutcome]{}, csv: true}},

		{method: "GET", path: "/campaigns", gate: accR, handle: s.apiCampaigns, doc: doc{tag: "campaigns",
			summary: "Leader touch campaigns, the latest first, with their progress", text: "Managers and admins.",
			out: dataOf[campaigns.Summary]{}}},
		{method: "POST", path: "/campaigns", gate: accW, handle: s.apiCreateCampaign, doc: doc{tag: "campaigns",
			summary: "Start a campaign: a task for the leader of each chosen account",
			text: "Managers and admins. The accounts are the active ones matching every filter given (none: all), or exactly account_ids. " +
				"Each task is its account's executive sponsor's, else its owner's manager's, else the caller's; it is done when that leader, " +
				"or anyone above the owner, logs a holiday_greeting or executive_visit on the account within the window (author or participant).",
			in: campaignIn{}, out: campaigns.Detail{}, status: http.StatusCreated}},
		{method: "GET", path: "/campaigns/:id", gate: accR, handle: s.apiCampaign, doc: doc{tag: "campaigns",
			summary: "A campaign with its progress, by leader, and its tasks", text: "Managers, admins and the campaign's leaders.",
			out: campaigns.Detail{}}},
		{method: "DELETE", path: "/campaigns/:id", gate: accW, handle: s.apiDeleteCampaign, doc: doc{tag: "campaigns",
			summary: "Delete a campaign and its tasks", text: "The manager who started it, or an admin.", status: http.StatusNoContent}},
		{method: "GET", path: "/holidays", gate: accR, handle: s.apiHolidays, doc: doc{tag: "campaigns",
			summary: "The next 春节, 端午, 中秋, 元旦 and Christmas, each with the window a greeting campaign runs",
			text:    "From the built-in calendar of 2026–2035; source names where its dates come from.", out: holidaysOut{}}},

		{method: "GET", path: "/cadence-policies", gate: accR, handle: s.apiPolicies, doc: doc{tag: "settings",
			summary: "Contact cadence per tier", out: []accounts.Policy{}}},
		{method: "PUT", path: "/cadence-policies/:tier", gate: sessionOnly, handle: s.apiSetPolicy, doc: doc{tag: "settings",
			summary: "Set a tier's cadence (admins)", in: setPolicyIn{}, out: accounts.Policy{}}},
		{method: "GET", path: "/currencies", gate: accR, handle: s.apiCurrencies, doc: doc{tag: "settings",
			summary: "Currencies and their rates to the base", out: currenciesBody{}}},
		{method: "GET", path: "/currencies/:code", gate: accR, handle: s.apiCurrency, doc: doc{tag: "settings",
			summary: "One currency", out: money.Currency{}}},
		{method: "PUT", path: "/currencies/:code", gate: sessionOnly, handle: s.apiSetCurrency, doc: doc{tag: "settings",
			summary: "Add a currency, set its rate or make it the base (admins)", in: setCurrencyIn{}, out: money.Currency{}}},
		{method: "DELETE", path: "/currencies/:code", gate: sessionOnly, handle: s.apiDeleteCurrency, doc: doc{tag: "settings",
			summary: "Delete a currency no account uses (admins)"}},

		{method: "GET", path: "/picklists", gate: accR, handle: s.apiPicklists, doc: doc{tag: "settings",
			summary: "The lists of industries, regions and acquisition channels, with their labels",
			text:    "Accounts store an entry's code; pages show its label in the reader's language. A value not on a list is kept and shown as recorded.",
			out:     picklistsBody{}}},
		{method: "PUT", path: "/picklists/:list", gate: sessionOnly, handle: s.apiSetPicklist, doc: doc{tag: "settings",
			summary: "Replace a list (industry, region or channel), in order (admins)", in: setPicklistIn{}, out: dataOf[picklists.Entry]{}}},

		{method: "GET", path: "/webhook-events", gate: hooks, handle: s.apiWebhookEvents, doc: doc{tag: "webhooks",
			summary: "The events an endpoint may ask for", out: dataOf[outbox.Kind]{}}},
		{method: "GET", path: "/webhooks", gate: hooks, handle: s.apiWebhooks, doc: doc{tag: "webhooks",
			summary: "List webhook endpoints (admins)", text: "Without their secrets.", out: pageOf[webhooks.Webhook]{}}},
		{method: "POST", path: "/webhooks", gate: hooks, handle: s.apiCreateWebhook, doc: doc{tag: "webhooks",
			summary: "Register an endpoint (admins)", text: "Answers its whsec_ signing secret. Loopback, link-local and private addresses are refused.",
			in: createWebhookIn{}, out: webhooks.Webhook{}, status: http.StatusCreated}},
		{method: "GET", path: "/webhooks/:id", gate: hooks, handle: s.apiWebhook, doc: doc{tag: "webhooks",
			summary: "One endpoint, with its secret (admins)", out: webhooks.Webhook{}}},
		{method: "PATCH", path: "/webhooks/:id", gate: hooks, handle: s.apiUpdateWebhook, doc: doc{tag: "webhooks",
			summary: "Change an endpoint; turn it on or off (admins)", in: updateWebhookIn{}, out: webhooks.Webhook{}}},
		{method: "DELETE", path: "/webhooks/:id", gate: hooks, handle: s.apiDeleteWebhook, doc: doc{tag: "webhooks",
			summary: "Delete an endpoint and its log (admins)"}},
		{method: "GET", path: "/webhooks/:id/deliveries", gate: hooks, handle: s.apiDeliveries, doc: doc{tag: "webhooks",
			summary: "The delivery log, newest first, every try with its answer", query: with(pageQ,
				param{name: "status", typ: "string", enum: []string{webhooks.Pending, webhooks.Delivered, webhooks.Failed}}),
			out: pageOf[webhooks.Delivery]{}}},
		{method: "GET", path: "/chat-targets", gate: hooks, handle: s.apiChatTargets, doc: doc{tag: "chat alerts",
			summary: "List chat targets (admins)", out: pageOf[webhooks.ChatTarget]{}}},
		{method: "POST", path: "/chat-targets", gate: hooks, handle: s.apiCreateChatTarget, doc: doc{tag: "chat alerts",
			summary: "Register a WeCom, DingTalk, Feishu or Slack group robot (admins)",
			text:    "DingTalk and Feishu need the robot's signing secret, which is never shown again. team_manager_id limits it to one manager's team; none is everyone.",
			in:      chatTargetIn{}, out: webhooks.ChatTarget{}, status: http.StatusCreated}},
		{method: "GET", path: "/chat-targets/:id", gate: hooks, handle: s.apiChatTarget, doc: doc{tag: "chat alerts",
			summary: "One chat target (admins)", out: webhooks.ChatTarget{}}},
		{method: "PATCH", path: "/chat-targets/:id", gate: hooks, handle: s.apiUpdateChatTarget, doc: doc{tag: "chat alerts",
			summary: "Change a chat target (admins)", in: chatTargetIn{}, out: webhooks.ChatTarget{}}},
		{method: "DELETE", path: "/chat-targets/:id", gate: hooks, handle: s.apiDeleteChatTarget, doc: doc{tag: "chat alerts",
			summary: "Delete a chat target (admins)"}},
		{method: "POST", path: "/chat-targets/:id/test", gate: hooks, handle: s.apiTestChatTarget, doc: doc{tag: "chat alerts",
			summary: "Send a test message now", text: "Answers what the robot said; nothing is queued.", out: chatTest{}}},
		{method: "GET", path: "/chat-targets/:id/deliveries", gate: hooks, handle: s.apiChatDeliveries, doc: doc{tag: "chat alerts",
			summary: "What was sent to the chat target, newest first, every try with its answer", query: with(pageQ,
				param{name: "status", typ: "string", enum: []string{webhooks.Pending, webhooks.Delivered, webhooks.Failed}}),
			out: pageOf[webhooks.Delivery]{}}},
		{method: "POST", path: "/webhooks/:id/deliveries/:delivery_id/redeliver", gate: hooks, handle: s.apiRedeliver, doc: doc{tag: "webhooks",
			summary: "Send a delivery again now, with a fresh schedule", out: webhooks.Delivery{}, status: http.StatusAccepted}},
	}
}

// apiRoutes mounts the API, each route behind its gate.
func (s *server) apiRoutes(api *gin.RouterGroup) {
	authed := s.apiAuth()
	for _, rt := range s.routes() {
		var chain []gin.HandlerFunc
		switch {
		case rt.gate.public:
		case rt.gate.session:
			chain = append(chain, authed, s.sessionOnly())
		case rt.gate.scope != "":
			chain = append(chain, authed, s.need(rt.gate.scope))
		default:
			chain = append(chain, authed)
		}
		if rt.viewed {
			chain = append(chain, s.viewed())
		}
		api.Handle(rt.method, rt.path, append(chain, rt.handle)...)
	}
	api.GET("/openapi.json", s.apiOpenAPI)
}
