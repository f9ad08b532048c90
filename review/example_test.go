package review_test

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/portcullis/portcullis/review"
)

// A query string of the list endpoint becomes a Query; a bad one is an
// error wrapping ErrBadInput, which the API answers with 400.
func ExampleParseQuery() {
	now := time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC)
	v, _ := url.ParseQuery("reason=auth_fail_ratio&since=15m&client=203.0.113.0/24&limit=20")
	q, err := review.ParseQuery(v, now)
	fmt.Println(q.Reason, q.Since.Format(time.RFC3339), q.Prefix, q.Limit, err)

	v, _ = url.ParseQuery("action=ban")
	_, err = review.ParseQuery(v, now)
	fmt.Println(errors.Is(err, review.ErrBadInput), err)
	// Output:
	// auth_fail_ratio 2026-03-03T09:15:00Z 203.0.113.0/24 20 <nil>
	// true bad input: unknown action "ban"; use log, throttle, challenge, block or simulated
}
