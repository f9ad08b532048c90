package campaign

// lru is a bounded table of aggregates keyed by a 64-bit hash: a hard cap
// on entries, eviction of the least recently touched entry when it is
// reached, and of entries idle for longer than idle (event time). Entries
// live in one slice and are reused, so that in steady state an
// observation allocates nothing.
type lru[T any] struct {
	idle    int64
	max     int
	index   map[uint64]int32
	nodes   []lruNode[T]
	free    []int32
	head    int32
	tail    int32
	evicted int64
	onEvict func(key uint64, v *T)
}

type lruNode[T any] struct {
	key        uint64
	last       int64
	prev, next int32
	v          T
}

func newLRU[T any](max int, idle int64) *lru[T] {
	return &lru[T]{
		idle:  idle,
		max:   max,
		index: make(map[uint64]int32, max),
		nodes: make([]lruNode[T], 0, min(max, 4096)),
		head:  none,
		tail:  none,
	}
}

const none = -1

// get returns the entry of key, adding a zero one (and reporting it new)
// when there is none, and marks it touched at ts.
func (l *lru[T]) get(key uint64, ts int64) (v *T, isNew bool) {
	for l.tail != none && ts-l.nodes[l.tail].last > l.idle {
		l.evict(l.tail)
	}
	id, ok := l.index[key]
	if !ok {
		if len(l.index) >= l.max && l.tail != none {
			l.evict(l.tail)
		}
		if n := len(l.free); n > 0 {
			id = l.free[n-1]
			l.free = l.free[:n-1]
		} else {
			l.nodes = append(l.nodes, lruNode[T]{})
			id = int32(len(l.nodes) - 1)
		}
		l.nodes[id] = lruNode[T]{key: key, prev: none, next: none}
		l.index[key] = id
		l.pushFront(id)
	} else if l.head != id {
		l.unlink(id)
		l.pushFront(id)
	}
	n := &l.nodes[id]
	if ts > n.last {
		n.last = ts
	}
	return &n.v, !ok
}

// peek returns the entry of key or nil, without touching it.
func (l *lru[T]) peek(key uint64) *T {
	if id, ok := l.index[key]; ok {
		return &l.nodes[id].v
	}
	return nil
}

func (l *lru[T]) len() int { return len(l.index) }

func (l *lru[T]) each(fn func(key uint64, v *T)) {
	for id := l.head; id != none; id = l.nodes[id].next {
		fn(l.nodes[id].key, &l.nodes[id].v)
	}
}

func (l *lru[T]) evict(id int32) {
	n := &l.nodes[id]
	if l.onEvict != nil {
		l.onEvict(n.key, &n.v)
	}
	l.unlink(id)
	delete(l.index, n.key)
	*n = lruNode[T]{prev: none, next: none}
	l.free = append(l.free, id)
	l.evicted++
}

func (l *lru[T]) pushFront(id int32) {
	n := &l.nodes[id]
	n.prev, n.next = none, l.head
	if l.head != none {
		l.nodes[l.head].prev = id
	}
	l.head = id
	if l.tail == none {
		l.tail = id
	}
}

func (l *lru[T]) unlink(id int32) {
	n := &l.nodes[id]
	if n.prev != none {
		l.nodes[n.prev].next = n.next
	} else {
		l.head = n.next
	}
	if n.next != none {
		l.nodes[n.next].prev = n.prev
	} else {
		l.tail = n.prev
	}
	n.prev, n.next = none, none
}
