package auth

import (
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when the e-mail is unknown, so that an unknown e-mail
// takes as long as a wrong password and sign-in does not reveal who has an account.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("keyhold-timing-equaliser"), bcrypt.DefaultCost)
	return h
})

func checkPassword(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

func normalizeKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
