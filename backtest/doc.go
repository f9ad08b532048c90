// Package backtest measures decisions against labels: recall per attack
// kind, false positives among normal and heavy legitimate clients, and the
// time from an attack's onset to its first decision.
//
// It sits at the end of the offline data flow: portcullis score writes
// decisions, and with --labels it prints this package's Report.
package backtest
