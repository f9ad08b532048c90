// Package detector turns feature vectors into decisions.
//
// It sits after features and models in the data flow:
//
//	ingest.Record -> Pipeline.Process -> features -> models.Model.Judge -> Policy -> Decision
//
// The same Pipeline serves the offline backtest (portcullis score) and the
// online detector, and it runs on event time, so replaying a recording gives
// the decisions a live run over the same events would have given. Train
// fits a models.Model by running the Pipeline over recordings twice: once to
// sample the population, once to calibrate the threshold.
package detector
