// Package apikey names an API key by its id everywhere past the request
// that presented it: the checks of the gateway and of the decision service
// hash a presented key with it, the log parsers hash a key a proxy logged,
// and a decision scoped to a key (decision.ScopeAPIKey) names the id. It
// is a leaf apart from package decision, so that what imports decision
// alone does not carry the hash.
package apikey

import (
	"crypto/sha256"
	"encoding/hex"
)

// IDLen is the length of an API key's id: "key_" and 8 hex digits.
const IDLen = len("key_") + 8

// ID is the id a client's API key goes by everywhere past the request
// that presented it: "key_" and the first 4 bytes of the key's SHA-256,
// in hex. A decision scoped to a key (decision.ScopeAPIKey) names it by
// this id, the checks of the gateway and of the decision service hash a
// presented key the same way, and the log parsers store the id of a key a
// proxy logged, so that neither the blocklist nor a log holds the secret.
// It returns "" for "".
func ID(key string) string {
	if key == "" {
		return ""
	}
	return string(AppendID(make([]byte, 0, IDLen), key))
}

// AppendID appends ID(key) to dst; nothing for an empty key.
// A key of up to 128 bytes is hashed without allocating.
func AppendID[K string | []byte](dst []byte, key K) []byte {
	if len(key) == 0 {
		return dst
	}
	var sum [sha256.Size]byte
	if len(key) <= 128 {
		var buf [128]byte // a key of common length is hashed from the stack
		sum = sha256.Sum256(buf[:copy(buf[:], key)])
	} else {
		sum = sha256.Sum256([]byte(key))
	}
	dst = append(dst, "key_"...)
	return hex.AppendEncode(dst, sum[:4])
}
