package models

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Defaults and limits of ForestConfig.
const (
	defaultForestTrees      = 100
	defaultForestSampleSize = 256

	maxForestDim        = 1 << 20
	maxForestTrees      = 1 << 16
	maxForestSampleSize = 1 << 24
	maxForestDepth      = 64
	// maxForestNodes bounds Trees × (2·SampleSize − 1), the most nodes a
	// forest can have, so that node indices fit in a uint32.
	maxForestNodes = 1 << 31
)

// ErrInvalidForestConfig is wrapped by the errors of ForestConfig.Validate
// and of FitForest when its configuration is invalid.
var ErrInvalidForestConfig = errors.New("invalid forest config")

// ForestConfig configures FitForest. The zero value asks for the defaults.
type ForestConfig struct {
	// Trees is the number of trees; 0 means 100.
	Trees int
	// SampleSize is ψ, the rows each tree is grown on, drawn without
	// replacement; 0 means 256. FitForest caps it at the number of rows.
	SampleSize int
	// MaxDepth is the depth limit of the trees; 0 means ceil(log2(ψ)) of
	// the capped ψ.
	MaxDepth int
	// Seed seeds the PCG generator: the same data, config and seed give an
	// identical forest and identical scores.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults. MaxDepth
// is derived from SampleSize; FitForest derives it again from the capped ψ
// when MaxDepth was left at zero and the data has fewer rows than SampleSize.
func (c ForestConfig) WithDefaults() ForestConfig {
	if c.Trees == 0 {
		c.Trees = defaultForestTrees
	}
	if c.SampleSize == 0 {
		c.SampleSize = defaultForestSampleSize
	}
	if c.MaxDepth == 0 && c.SampleSize >= 2 {
		c.MaxDepth = forestCeilLog2(c.SampleSize)
	}
	return c
}

// Validate reports whether c, with its defaults applied, can be fitted. Its
// errors wrap ErrInvalidForestConfig and name the field to change.
func (c ForestConfig) Validate() error {
	d := c.WithDefaults()
	var errs []error
	if d.Trees < 1 || d.Trees > maxForestTrees {
		errs = append(errs, fmt.Errorf("%w: Trees is %d; set it between 1 and %d, or to 0 for the default of %d",
			ErrInvalidForestConfig, c.Trees, maxForestTrees, defaultForestTrees))
	}
	if d.SampleSize < 2 || d.SampleSize > maxForestSampleSize {
		errs = append(errs, fmt.Errorf("%w: SampleSize is %d; set it between 2 and %d, or to 0 for the default of %d",
			ErrInvalidForestConfig, c.SampleSize, maxForestSampleSize, defaultForestSampleSize))
	}
	if d.MaxDepth < 0 || d.MaxDepth > maxForestDepth {
		errs = append(errs, fmt.Errorf("%w: MaxDepth is %d; set it between 1 and %d, or to 0 for ceil(log2(SampleSize))",
			ErrInvalidForestConfig, c.MaxDepth, maxForestDepth))
	}
	if len(errs) == 0 && int64(d.Trees)*int64(2*d.SampleSize-1) > maxForestNodes {
		errs = append(errs, fmt.Errorf("%w: Trees × SampleSize is %d × %d, which could need more than %d nodes; lower Trees or SampleSize",
			ErrInvalidForestConfig, d.Trees, d.SampleSize, maxForestNodes))
	}
	return errors.Join(errs...)
}

// forestNode is one node of a tree, in 16 bytes. Nodes are stored in one
// flat slice, tree after tree, each tree in breadth-first order, so the
// children of a tree's k-th internal node are its nodes 2k+1 and 2k+2.
//
// A row at an internal node goes to left when x[feat] <= thr (or x[feat] is
// NaN) and to left+1 when x[feat] > thr. A leaf has thr = +Inf and left
// pointing to itself, so a walk that reaches it stays there and every walk
// can take a fixed number of steps.
type forestNode struct {
	thr  float64
	feat uint32
	left uint32
}

// Forest is an isolation forest (Liu, Ting and Zhou, 2008) fitted by
// FitForest or decoded by UnmarshalBinary; the zero Forest is only good as
// the receiver of UnmarshalBinary. A Forest does not change after that, so
// Score, ScoreBatch and MarshalBinary may be called from several goroutines
// at once (UnmarshalBinary replaces it and must not run concurrently).
type Forest struct {
	dim        int
	sampleSize int // ψ actually used
	maxDepth   int // depth limit actually used
	seed       uint64

	nodes  []forestNode // all trees, flat
	leaf   []float64    // leaf[i] = depth + c(size) when nodes[i] is a leaf, else 0
	roots  []uint32     // index in nodes of each tree's root
	depths []uint8      // depth of each tree's deepest leaf: the length of its walks
	norm   float64      // 1 / (trees · c(ψ))
}

// FitForest fits an isolation forest on the n = len(data)/dim rows stored
// row-major in data. It does not keep data. It returns an error when dim or
// len(data) is inconsistent, when there are fewer than 2 rows, or when cfg is
// invalid (wrapping ErrInvalidForestConfig).
//
// Non-finite values are allowed: NaN goes to the left child of every split
// (at fit and at scoring alike) and is ignored when looking for a feature's
// range; ±Inf are ordinary extreme values.
func FitForest(data []float64, dim int, cfg ForestConfig) (*Forest, error) {
	if dim < 1 || dim > maxForestDim {
		return nil, fmt.Errorf("models: fit forest: dim is %d; pass the number of features per row, 1 to %d", dim, maxForestDim)
	}
	if len(data)%dim != 0 {
		return nil, fmt.Errorf("models: fit forest: len(data) = %d is not a multiple of dim = %d; pass whole rows", len(data), dim)
	}
	n := len(data) / dim
	if n < 2 {
		return nil, fmt.Errorf("models: fit forest: got %d rows; need at least 2", n)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("models: fit forest: %w", err)
	}
	full := cfg.WithDefaults()
	psi := min(full.SampleSize, n)
	depthLimit := full.MaxDepth
	if cfg.MaxDepth == 0 {
		depthLimit = forestCeilLog2(psi)
	}

	// A tree has at most min(2ψ−1, 2^(depth+1)−1) nodes; with the default
	// depth limit, trees on gaussian data have about a quarter of that.
	perTree := 2*psi - 1
	if depthLimit < 30 {
		perTree = min(perTree, 1<<(depthLimit+1)-1)
	}
	guess := full.Trees * (perTree/4 + perTree/16)
	f := &Forest{
		dim:        dim,
		sampleSize: psi,
		maxDepth:   depthLimit,
		seed:       cfg.Seed,
		nodes:      make([]forestNode, 0, guess),
		leaf:       make([]float64, 0, guess),
		roots:      make([]uint32, full.Trees),
		depths:     make([]uint8, full.Trees),
		norm:       forestNormFactor(full.Trees, psi),
	}

	b := newForestBuilder(dim, psi, depthLimit, n, cfg.Seed)
	for t := range f.roots {
		b.sample(data)
		f.roots[t] = uint32(len(f.nodes))
		f.nodes, f.leaf, f.depths[t] = b.grow(f.nodes, f.leaf)
	}
	if cap(f.nodes) > len(f.nodes)+len(f.nodes)/4 {
		// The guess was far too big; keep only what is used.
		f.nodes, f.leaf = slices.Clone(f.nodes), slices.Clone(f.leaf)
	}
	return f, nil
}

// forestBuilder holds the scratch space of FitForest, reused across trees.
type forestBuilder struct {
	dim, psi, maxDepth, n int
	rng                   *rand.Rand

	chosen map[int]struct{} // Floyd's sampling set
	rows   []int            // sampled row numbers, sorted
	samp   []float64        // the sampled rows, row-major, ψ × dim
	idx    []int32          // permutation of 0..ψ−1, partitioned node by node
	perm   []int            // permutation of features, shuffled per node
	queue  []forestSpan     // queue[p] is the range of idx in the tree's node p
	cTab   []float64        // cTab[s] = c(s) for s = 0..ψ
}

// forestSpan is the part idx[lo:hi] of the sample that reaches a node, and
// the node's depth.
type forestSpan struct {
	lo, hi int32
	depth  int32
}

func newForestBuilder(dim, psi, maxDepth, n int, seed uint64) *forestBuilder {
	b := &forestBuilder{
		dim:      dim,
		psi:      psi,
		maxDepth: maxDepth,
		n:        n,
		rng:      rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		chosen:   make(map[int]struct{}, psi),
		rows:     make([]int, 0, psi),
		samp:     make([]float64, psi*dim),
		idx:      make([]int32, psi),
		perm:     make([]int, dim),
		queue:    make([]forestSpan, 0, 2*psi),
		cTab:     forestAvgPathLenTable(psi),
	}
	for i := range b.perm {
		b.perm[i] = i
	}
	return b
}

// sample draws ψ distinct rows with Floyd's algorithm and gathers them, in
// row order (which is kinder to the cache than draw order), into b.samp.
func (b *forestBuilder) sample(data []float64) {
	clear(b.chosen)
	b.rows = b.rows[:0]
	for j := b.n - b.psi; j < b.n; j++ {
		r := b.rng.IntN(j + 1)
		if _, dup := b.chosen[r]; dup {
			r = j
		}
		b.chosen[r] = struct{}{}
		b.rows = append(b.rows, r)
	}
	slices.Sort(b.rows)
	d := b.dim
	for i, r := range b.rows {
		copy(b.samp[i*d:(i+1)*d], data[r*d:(r+1)*d])
	}
}

// grow builds one tree on the current sample, appends its nodes to nodes in
// breadth-first order and their leaf values to leaf, and returns both with
// the tree's depth.
func (b *forestBuilder) grow(nodes []forestNode, leaf []float64) ([]forestNode, []float64, uint8) {
	base := uint32(len(nodes))
	for i := range b.idx {
		b.idx[i] = int32(i)
	}
	b.queue = append(b.queue[:0], forestSpan{0, int32(b.psi), 0})
	var depth int32
	for p := 0; p < len(b.queue); p++ {
		s := b.queue[p]
		size := s.hi - s.lo
		if size > 1 && int(s.depth) < b.maxDepth {
			if feat, thr, ok := b.split(s.lo, s.hi); ok {
				mid := b.partition(s.lo, s.hi, feat, thr)
				nodes = append(nodes, forestNode{thr: thr, feat: uint32(feat), left: base + uint32(len(b.queue))})
				leaf = append(leaf, 0)
				b.queue = append(b.queue, forestSpan{s.lo, mid, s.depth + 1}, forestSpan{mid, s.hi, s.depth + 1})
				continue
			}
		}
		// A leaf: too few rows, at the depth limit, or all rows equal.
		nodes = append(nodes, forestNode{thr: math.Inf(1), left: base + uint32(p)})
		leaf = append(leaf, float64(s.depth)+b.cTab[size])
		depth = max(depth, s.depth)
	}
	return nodes, leaf, uint8(depth)
}

// split picks a feature uniformly among those not constant on idx[lo:hi] and
// a threshold uniformly in [min, max) of it. ok is false when every feature
// is constant there.
func (b *forestBuilder) split(lo, hi int32) (feat int, thr float64, ok bool) {
	d := b.dim
	rows := b.idx[lo:hi]
	// A partial Fisher–Yates shuffle visits the features in a uniformly random
	// order; the first non-constant one is uniform among the non-constant.
	for k := range d {
		j := k + b.rng.IntN(d-k)
		b.perm[k], b.perm[j] = b.perm[j], b.perm[k]
		f := b.perm[k]
		mn, mx := math.Inf(1), math.Inf(-1)
		for _, r := range rows {
			v := b.samp[int(r)*d+f]
			// NaN fails both comparisons and is ignored.
			if v < mn {
				mn = v
			}
			if v > mx {
				mx = v
			}
		}
		if mn < mx {
			return f, forestSplitPoint(mn, mx, b.rng.Float64()), true
		}
	}
	return 0, 0, false
}

// forestSplitPoint returns mn + u·(mx − mn), kept finite and in [mn, mx) so that
// the row holding mn goes left and the row holding mx goes right. It needs
// mn < mx and u in [0, 1).
func forestSplitPoint(mn, mx, u float64) float64 {
	lo := max(mn, -math.MaxFloat64)
	hi := min(mx, math.MaxFloat64)
	thr := lo + u*(hi-lo)
	if math.IsInf(hi-lo, 0) {
		thr = lo*(1-u) + hi*u
	}
	if thr < mn {
		thr = mn
	}
	if thr >= mx {
		thr = math.Nextafter(mx, math.Inf(-1))
	}
	return thr
}

// partition reorders idx[lo:hi] so that rows with x[feat] <= thr (or NaN)
// come first, and returns where the others start.
func (b *forestBuilder) partition(lo, hi int32, feat int, thr float64) int32 {
	d := b.dim
	i, j := lo, hi-1
	for i <= j {
		if b.samp[int(b.idx[i])*d+feat] > thr {
			b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
			j--
		} else {
			i++
		}
	}
	return i
}

// forestAvgPathLenTable returns c(s) for s = 0..n: the average path length
// of an unsuccessful search in a binary search tree of s keys, c(0) = c(1) =
// 0, c(2) = 1, c(s) = 2H(s−1) − 2(s−1)/s with the exact harmonic number H.
func forestAvgPathLenTable(n int) []float64 {
	tab := make([]float64, n+1)
	h := 0.0 // H(s−1)
	for s := 2; s <= n; s++ {
		h += 1 / float64(s-1)
		tab[s] = 2*h - 2*float64(s-1)/float64(s)
	}
	return tab
}

// forestAvgPathLen returns c(n) as forestAvgPathLenTable does, bit for bit.
func forestAvgPathLen(n int) float64 {
	if n < 2 {
		return 0
	}
	h := 0.0
	for s := 2; s <= n; s++ {
		h += 1 / float64(s-1)
	}
	return 2*h - 2*float64(n-1)/float64(n)
}

// forestNormFactor returns 1 / (trees · c(ψ)), the factor that turns a sum
// of path lengths into the exponent of the score.
func forestNormFactor(trees, psi int) float64 {
	return 1 / (float64(trees) * forestAvgPathLen(psi))
}

// forestCeilLog2 returns ceil(log2(n)), and 0 for n ≤ 1.
func forestCeilLog2(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}

// forestBlockBytes is about how much row data ScoreBatch walks through a
// group of trees before moving on, so that the rows stay in L1 while the
// forest stays in L2.
const forestBlockBytes = 16 << 10

// Dim returns the number of features of the rows the forest scores.
func (f *Forest) Dim() int { return f.dim }

// Score returns the anomaly score 2^(−E[h(x)]/c(ψ)) of x, in (0, 1): near 1
// for rows that are isolated quickly, well below 0.5 for ordinary rows. It
// does not allocate and does not keep x. It panics if len(x) != Dim().
// NaN features always take the left (≤ threshold) branch; ±Inf are ordinary
// extreme values.
func (f *Forest) Score(x []float64) float64 {
	if len(x) != f.dim {
		panic(fmt.Sprintf("models: Forest.Score: len(x) = %d, want Dim() = %d", len(x), f.dim))
	}
	nodes, leaf, roots, depths := f.nodes, f.leaf, f.roots, f.depths
	sum := 0.0
	t := 0
	// Walk eight trees at once to overlap their chains of dependent loads;
	// add their leaf values in tree order, so that the sum is the one
	// ScoreBatch computes.
	for ; t+8 <= len(roots) && t+8 <= len(depths); t += 8 {
		i0, i1, i2, i3 := roots[t], roots[t+1], roots[t+2], roots[t+3]
		i4, i5, i6, i7 := roots[t+4], roots[t+5], roots[t+6], roots[t+7]
		steps := max(depths[t], depths[t+1], depths[t+2], depths[t+3],
			depths[t+4], depths[t+5], depths[t+6], depths[t+7])
		for range steps {
			n0, n1, n2, n3 := &nodes[i0], &nodes[i1], &nodes[i2], &nodes[i3]
			n4, n5, n6, n7 := &nodes[i4], &nodes[i5], &nodes[i6], &nodes[i7]
			i0 = n0.left + forestB2U(x[n0.feat] > n0.thr)
			i1 = n1.left + forestB2U(x[n1.feat] > n1.thr)
			i2 = n2.left + forestB2U(x[n2.feat] > n2.thr)
			i3 = n3.left + forestB2U(x[n3.feat] > n3.thr)
			i4 = n4.left + forestB2U(x[n4.feat] > n4.thr)
			i5 = n5.left + forestB2U(x[n5.feat] > n5.thr)
			i6 = n6.left + forestB2U(x[n6.feat] > n6.thr)
			i7 = n7.left + forestB2U(x[n7.feat] > n7.thr)
		}
		sum += leaf[i0]
		sum += leaf[i1]
		sum += leaf[i2]
		sum += leaf[i3]
		sum += leaf[i4]
		sum += leaf[i5]
		sum += leaf[i6]
		sum += leaf[i7]
	}
	for ; t < len(roots) && t < len(depths); t++ {
		sum += leaf[forestWalk(nodes, roots[t], depths[t], x)]
	}
	return f.finish(sum)
}

// ScoreBatch writes the score of each row of data, stored row-major with
// Dim() features per row, to out[:rows], giving exactly the values Score
// would. It does not allocate and does not keep data or out; it overwrites
// out[:rows] and leaves the rest of out alone. It panics if len(data) is not
// a multiple of Dim() or len(out) < rows.
func (f *Forest) ScoreBatch(data []float64, out []float64) {
	d := f.dim
	if len(data)%d != 0 {
		panic(fmt.Sprintf("models: Forest.ScoreBatch: len(data) = %d is not a multiple of Dim() = %d", len(data), d))
	}
	rows := len(data) / d
	if len(out) < rows {
		panic(fmt.Sprintf("models: Forest.ScoreBatch: len(out) = %d, want at least %d rows", len(out), rows))
	}
	out = out[:rows]
	clear(out)
	block := max(2, forestBlockBytes/(8*d))
	for lo := 0; lo < rows; lo += block {
		hi := min(lo+block, rows)
		f.accumulate(data[lo*d:hi*d], out[lo:hi])
	}
	for i, s := range out {
		out[i] = f.finish(s)
	}
}

// accumulate adds each row's path lengths to acc in tree order. It walks two
// rows through four trees at once: eight independent chains of loads, few
// enough to keep in registers.
func (f *Forest) accumulate(data, acc []float64) {
	d := f.dim
	nodes, leaf, roots, depths := f.nodes, f.leaf, f.roots, f.depths
	t := 0
	for ; t+4 <= len(roots) && t+4 <= len(depths); t += 4 {
		r0, r1, r2, r3 := roots[t], roots[t+1], roots[t+2], roots[t+3]
		steps := max(depths[t], depths[t+1], depths[t+2], depths[t+3])
		r := 0
		for ; r+2 <= len(acc); r += 2 {
			o := r * d
			x := data[o : o+d : o+d]
			y := data[o+d : o+2*d : o+2*d]
			a0, a1, a2, a3 := r0, r1, r2, r3 // x's walks
			b0, b1, b2, b3 := r0, r1, r2, r3 // y's walks
			for range steps {
				n0, n1, n2, n3 := &nodes[a0], &nodes[a1], &nodes[a2], &nodes[a3]
				m0, m1, m2, m3 := &nodes[b0], &nodes[b1], &nodes[b2], &nodes[b3]
				a0 = n0.left + forestB2U(x[n0.feat] > n0.thr)
				a1 = n1.left + forestB2U(x[n1.feat] > n1.thr)
				a2 = n2.left + forestB2U(x[n2.feat] > n2.thr)
				a3 = n3.left + forestB2U(x[n3.feat] > n3.thr)
				b0 = m0.left + forestB2U(y[m0.feat] > m0.thr)
				b1 = m1.left + forestB2U(y[m1.feat] > m1.thr)
				b2 = m2.left + forestB2U(y[m2.feat] > m2.thr)
				b3 = m3.left + forestB2U(y[m3.feat] > m3.thr)
			}
			s := acc[r]
			s += leaf[a0]
			s += leaf[a1]
			s += leaf[a2]
			s += leaf[a3]
			acc[r] = s
			s = acc[r+1]
			s += leaf[b0]
			s += leaf[b1]
			s += leaf[b2]
			s += leaf[b3]
			acc[r+1] = s
		}
		if r < len(acc) { // an odd row left over
			x := data[r*d : (r+1)*d]
			for k := t; k < t+4; k++ {
				acc[r] += leaf[forestWalk(nodes, roots[k], depths[k], x)]
			}
		}
	}
	for ; t < len(roots) && t < len(depths); t++ {
		for r := range acc {
			acc[r] += leaf[forestWalk(nodes, roots[t], depths[t], data[r*d:(r+1)*d])]
		}
	}
}

// forestWalk takes steps steps from node i down the path of x and returns
// where it ends: the leaf when steps is at least the tree's depth.
func forestWalk(nodes []forestNode, i uint32, steps uint8, x []float64) uint32 {
	for range steps {
		n := &nodes[i]
		i = n.left + forestB2U(x[n.feat] > n.thr)
	}
	return i
}

// finish turns a sum of path lengths over all trees into a score.
func (f *Forest) finish(sum float64) float64 {
	return math.Exp2(-sum * f.norm)
}

// forestB2U is 1 for true and 0 for false; the compiler makes it a SETcc, so the
// child is chosen without a branch to mispredict.
func forestB2U(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
