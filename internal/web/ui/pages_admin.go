package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/opt"
	"keyhold/internal/staff"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
)

type usersView struct {
	Users     []staff.User
	ManagerOf map[int64]string // user id → their manager's name
	Total     int64
	paging
}

func (s adminPages) usersPage(c *gin.Context) {
	q := httpkit.NewQuery(c)
	p := q.Page()
	if err := q.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	p = p.Normalized()
	list, total, err := s.Staff.List(c.Request.Context(), staff.Filter{Page: p})
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := usersView{Users: list, Total: total, ManagerOf: map[int64]string{}}
	managers, err := s.managerChoices(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	names := map[int64]string{}
	for _, m := range managers {
		names[m.ID] = m.Name
	}
	for _, u := range list {
		if u.ManagerID != nil {
			v.ManagerOf[u.ID] = names[*u.ManagerID]
		}
	}
	v.paging = pagingOf(c.Request.URL, p, total)
	s.render(c, "users", done(c, pageData{Nav: "users", Data: v}))
}

// managerChoices lists the people who can lead a team: managers and admins.
func (s adminPages) managerChoices(c *gin.Context) ([]staff.User, error) {
	var out []staff.User
	for _, r := range []staff.Role{staff.RoleManager, staff.RoleAdmin} {
		list, _, err := s.Staff.List(c.Request.Context(), staff.Filter{Role: r, Page: store.Page{Number: 1, Size: store.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

type userFormView struct {
	Editing  bool
	Action   string
	Roles    []staff.Role
	Managers []staff.User
}

var userFields = []string{"name", "email", "role", "manager_id"}

func (s adminPages) userForm(c *gin.Context, status int, v userFormView, d pageData) {
	managers, err := s.managerChoices(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Roles, v.Managers = []staff.Role{staff.RoleSales, staff.RoleManager, staff.RoleAdmin}, managers
	d.Nav, d.Data = "users", v
	s.renderStatus(c, status, "user_form", d)
}

func (s adminPages) newUserPage(c *gin.Context) {
	s.userForm(c, http.StatusOK, userFormView{Action: "/admin/users"}, pageData{Form: map[string]string{"role": "sales"}})
}

func managerID(form map[string]string) *int64 {
	id, err := strconv.ParseInt(form["manager_id"], 10, 64)
	if err != nil || id == 0 {
		return nil
	}
	return &id
}

func (s adminPages) createUserSubmit(c *gin.Context) {
	form := formValues(c, userFields...)
	_, err := s.Staff.Create(c.Request.Context(), httpkit.CurrentUser(c), staff.NewUser{Name: form["name"], Email: form["email"],
		Password: c.PostForm("password"), Role: staff.Role(form["role"]), ManagerID: managerID(form)})
	if err != nil {
		s.userFormError(c, userFormView{Action: "/admin/users"}, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done=user_created")
}

func (s adminPages) userFormError(c *gin.Context, v userFormView, form map[string]string, err error) {
	fields, msg, ok := formErrors(c, err)
	if !ok {
		s.pageError(c, err)
		return
	}
	s.userForm(c, http.StatusUnprocessableEntity, v, pageData{Form: form, Errors: fields, Message: msg})
}

func (s adminPages) editUserPage(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	u, err := s.Staff.Get(c.Request.Context(), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := map[string]string{"name": u.Name, "email": u.Email, "role": string(u.Role)}
	if u.ManagerID != nil {
		form["manager_id"] = strconv.FormatInt(*u.ManagerID, 10)
	}
	s.userForm(c, http.StatusOK, userFormView{Editing: true, Action: fmt.Sprintf("/admin/users/%d", id)}, pageData{Form: form})
}

func (s adminPages) editUserSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, userFields...)
	p := staff.Patch{Name: opt.Of(form["name"]), Email: opt.Of(form["email"]), Role: opt.Of(staff.Role(form["role"]))}
	if m := managerID(form); m != nil {
		p.ManagerID = opt.Of(*m)
	} else {
		p.ManagerID = opt.Field[int64]{Set: true, Null: true}
	}
	if pw := c.PostForm("password"); pw != "" {
		p.Password = opt.Of(pw)
	}
	if _, err := s.Staff.Update(c.Request.Context(), httpkit.CurrentUser(c), id, p); err != nil {
		s.userFormError(c, userFormView{Editing: true, Action: fmt.Sprintf("/admin/users/%d", id)}, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done=user_saved")
}
