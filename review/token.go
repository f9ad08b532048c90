package review

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"strings"
)

// TokenEnv is the environment variable that holds the admin token.
const TokenEnv = "PORTCULLIS_ADMIN_TOKEN"

// MinTokenLen is the shortest admin token accepted.
const MinTokenLen = 16

// ErrNoToken says no admin token is configured: the review API stays off.
var ErrNoToken = errors.New("no admin token: set " + TokenEnv + " or admin.token_file to turn on the review API and page")

// LoadToken returns the admin token, from the environment variable
// TokenEnv (read with getenv) or from the file at path. Surrounding white
// space, such as a file's final newline, is dropped. It returns ErrNoToken
// when neither is set, and an error when both are, or when the token is
// shorter than MinTokenLen.
func LoadToken(path string, getenv func(string) string) (string, error) {
	env := strings.TrimSpace(getenv(TokenEnv))
	var tok, from string
	switch {
	case env != "" && path != "":
		return "", fmt.Errorf("review: the admin token is set both in %s and in admin.token_file; keep one", TokenEnv)
	case env != "":
		tok, from = env, TokenEnv
	case path != "":
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("review: admin.token_file: %w", err)
		}
		tok, from = strings.TrimSpace(string(b)), path
	default:
		return "", ErrNoToken
	}
	if len(tok) < MinTokenLen {
		return "", fmt.Errorf("review: the admin token in %s is %d characters; use %d or more, for example: openssl rand -hex 32", from, len(tok), MinTokenLen)
	}
	return tok, nil
}

// tokenCheck compares bearer tokens with the admin token in constant time.
// It keeps only a hash of the token, so comparing does not leak its length
// either.
type tokenCheck [sha256.Size]byte

func newTokenCheck(tok string) tokenCheck { return sha256.Sum256([]byte(tok)) }

func (c *tokenCheck) matches(tok string) bool {
	got := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(got[:], c[:]) == 1
}
