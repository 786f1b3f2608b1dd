package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/opt"
	"keyhold/internal/staff"
	"keyhold/internal/web/httpkit"
)

// loginIn is the body of apiLogin.
type loginIn struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *server) apiLogin(c *gin.Context) {
	var in loginIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	sess, err := s.Auth.Login(c.Request.Context(), in.Email, in.Password, c.ClientIP())
	httpkit.Respond(c, http.StatusOK, sess, err)
}

func (s *server) apiMe(c *gin.Context) {
	httpkit.WriteJSON(c, http.StatusOK, httpkit.CurrentUser(c))
}

func (s *server) apiListUsers(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := staff.Filter{Role: staff.Role(q.Str("role")), Status: staff.Status(q.Str("status")),
		ManagerID: q.Int64("manager_id"), Page: q.Page()}
	if !q.OK() {
		return
	}
	users, total, err := s.Staff.List(c.Request.Context(), f)
	httpkit.RespondList(c, f.Page, users, total, err)
}

// createUserIn is the body of apiCreateUser.
type createUserIn struct {
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Password  string     `json:"password"`
	Role      staff.Role `json:"role"`
	ManagerID *int64     `json:"manager_id"`
}

func (s *server) apiCreateUser(c *gin.Context) {
	var in createUserIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	u, err := s.Staff.Create(c.Request.Context(), httpkit.CurrentUser(c), staff.NewUser{Name: in.Name, Email: in.Email,
		Password: in.Password, Role: in.Role, ManagerID: in.ManagerID})
	httpkit.Respond(c, http.StatusCreated, u, err)
}

func (s *server) apiGetUser(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	u, err := s.Staff.Get(c.Request.Context(), id)
	httpkit.Respond(c, http.StatusOK, u, err)
}

// updateUserIn is the body of apiUpdateUser.
type updateUserIn struct {
	Name      opt.Field[string]     `json:"name"`
	Email     opt.Field[string]     `json:"email"`
	Role      opt.Field[staff.Role] `json:"role"`
	ManagerID opt.Field[int64]      `json:"manager_id"`
	Password  opt.Field[string]     `json:"password"`
	Language  opt.Field[string]     `json:"language"`
}

func (s *server) apiUpdateUser(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in updateUserIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	u, err := s.Staff.Update(c.Request.Context(), httpkit.CurrentUser(c), id, staff.Patch(in))
	httpkit.Respond(c, http.StatusOK, u, err)
}

// apiUpdateMe changes the caller's own preferences: for now, the language.
// updateMeIn is the body of apiUpdateMe.
type updateMeIn struct {
	Language string `json:"language"`
}

func (s *server) apiUpdateMe(c *gin.Context) {
	var in updateMeIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	u, err := s.Staff.SetLanguage(c.Request.Context(), httpkit.CurrentUser(c), in.Language)
	httpkit.Respond(c, http.StatusOK, u, err)
}

// apiChangePassword changes the caller's password; every token they hold stops working,
// and the answer carries a new one.
// changePasswordIn is the body of apiChangePassword.
type changePasswordIn struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *server) apiChangePassword(c *gin.Context) {
	var in changePasswordIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	u, err := s.Staff.ChangePassword(c.Request.Context(), httpkit.CurrentUser(c), in.CurrentPassword, in.NewPassword)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	sess, err := s.Auth.Issue(u)
	httpkit.Respond(c, http.StatusOK, sess, err)
}
