package outbox

// The data objects events carry (the "data" of a webhook's payload). They say what
// changed and who did it with ids and names a receiver can show; the API has the rest.

// AccountData is the data of account.created and account.updated: the account as it is
// after the change.
type AccountData struct {
	Account any `json:"account"`
}

// Transfer is the data of account.transferred.
type Transfer struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	FromUserID  int64  `json:"from_user_id"`
	ToUserID    int64  `json:"to_user_id"`
	Reason      string `json:"reason"`
	HandoverID  *int64 `json:"handover_id"`
}

// Churn is the data of account.churned.
type Churn struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	ChurnedOn   string `json:"churned_on"` // YYYY-MM-DD
	Reason      string `json:"reason"`
	Voluntary   bool   `json:"voluntary"`
	Competitor  string `json:"competitor"`
	AnnualValue int64  `json:"annual_value"` // in the account's currency
	Currency    string `json:"currency"`
}

// Flag is the data of account.flagged and account.unflagged: the account's health when
// it joined or left the managers' list of flagged accounts.
type Flag struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	Tier        string `json:"tier"`
	OwnerID     int64  `json:"owner_id"`
	OwnerName   string `json:"owner_name"`
	Level       string `json:"level"`
	Score       int    `json:"score"`
	Neglected   bool   `json:"neglected"`
	ValueAtRisk int64  `json:"value_at_risk"` // the year's value times the share of health lost
	Currency    string `json:"currency"`      // the base currency, of value_at_risk
}

// Interaction is the data of interaction.created.
type Interaction struct {
	Interaction any `json:"interaction"`
}

// Complaint is the data of complaint.opened.
type Complaint struct {
	Complaint any    `json:"complaint"`
	Tier      string `json:"tier"`     // the account's tier: chat alerts go out for key accounts
	OwnerID   int64  `json:"owner_id"` // the account's owner, whose team hears of it
}

// Handover is the data of handover.started and handover.completed.
type Handover struct {
	HandoverID    int64  `json:"handover_id"`
	LeavingUserID int64  `json:"leaving_user_id"`
	LeavingName   string `json:"leaving_name"`
	Items         int    `json:"items"`
}

// User is the data of user.leaving and user.departed.
type User struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Status string `json:"status"`
}
