package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/money"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

// currenciesBody answers the currency list: which is the base, and every currency.
type currenciesBody struct {
	Base string           `json:"base"`
	Data []money.Currency `json:"data"`
}

func (s *server) apiCurrencies(c *gin.Context) {
	cs, err := s.Money.List(c.Request.Context())
	body := currenciesBody{Data: cs}
	for _, x := range cs {
		if x.Base {
			body.Base = x.Code
		}
	}
	httpkit.Respond(c, http.StatusOK, body, err)
}

func (s *server) apiCurrency(c *gin.Context) {
	cur, err := s.Money.Get(c.Request.Context(), c.Param("code"))
	httpkit.Respond(c, http.StatusOK, cur, err)
}

// setCurrencyIn is the body of apiSetCurrency.
type setCurrencyIn struct {
	RateToBase opt.Field[float64] `json:"rate_to_base"`
	Base       opt.Field[bool]    `json:"base"`
}

func (s *server) apiSetCurrency(c *gin.Context) {
	var in setCurrencyIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	cur, err := s.Money.Set(c.Request.Context(), httpkit.CurrentUser(c), c.Param("code"),
		money.Change{RateToBase: in.RateToBase, Base: in.Base})
	httpkit.Respond(c, http.StatusOK, cur, err)
}

func (s *server) apiDeleteCurrency(c *gin.Context) {
	if err := s.Money.Delete(c.Request.Context(), httpkit.CurrentUser(c), c.Param("code")); err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
