// Package offline runs the commands that work on recordings rather than
// on live traffic: train learns a model from recordings, score replays a
// recording through the same pipeline the online detector runs and
// writes its decisions. Both read their input through Input, and both
// call an input that is not an access log bad (ErrBadInput) with a
// verdict that quotes the first bad line escaped.
package offline
