package staff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/sortkey"
	"keyhold/internal/store"
)

// MinPasswordLength is the shortest password Keyhold accepts.
const MinPasswordLength = 10

// Service reads and changes users.
type Service struct {
	db         *store.DB
	now        func() time.Time
	bcryptCost int
	all        store.Memo[map[int64]User] // every user, while no user changes (a staff of hundreds)
	active     store.Memo[Roster]         // the active ones by name, for pickers
}

// New returns a Service. cost is the bcrypt cost (bcrypt.DefaultCost in production).
func New(db *store.DB, now func() time.Time, cost int) *Service {
	return &Service{db: db, now: now, bcryptCost: cost}
}

// NewUser is what an admin gives to create a user.
type NewUser struct {
	Name      string
	Email     string
	Password  string
	Role      Role
	ManagerID *int64
}

// Create adds a user. Only admins create users.
func (s *Service) Create(ctx context.Context, actor User, in NewUser) (User, error) {
	if !actor.IsAdmin() {
		return User{}, fault.Forbidden("only admins create users")
	}
	u, err := s.create(ctx, &actor, in)
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// Bootstrap creates the first admin when the database has no users; it reports whether
// it created one.
func (s *Service) Bootstrap(ctx context.Context, name, email, password string) (bool, error) {
	var n int64
	if err := s.db.Read.WithContext(ctx).Model(&User{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := s.create(ctx, nil, NewUser{Name: name, Email: email, Password: password, Role: RoleAdmin}); err != nil {
		if fault.Is(err, fault.KindConflict) {
			return false, nil // another instance, starting at the same moment, made the admin first
		}
		return false, fmt.Errorf("bootstrap admin: %w", err)
	}
	return true, nil
}

func (s *Service) create(ctx context.Context, actor *User, in NewUser) (User, error) {
	in.Email = normalizeEmail(in.Email)
	bad := fault.Collect{}
	checkName(bad, &in.Name)
	checkEmail(bad, in.Email)
	checkPassword(bad, in.Password)
	if !in.Role.Valid() {
		bad.Add("role", "must be admin, manager or sales")
	}
	if err := bad.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	feed, err := newFeedToken()
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC()
	u := User{Name: in.Name, Email: in.Email, Role: in.Role, Status: StatusActive,
		ManagerID: in.ManagerID, PasswordHash: hash, TokenVersion: 1, CreatedAt: now, UpdatedAt: now, CalendarToken: &feed}
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkManager(tx, 0, in.ManagerID); err != nil {
			return err
		}
		if err := emailFree(tx, 0, in.Email); err != nil {
			return err
		}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		var actorID *int64
		if actor != nil {
			actorID = &actor.ID
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: actorID, Action: "user.create",
			Entity: "user", EntityID: u.ID}, nil, u)
	})
	return u, err
}

// Get returns the user with id.
func (s *Service) Get(ctx context.Context, id int64) (User, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return User{}, err
	}
	return s.Lookup(ctx, v, id)
}

// Roster is every active user by name, as of one version of the users (store.Versions'
// Users): the pickers for owners and successors on many pages. Users is shared by every
// caller until a user changes: read it, never change it.
type Roster struct {
	Users   []User
	Version int64
}

// Active returns the roster of active users, from the staff kept in memory.
func (s *Service) Active(ctx context.Context) (Roster, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return Roster{}, err
	}
	return s.active.Get(v.Users, func() (Roster, error) {
		all, err := s.Everyone(ctx, v)
		if err != nil {
			return Roster{}, err
		}
		out := make([]User, 0, len(all))
		for _, u := range all {
			if u.Status == StatusActive {
				out = append(out, u)
			}
		}
		slices.SortFunc(out, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
		sortkey.Sort(out, func(u User) string { return u.Name })
		return Roster{Users: out, Version: v.Users}, nil
	})
}

// Lookup returns the user with id as of the data versions v, from the staff kept in
// memory until a user changes: signing in checks it on every request.
func (s *Service) Lookup(ctx context.Context, v store.Versions, id int64) (User, error) {
	all, err := s.Everyone(ctx, v)
	if err != nil {
		return User{}, err
	}
	u, ok := all[id]
	if !ok {
		return User{}, fault.NotFound("user", id)
	}
	return u, nil
}

// Everyone is every user by id as of the data versions v, loaded again only after a user
// changed. The map is shared: callers must not change it.
func (s *Service) Everyone(ctx context.Context, v store.Versions) (map[int64]User, error) {
	return s.everyone(ctx, v)
}

// Directory is Everyone as of now.
func (s *Service) Directory(ctx context.Context) (map[int64]User, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return nil, err
	}
	return s.everyone(ctx, v)
}

func (s *Service) everyone(ctx context.Context, v store.Versions) (map[int64]User, error) {
	return s.all.Get(v.Users, func() (map[int64]User, error) {
		var list []User
		if err := s.db.Read.WithContext(ctx).Find(&list).Error; err != nil {
			return nil, fmt.Errorf("load users: %w", err)
		}
		out := make(map[int64]User, len(list))
		for _, u := range list {
			out[u.ID] = u
		}
		return out, nil
	})
}

// ByEmail returns the user with the e-mail (case-insensitive).
func (s *Service) ByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.Read.WithContext(ctx).Where("email = ?", normalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, fault.NotFound("user", email)
	}
	if err != nil {
		return User{}, fmt.Errorf("user by email: %w", err)
	}
	return u, nil
}

// Filter selects users for List.
type Filter struct {
	Role      Role
	Status    Status
	ManagerID int64
	Page      store.Page
}

// List returns one page of users ordered by name, and the total that match.
func (s *Service) List(ctx context.Context, f Filter) ([]User, int64, error) {
	bad := fault.Collect{}
	if f.Role != "" && !f.Role.Valid() {
		bad.Add("role", "must be admin, manager or sales")
	}
	if f.Status != "" && !f.Status.Valid() {
		bad.Add("status", "must be active, leaving or departed")
	}
	if err := bad.Err(); err != nil {
		return nil, 0, err
	}
	q := s.db.Read.WithContext(ctx).Model(&User{})
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.ManagerID != 0 {
		q = q.Where("manager_id = ?", f.ManagerID)
	}
	// A few hundred people: read them all and page in their names' order (pinyin for
	// Chinese names, which SQL cannot sort by).
	users := []User{}
	if err := q.Order("id").Find(&users).Error; err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	sortkey.Sort(users, func(u User) string { return u.Name })
	p := f.Page.Normalized()
	total := int64(len(users))
	from, to := min(p.Offset(), len(users)), min(p.Offset()+p.Size, len(users))
	return users[from:to], total, nil
}

// Patch is an admin's change to a user; only the fields set change.
type Patch struct {
	Name      opt.Field[string]
	Email     opt.Field[string]
	Role      opt.Field[Role]
	ManagerID opt.Field[int64]
	Password  opt.Field[string]
	Language  opt.Field[string]
}

// apply sets the fields p sets on u, checking each: actor may not change their own role.
// revoke says whether u's sessions must end (a new role; a new password, checked here and
// hashed by the caller).
func (p Patch) apply(u *User, actor User) (revoke bool, err error) {
	bad := fault.Collect{}
	if p.Name.Set {
		u.Name = p.Name.Value
		checkName(bad, &u.Name)
	}
	if p.Email.Set {
		u.Email = normalizeEmail(p.Email.Value)
		checkEmail(bad, u.Email)
	}
	if p.Role.Set {
		if !p.Role.Value.Valid() {
			bad.Add("role", "must be admin, manager or sales")
		} else if p.Role.Value != u.Role {
			if u.ID == actor.ID {
				bad.Add("role", "you cannot change your own role")
			}
			u.Role, revoke = p.Role.Value, true
		}
	}
	if p.ManagerID.Set {
		if p.ManagerID.Null || p.ManagerID.Value == 0 {
			u.ManagerID = nil
		} else {
			m := p.ManagerID.Value
			u.ManagerID = &m
		}
	}
	if p.Language.Set {
		u.Language = p.Language.Value
		checkLanguage(bad, u.Language)
	}
	if p.Password.Set {
		checkPassword(bad, p.Password.Value)
	}
	return revoke, bad.Err()
}

// Update changes a user. Only admins update users; a new password or a role change ends
// the user's sessions, since both change what the old tokens stand for.
func (s *Service) Update(ctx context.Context, actor User, id int64, p Patch) (User, error) {
	if !actor.IsAdmin() {
		return User{}, fault.Forbidden("only admins change users")
	}
	var out User
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Take(&u, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fault.NotFound("user", id)
			}
			return err
		}
		before := u
		revoke, err := p.apply(&u, actor)
		if err != nil {
			return err
		}
		if before.Role == RoleAdmin && u.Role != RoleAdmin && before.Status == StatusActive {
			if err := keepAnAdmin(tx, before); err != nil {
				return err
			}
		}
		if p.Password.Set {
			hash, err := s.HashPassword(p.Password.Value)
			if err != nil {
				return err
			}
			u.PasswordHash, revoke = hash, true
		}
		if err := checkManager(tx, u.ID, u.ManagerID); err != nil {
			return err
		}
		if p.Email.Set {
			if err := emailFree(tx, u.ID, u.Email); err != nil {
				return err
			}
		}
		if revoke {
			u.TokenVersion++
		}
		u.UpdatedAt = s.now().UTC()
		if err := tx.Select("name", "email", "role", "manager_id", "language", "password_hash",
			"token_version", "updated_at").Updates(&u).Error; err != nil {
			return err
		}
		out = u
		return audit.Record(ctx, tx, audit.Entry{At: u.UpdatedAt, ActorID: &actor.ID, Action: "user.update",
			Entity: "user", EntityID: u.ID}, before, u)
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, err)
	}
	return out, nil
}

// HashPassword returns the bcrypt hash of password at the service's cost.
func (s *Service) HashPassword(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// checkName trims *name and checks it as one line of at most 100 characters.
func checkName(bad fault.Collect, name *string) {
	check.Line(bad, "name", name, 100, true)
}

func checkEmail(bad fault.Collect, email string) {
	if email == "" {
		bad.Add("email", "is required")
		return
	}
	check.Email(bad, "email", email)
}

func checkPassword(bad fault.Collect, pw string) {
	switch n := utf8.RuneCountInString(pw); {
	case n == 0:
		bad.Add("password", "is required")
	case strings.TrimSpace(pw) == "":
		bad.Add("password", "may not be only spaces")
	case n < MinPasswordLength:
		bad.Add("password", "must be at least 10 characters") // MinPasswordLength
	case len(pw) > 72:
		bad.Add("password", "must be at most 72 bytes") // bcrypt's limit
	}
}

func checkLanguage(bad fault.Collect, lang string) {
	if lang != "" && lang != "en" && lang != "zh-CN" {
		bad.Add("language", "must be en or zh-CN")
	}
}

// checkManager makes sure a user's manager exists, manages (manager or admin), is not
// departed and is not the user.
func checkManager(tx *gorm.DB, userID int64, managerID *int64) error {
	if managerID == nil {
		return nil
	}
	if *managerID == userID {
		return fault.Invalid(fault.Fields{"manager_id": "a user cannot be their own manager"})
	}
	var m User
	if err := tx.Take(&m, *managerID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fault.Invalid(fault.Fields{"manager_id": "no such user"})
		}
		return err
	}
	if !m.CanManage() {
		return fault.Invalid(fault.Fields{"manager_id": "must be a manager or an admin"})
	}
	if m.Status == StatusDeparted {
		return fault.Invalid(fault.Fields{"manager_id": "has departed"})
	}
	return nil
}

func emailFree(tx *gorm.DB, self int64, email string) error {
	var n int64
	if err := tx.Model(&User{}).Where("email = ? AND id <> ?", email, self).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return fault.Conflict("a user with this e-mail already exists", map[string]string{"email": email})
	}
	return nil
}
