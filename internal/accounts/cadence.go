package accounts

// DefaultCadence is the contact interval in days for each tier until an admin changes it:
// key accounts every two weeks, growth monthly, standard quarterly.
var DefaultCadence = map[Tier]int{TierKey: 14, TierGrowth: 30, TierStandard: 90}

func defaultCadence(t Tier) int {
	if d, ok := DefaultCadence[t]; ok {
		return d
	}
	return DefaultCadence[TierStandard]
}
