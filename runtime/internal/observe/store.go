package observe

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// The attributes of store spans.
const (
	// AttrStoreOperation is the store method called.
	AttrStoreOperation = attribute.Key("oauthgen.store.operation")
	// AttrStoreNamespace is the namespace of a StateStore call.
	AttrStoreNamespace = attribute.Key("oauthgen.store.namespace")
)

// StoreCall is one observed call of the store; the server's store
// decorator makes one per call when StoreObserved.
type StoreCall struct {
	o     *Observer
	op    string
	start time.Time
	span  trace.Span
}

// StoreCall starts observing a call of the store method op (on the state
// namespace ns, empty for the other contracts): a span "store.<op>", the
// child of the span in ctx, and the call's time. End finishes it.
func (o *Observer) StoreCall(ctx context.Context, op, ns string) (context.Context, StoreCall) {
	c := StoreCall{o: o, op: op, start: time.Now()}
	if o.tracer != nil {
		attrs := []attribute.KeyValue{AttrStoreOperation.String(op)}
		if ns != "" {
			attrs = append(attrs, AttrStoreNamespace.String(ns))
		}
		ctx, c.span = o.tracer.Start(ctx, "store."+op, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	}
	return ctx, c
}

// End records the call's time and err, its failure.
func (c StoreCall) End(err error) {
	if m := c.o.m; m != nil {
		m.storeDuration.WithLabelValues(c.op).Observe(time.Since(c.start).Seconds())
		if err != nil {
			m.storeErrors.WithLabelValues(c.op).Inc()
		}
	}
	if c.span != nil {
		if err != nil {
			c.span.SetStatus(codes.Error, err.Error())
		}
		c.span.End()
	}
}
