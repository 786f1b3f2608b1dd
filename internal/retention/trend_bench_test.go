package retention

import (
	"fmt"
	"testing"
)

// BenchmarkTrend is the churn trend's arithmetic over the benchmark's book: 50,000
// accounts, one in twelve lost in two years, 24 months by size.
func BenchmarkTrend(b *testing.B) {
	p := period()
	p.From, p.To = "2025-01-01", "2026-12-31"
	subjects := make([]subject, 50000)
	var losses []loss
	for i := range subjects {
		subjects[i] = subject{ID: int64(i + 1), Size: []string{"large", "mid", "small", ""}[i%4], Tier: "key",
			CustomerSince: "2020-01-01", AnnualValue: int64(i), Currency: []string{"CNY", "USD"}[i%2]}
		if i%12 == 0 {
			losses = append(losses, loss{AccountID: int64(i + 1), ChurnedOn: fmt.Sprintf("2026-%02d-15", i%12+1), AnnualValue: 1, Currency: "CNY"})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		trend(p, 24, "size", subjects, losses)
	}
}
