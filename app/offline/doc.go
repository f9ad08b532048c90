// Package offline runs the commands that work on recordings rather than
// on live traffic: gen generates a labelled recording, train learns a
// model from recordings, score replays a recording through the same
// pipeline the online detector runs and writes its decisions, replay
// produces a recording into Kafka, and limits prints the per-endpoint
// rate limits a model learned. The commands that read recordings read
// them through Input, and train and score call an input that is not an
// access log bad (ErrBadInput) with a verdict that quotes the first bad
// line escaped.
package offline
