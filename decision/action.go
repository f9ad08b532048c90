package decision

import (
	"errors"
	"fmt"
)

// Actions of a Decision: what a gateway does with the requests of the
// client it names.
const (
	// ActionBlock refuses every request (403).
	ActionBlock = "block"
	// ActionThrottle holds the client to Limit requests a second; a
	// request over it is refused with 429 and Retry-After.
	ActionThrottle = "throttle"
	// ActionChallenge sends a browser a proof-of-work page; a request to
	// an API route, which no browser answers, is throttled instead.
	ActionChallenge = "challenge"
	// ActionLog records the decision and enforces nothing: a way to learn
	// what a policy would do to live traffic before it acts.
	ActionLog = "log"
)

// Actions lists the actions, from the mildest to the strictest.
func Actions() []string {
	return []string{ActionLog, ActionThrottle, ActionChallenge, ActionBlock}
}

// ErrUnknownAction is wrapped by the errors about an action that is not
// one of Actions.
var ErrUnknownAction = errors.New("unknown action")

// CheckAction says whether a is one of the actions, and what to use
// instead when it is not. The empty action, of decisions written before
// decisions had other actions than block, is not one: FillAction reads it
// as block.
func CheckAction(a string) error {
	switch a {
	case ActionBlock, ActionThrottle, ActionChallenge, ActionLog:
		return nil
	}
	return fmt.Errorf("%w %q: use %s, %s, %s or %s", ErrUnknownAction, a, ActionBlock, ActionThrottle, ActionChallenge, ActionLog)
}

// FillAction reads a decision written before decisions had actions other
// than block: an empty Action is ActionBlock. It returns an error wrapping
// ErrUnknownAction when the Action is not one of Actions, or a Limit that
// is negative or not a number. A store calls it on every decision it
// reads, with FillOrigin.
func (d *Decision) FillAction() error {
	if d.Action == "" {
		d.Action = ActionBlock
	}
	if err := CheckAction(d.Action); err != nil {
		return fmt.Errorf("decision about %q: %w", d.Client, err)
	}
	if !(d.Limit >= 0) {
		return fmt.Errorf("decision about %q: limit %v: set it to a rate in requests a second, or leave it out", d.Client, d.Limit)
	}
	return nil
}

// Enforced says whether a gateway acts on the decision: every action but
// log, and not in a simulated decision.
func (d *Decision) Enforced() bool { return d.Action != ActionLog && !d.Simulated }
