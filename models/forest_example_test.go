package models_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/portcullis/portcullis/models"
)

func ExampleFitForest() {
	// 10,000 ordinary rows of two features around (0, 0).
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, 0, 2*10000)
	for range 10000 {
		data = append(data, rng.NormFloat64(), rng.NormFloat64())
	}
	forest, err := models.FitForest(data, 2, models.ForestConfig{Seed: 42})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Score one row at a time, or many at once into a slice the caller owns.
	fmt.Printf("ordinary (0.1, -0.2): %.2f\n", forest.Score([]float64{0.1, -0.2}))
	fmt.Printf("far away (6, 6):      %.2f\n", forest.Score([]float64{6, 6}))
	out := make([]float64, 2)
	forest.ScoreBatch([]float64{0.1, -0.2, 6, 6}, out)
	fmt.Printf("batch:                %.2f\n", out)

	// The forest round-trips through bytes with identical scores.
	b, _ := forest.MarshalBinary()
	var loaded models.Forest
	if err := loaded.UnmarshalBinary(b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same after reload:", loaded.Score([]float64{6, 6}) == out[1])
	// Output:
	// ordinary (0.1, -0.2): 0.40
	// far away (6, 6):      0.75
	// batch:                [0.40 0.75]
	// same after reload: true
}
