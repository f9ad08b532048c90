package auth

import "errors"

// Sentinel errors of authentication and authorization. The reasons are
// logged at debug level and counted; the client is told only 401 or 403.
var (
	// ErrNoCredentials: the request carries none of the route's credentials.
	ErrNoCredentials = errors.New("no credentials")
	// ErrMalformed: the Authorization header or the token is not well formed.
	ErrMalformed = errors.New("malformed credentials")
	// ErrAlgorithm: the token's alg is not in its issuer's allowlist.
	ErrAlgorithm = errors.New("algorithm not allowed")
	// ErrUnknownIssuer: no configured issuer has the token's iss.
	ErrUnknownIssuer = errors.New("unknown issuer")
	// ErrAudience: the token's aud names none of the issuer's audiences.
	ErrAudience = errors.New("wrong audience")
	// ErrExpired: the token's exp has passed.
	ErrExpired = errors.New("token expired")
	// ErrNotYetValid: the token's nbf or iat lies in the future.
	ErrNotYetValid = errors.New("token not yet valid")
	// ErrUnknownKey: no key of the issuer has the token's kid, even after a
	// refresh of the JWKS.
	ErrUnknownKey = errors.New("unknown signing key")
	// ErrSignature: the signature does not verify.
	ErrSignature = errors.New("bad signature")
	// ErrUnknownAPIKey: no stored key matches the API key.
	ErrUnknownAPIKey = errors.New("unknown api key")
	// ErrKeyRevoked: the API key was revoked.
	ErrKeyRevoked = errors.New("api key revoked")
	// ErrKeyExpired: the API key, or the secret used after its rotation
	// overlap, has expired.
	ErrKeyExpired = errors.New("api key expired")
	// ErrForbidden: authenticated, but no rule of the policy allows the
	// request.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: no stored key has the id.
	ErrNotFound = errors.New("not found")
)

// Reason returns a short, bounded label for err, for metrics and debug
// logs: one of missing, malformed, algorithm, issuer, audience, expired,
// not_yet_valid, unknown_key, signature, unknown_api_key, revoked,
// key_expired, forbidden or invalid.
func Reason(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNoCredentials):
		return "missing"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	case errors.Is(err, ErrAlgorithm):
		return "algorithm"
	case errors.Is(err, ErrUnknownIssuer):
		return "issuer"
	case errors.Is(err, ErrAudience):
		return "audience"
	case errors.Is(err, ErrExpired):
		return "expired"
	case errors.Is(err, ErrNotYetValid):
		return "not_yet_valid"
	case errors.Is(err, ErrUnknownKey):
		return "unknown_key"
	case errors.Is(err, ErrSignature):
		return "signature"
	case errors.Is(err, ErrUnknownAPIKey):
		return "unknown_api_key"
	case errors.Is(err, ErrKeyRevoked):
		return "revoked"
	case errors.Is(err, ErrKeyExpired):
		return "key_expired"
	case errors.Is(err, ErrForbidden):
		return "forbidden"
	}
	return "invalid"
}
