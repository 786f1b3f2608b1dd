package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// demoPassword is every demo user's password.
const demoPassword = "keyhold-demo"

const (
	repsSignedIn     = 30
	managersSignedIn = 10
)

// user is a signed-in member of staff, with the headers its requests carry (shared by
// the workers, and never written after sign-in).
type user struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Status    string `json:"status"`
	ManagerID *int64 `json:"manager_id"`

	token           string
	api, json, page http.Header // bearer; bearer and JSON body; session cookie
}

func (u *user) setToken(token string) {
	u.token = token
	u.api = http.Header{"Authorization": {"Bearer " + token}}
	u.json = http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
	u.page = http.Header{"Cookie": {"keyhold_session=" + token}}
}

// harness is the state the phases share.
type harness struct {
	o        options
	p        paths
	db       string   // KEYHOLD_DB: run.db, or the PostgreSQL database's URL
	srvs     []string // the keyhold instances' base URLs
	next     atomic.Uint64
	base     string // bare Gin base URL
	sc       *scenario
	gen      *generator
	rnd      *rand.Rand
	runID    string
	allReps  []user  // every active rep (ids for filters)
	reps     []*user // signed in, the departing rep excluded
	managers []*user // signed in
	lead     *user   // the departing rep's manager, signed in
	pids     []int   // the keyhold instances' processes
}

func newHarness(o options, p paths, db string, srvs []string, base string, sc *scenario) *harness {
	return &harness{o: o, p: p, db: db, srvs: srvs, base: base, sc: sc, gen: newGenerator(max(o.c, 8)*2, o.seed),
		rnd: rand.New(rand.NewPCG(o.seed, 1)), runID: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// srv is the base URL of the next instance, in turn: the harness is the load balancer.
func (h *harness) srv() string { return h.srvs[(h.next.Add(1)-1)%uint64(len(h.srvs))] }

// call sends one JSON request and decodes a 2xx answer into out (when not nil). It
// returns the status, the raw body and the time it took.
func (h *harness) call(ctx context.Context, method, path string, hdr http.Header, in, out any) (int, []byte, time.Duration, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.srv()+path, body)
	if err != nil {
		return 0, nil, 0, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	client := *h.gen.client
	client.Timeout = 10 * time.Minute // handover steps may take long; measure, do not cut
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	took := time.Since(start)
	if err != nil {
		return res.StatusCode, b, took, err
	}
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, b, took, fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return res.StatusCode, b, took, nil
}

func (h *harness) login(ctx context.Context, email string) (*user, error) {
	var sess struct {
		Token string `json:"token"`
		User  user   `json:"user"`
	}
	status, body, _, err := h.call(ctx, http.MethodPost, "/api/v1/auth/login", nil,
		map[string]string{"email": email, "password": demoPassword}, &sess)
	if err == nil && (status != http.StatusOK || sess.Token == "") {
		err = fmt.Errorf("sign in as %s: %d %s", email, status, clip(body, 300))
	}
	if err != nil {
		return nil, err
	}
	u := sess.User
	u.setToken(sess.Token)
	return &u, nil
}

// listUsers pages through GET /api/v1/users for one role.
func (h *harness) listUsers(ctx context.Context, admin *user, role string) ([]user, error) {
	var all []user
	for page := 1; ; page++ {
		var list struct {
			Data  []user `json:"data"`
			Total int    `json:"total"`
		}
		path := "/api/v1/users?role=" + role + "&status=active&per_page=200&page=" + strconv.Itoa(page)
		status, body, _, err := h.call(ctx, http.MethodGet, path, admin.api, nil, &list)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("GET %s: %d %s", path, status, clip(body, 300))
		}
		if err != nil {
			return nil, err
		}
		all = append(all, list.Data...)
		if len(list.Data) == 0 || len(all) >= list.Total {
			return all, nil
		}
	}
}

// signIn signs in the admin, ~30 reps (never the departing one) and ~10 managers (the
// departing rep's manager among them).
func (h *harness) signIn(ctx context.Context) error {
	start := time.Now()
	admin, err := h.login(ctx, "admin@keyhold.demo")
	if err != nil {
		return err
	}
	reps, err := h.listUsers(ctx, admin, "sales")
	if err != nil {
		return err
	}
	managers, err := h.listUsers(ctx, admin, "manager")
	if err != nil {
		return err
	}
	h.allReps = reps
	var repEmails, managerEmails []string
	for _, i := range h.rnd.Perm(len(reps)) {
		if reps[i].ID != h.sc.RepID && len(repEmails) < repsSignedIn {
			repEmails = append(repEmails, reps[i].Email)
		}
	}
	leadEmail := ""
	for _, m := range managers {
		if m.ID == h.sc.ManagerID {
			leadEmail = m.Email
		}
	}
	if leadEmail == "" {
		return fmt.Errorf("the departing rep's manager %d is not an active manager", h.sc.ManagerID)
	}
	managerEmails = append(managerEmails, leadEmail)
	for _, i := range h.rnd.Perm(len(managers)) {
		if managers[i].ID != h.sc.ManagerID && len(managerEmails) < managersSignedIn {
			managerEmails = append(managerEmails, managers[i].Email)
		}
	}
	if len(repEmails) == 0 {
		return fmt.Errorf("no active sales rep to sign in")
	}
	signed, err := h.loginAll(ctx, append(repEmails, managerEmails...))
	if err != nil {
		return err
	}
	h.reps, h.managers = signed[:len(repEmails)], signed[len(repEmails):]
	h.lead = h.managers[0]
	fmt.Printf("signed in %d reps and %d managers in %s (the handover's rep %d is left out; manager %s runs it)\n",
		len(h.reps), len(h.managers), time.Since(start).Round(time.Millisecond), h.sc.RepID, h.lead.Email)
	return nil
}

// loginAll signs users in four at a time (a sign-in is a bcrypt check: slow on purpose).
func (h *harness) loginAll(ctx context.Context, emails []string) ([]*user, error) {
	out := make([]*user, len(emails))
	errs := make([]error, len(emails))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, e := range emails {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = h.login(ctx, e)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// clip shortens a body for a message.
func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
