package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/money"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

// The admin's currency page: the base currency, every currency with its rate and the
// accounts billed in it, a form to add one, and the rates still missing first.

type currenciesView struct {
	Base       string
	Currencies []money.Currency
	Missing    int // currencies without a rate
}

func (s adminPages) currenciesPage(c *gin.Context) {
	s.showCurrencies(c, http.StatusOK, pageData{})
}

func (s adminPages) showCurrencies(c *gin.Context, status int, d pageData) {
	cs, err := s.Money.List(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := currenciesView{Currencies: cs}
	for _, x := range cs {
		if x.Base {
			v.Base = x.Code
		}
		if x.RateToBase == nil {
			v.Missing++
		}
	}
	d.Nav, d.Data = "currencies", v
	s.renderStatus(c, status, "currencies", d)
}

// currencySubmit adds a currency or changes its rate.
func (s adminPages) currencySubmit(c *gin.Context) {
	form := formValues(c, "code", "rate_to_base", "form") // form: "add" for the add form, else a row's
	ch := money.Change{RateToBase: opt.Field[float64]{Set: true, Null: true}}
	if r, err := strconv.ParseFloat(strings.TrimSpace(form["rate_to_base"]), 64); err == nil {
		ch.RateToBase = opt.Of(r)
	}
	s.currencyChange(c, form, func() error {
		_, err := s.Money.Set(c.Request.Context(), httpkit.CurrentUser(c), form["code"], ch)
		return err
	}, "currencies.saved")
}

// baseCurrencySubmit makes a currency the base.
func (s adminPages) baseCurrencySubmit(c *gin.Context) {
	s.currencyChange(c, map[string]string{"code": c.Param("code")}, func() error {
		_, err := s.Money.Set(c.Request.Context(), httpkit.CurrentUser(c), c.Param("code"), money.Change{Base: opt.Of(true)})
		return err
	}, "currencies.rebased")
}

// deleteCurrencySubmit removes a currency nothing uses.
func (s adminPages) deleteCurrencySubmit(c *gin.Context) {
	s.currencyChange(c, map[string]string{"code": c.Param("code")}, func() error {
		return s.Money.Delete(c.Request.Context(), httpkit.CurrentUser(c), c.Param("code"))
	}, "currencies.deleted")
}

// currencyChange runs one of the page's forms and shows the page again: with the form's
// errors, or with what changed.
func (s adminPages) currencyChange(c *gin.Context, form map[string]string, do func() error, done string) {
	if err := do(); err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showCurrencies(c, status, d)
		return
	}
	code, _ := money.NormalizeCode(form["code"])
	s.showCurrencies(c, http.StatusOK, pageData{Message: httpkit.Lang(c).T(done, code), Notice: true})
}
