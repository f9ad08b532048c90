package decision

import (
	"crypto/sha256"
	"encoding/hex"
)

// APIKeyIDLen is the length of an API key's id: "key_" and 8 hex digits.
const APIKeyIDLen = len("key_") + 8

// APIKeyID is the id a client's API key goes by everywhere past the
// request that presented it: "key_" and the first 4 bytes of the key's
// SHA-256, in hex. A decision scoped to a key (ScopeAPIKey) names it by
// this id, the checks of the gateway and of the decision service hash a
// presented key the same way, and the log parsers store the id of a key a
// proxy logged, so that neither the blocklist nor a log holds the secret.
// It returns "" for "".
func APIKeyID(key string) string {
	if key == "" {
		return ""
	}
	return string(AppendAPIKeyID(make([]byte, 0, APIKeyIDLen), key))
}

// AppendAPIKeyID appends APIKeyID(key) to dst; nothing for an empty key.
// A key of up to 128 bytes is hashed without allocating.
func AppendAPIKeyID[K string | []byte](dst []byte, key K) []byte {
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
