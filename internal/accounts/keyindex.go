package accounts

import "hash/maphash"

// keyIndex finds values by a text key in little memory: most keys (names, e-mail
// addresses, phone numbers) belong to one value, and are kept as a 64-bit hash only; a key
// that two values share keeps its text, for the duplicates list. Two keys with one hash
// would be taken for one: about one chance in a billion with a million keys.
type keyIndex[T any] struct {
	first map[uint64]T
	more  map[uint64]*sharedKey[T]
}

// sharedKey is a key held by more than one value.
type sharedKey[T any] struct {
	Key   string
	Items []T
}

var keySeed = maphash.MakeSeed()

func newKeyIndex[T any](n int) keyIndex[T] {
	return keyIndex[T]{first: make(map[uint64]T, n), more: map[uint64]*sharedKey[T]{}}
}

func (x keyIndex[T]) add(key string, v T) {
	h := maphash.String(keySeed, key)
	f, ok := x.first[h]
	if !ok {
		x.first[h] = v
		return
	}
	if m := x.more[h]; m != nil {
		m.Items = append(m.Items, v)
		return
	}
	x.more[h] = &sharedKey[T]{Key: key, Items: []T{f, v}}
}

// get returns the values of key, nil when none.
func (x keyIndex[T]) get(key string) []T {
	h := maphash.String(keySeed, key)
	if m := x.more[h]; m != nil {
		return m.Items
	}
	if f, ok := x.first[h]; ok {
		return []T{f}
	}
	return nil
}

// shared calls fn for every key held by more than one value.
func (x keyIndex[T]) shared(fn func(key string, items []T)) {
	for _, m := range x.more {
		fn(m.Key, m.Items)
	}
}
