package observe

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Pending interactions live in the store, shared by every instance, and
// expire there unseen: a login page the end user walks away from never
// ends. So the gauge is a window: the interactions this instance started
// in the last interaction lifetime less those it ended in that window,
// never below zero. An interaction older than the TTL has expired, so it
// is no longer pending; summed over instances the gauges count the pending
// interactions of the deployment, whichever instance ends each.

// pendingBucket is the time one slot of the window counts.
const pendingBucket = 10 * time.Second

// pendingSlots is the most slots a window has: a day.
const pendingSlots = int64(24 * time.Hour / pendingBucket)

// pendingCollector is the gauge MetricPendingInteractions.
type pendingCollector struct {
	desc *prometheus.Desc
	now  func() time.Time

	mu sync.Mutex
	// slot is the slot number each bucket counts, net its count.
	slot, net []int64
}

// newPendingCollector counts interactions that live for ttl.
func newPendingCollector(now func() time.Time, ttl time.Duration) *pendingCollector {
	n := min(max(int64((ttl+pendingBucket-1)/pendingBucket), 1), pendingSlots)
	return &pendingCollector{
		desc: prometheus.NewDesc(MetricPendingInteractions,
			"Sign-in interactions started within their lifetime and not yet ended: end users on a login or consent page.",
			nil, nil),
		now:  now,
		slot: make([]int64, n),
		net:  make([]int64, n),
	}
}

// add counts delta at the instant t.
func (c *pendingCollector) add(t time.Time, delta int64) {
	n := t.UnixNano() / int64(pendingBucket)
	c.mu.Lock()
	i := n % int64(len(c.slot))
	if c.slot[i] != n {
		c.slot[i], c.net[i] = n, 0
	}
	c.net[i] += delta
	c.mu.Unlock()
}

// value is the window's count at t.
func (c *pendingCollector) value(t time.Time) int64 {
	n := t.UnixNano() / int64(pendingBucket)
	var sum int64
	c.mu.Lock()
	for i := range c.slot {
		if s := c.slot[i]; s > n-int64(len(c.slot)) && s <= n {
			sum += c.net[i]
		}
	}
	c.mu.Unlock()
	return max(sum, 0)
}

// Describe implements prometheus.Collector.
func (c *pendingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *pendingCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(c.value(c.now())))
}
