package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maxJWKSBytes bounds a JWKS response.
const maxJWKSBytes = 1 << 20

// JWKS is a cached JSON Web Key Set fetched from a URL: refreshed in the
// background by Run, and on demand when a token names an unknown kid, at
// most once per minimum interval. Key is safe for concurrent use.
type JWKS struct {
	url         string
	client      *http.Client
	refresh     time.Duration
	minInterval time.Duration
	now         func() time.Time
	logger      *slog.Logger

	keys atomic.Pointer[keySet]

	mu          sync.Mutex // one fetch at a time
	lastAttempt time.Time
	// next is how long Run waits after the latest successful fetch: the
	// refresh interval, or sooner when the server's Cache-Control max-age
	// says its keys expire sooner (never below the minimum interval).
	next time.Duration
}

// keySet is an immutable set of verification keys by kid.
type keySet struct {
	byKID map[string]jose.JSONWebKey
	all   []jose.JSONWebKey
}

// NewJWKS returns a JWKS for url that Run keeps fresh every refresh, and
// that a lookup of an unknown kid refreshes at most once per minInterval.
// client may be nil (a client with a 10 s timeout); now may be nil
// (time.Now).
func NewJWKS(url string, refresh, minInterval time.Duration, client *http.Client, now func() time.Time, logger *slog.Logger) *JWKS {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	j := &JWKS{url: url, client: client, refresh: refresh, minInterval: minInterval, now: now, logger: logger}
	j.keys.Store(&keySet{byKID: map[string]jose.JSONWebKey{}})
	return j
}

// Key returns the verification key with kid; with an empty kid, the only
// key of the set. On a miss it refreshes the set, unless it did within the
// minimum interval, and returns ErrUnknownKey if the key is still missing.
func (j *JWKS) Key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	if k, ok := j.keys.Load().lookup(kid); ok {
		return k, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if k, ok := j.keys.Load().lookup(kid); ok { // fetched while we waited
		return k, nil
	}
	if now := j.now(); !j.lastAttempt.IsZero() && now.Sub(j.lastAttempt) < j.minInterval {
		return jose.JSONWebKey{}, ErrUnknownKey
	}
	if err := j.fetchLocked(ctx); err != nil {
		j.logger.LogAttrs(ctx, slog.LevelWarn, "jwks refresh for an unknown kid failed", slog.String("url", j.url), slog.Any("error", err))
		return jose.JSONWebKey{}, fmt.Errorf("%w: %w", ErrUnknownKey, err)
	}
	if k, ok := j.keys.Load().lookup(kid); ok {
		return k, nil
	}
	return jose.JSONWebKey{}, ErrUnknownKey
}

func (s *keySet) lookup(kid string) (jose.JSONWebKey, bool) {
	if kid == "" {
		if len(s.all) == 1 {
			return s.all[0], true
		}
		return jose.JSONWebKey{}, false
	}
	k, ok := s.byKID[kid]
	return k, ok
}

// Refresh fetches the set now, whatever the minimum interval.
func (j *JWKS) Refresh(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.fetchLocked(ctx)
}

func (j *JWKS) fetchLocked(ctx context.Context) error {
	j.lastAttempt = j.now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return fmt.Errorf("auth: jwks %s: %w", j.url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return fmt.Errorf("auth: jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("auth: jwks %s: status %d", j.url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return fmt.Errorf("auth: jwks %s: %w", j.url, err)
	}
	if len(body) > maxJWKSBytes {
		return fmt.Errorf("auth: jwks %s: larger than %d bytes", j.url, maxJWKSBytes)
	}
	set, err := parseJWKS(body)
	if err != nil {
		return fmt.Errorf("auth: jwks %s: %w", j.url, err)
	}
	j.keys.Store(set)
	j.next = j.refresh
	if age, ok := maxAge(resp.Header.Values("Cache-Control")); ok {
		j.next = min(j.refresh, max(age, j.minInterval))
	}
	j.logger.LogAttrs(ctx, slog.LevelDebug, "jwks refreshed", slog.String("url", j.url), slog.Int("keys", len(set.all)),
		slog.Duration("next", j.next))
	return nil
}

// maxAge returns the lifetime a Cache-Control header gives a response:
// its max-age, or 0 for no-cache and no-store; ok is false when it says
// neither.
func maxAge(values []string) (time.Duration, bool) {
	for _, v := range values {
		for d := range strings.SplitSeq(v, ",") {
			d = strings.ToLower(strings.TrimSpace(d))
			switch {
			case d == "no-cache" || d == "no-store":
				return 0, true
			case strings.HasPrefix(d, "max-age="):
				n, err := strconv.ParseInt(strings.Trim(d[len("max-age="):], `"`), 10, 64)
				if err != nil || n < 0 {
					continue
				}
				return time.Duration(min(n, int64(365*24*3600))) * time.Second, true
			}
		}
	}
	return 0, false
}

// nextRefresh returns how long Run waits after the latest successful fetch.
func (j *JWKS) nextRefresh() time.Duration {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.next
}

// parseJWKS keeps the public signature keys of a JWKS document; private
// parts, if any, are dropped.
func parseJWKS(body []byte) (*keySet, error) {
	var raw jose.JSONWebKeySet
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	s := &keySet{byKID: map[string]jose.JSONWebKey{}}
	for _, k := range raw.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if !k.IsPublic() {
			k = k.Public()
		}
		if !k.Valid() {
			continue
		}
		s.all = append(s.all, k)
		if k.KeyID != "" {
			s.byKID[k.KeyID] = k
		}
	}
	if len(s.all) == 0 {
		return nil, errors.New("no usable signature key in the set")
	}
	return s, nil
}

// Run fetches the set at once, then every refresh interval (sooner when
// the server's Cache-Control max-age is shorter, but not more often than
// the minimum interval), until ctx ends; it returns nil then. A failed fetch keeps the keys it had and is
// retried with backoff up to the refresh interval.
func (j *JWKS) Run(ctx context.Context) error {
	wait := time.Duration(0)
	backoff := time.Second
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		if err := j.Refresh(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			j.logger.LogAttrs(ctx, slog.LevelWarn, "jwks refresh failed; keeping the keys held", slog.String("url", j.url), slog.Any("error", err))
			wait = backoff
			backoff = min(2*backoff, j.refresh)
			continue
		}
		wait, backoff = j.nextRefresh(), time.Second
	}
}
