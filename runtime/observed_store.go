package runtime

import (
	"context"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/observe"
)

// observedStore measures and traces every call of the server's store: a
// span "store.<method>" and the call's time and failure by method
// (docs/observability.md). NewServer wraps the store in it only when
// Config.Metrics or Config.TracerProvider is set, so an unobserved server
// calls its store directly. A method the Store contract gains is passed
// through, unobserved, until it is added here.
type observedStore struct {
	Store
	o *observe.Observer
}

func (d observedStore) SaveGrant(ctx context.Context, g Grant) (err error) {
	ctx, c := d.o.StoreCall(ctx, "SaveGrant", "")
	defer func() { c.End(err) }()
	return d.Store.SaveGrant(ctx, g)
}

func (d observedStore) Grant(ctx context.Context, id string) (g Grant, found bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "Grant", "")
	defer func() { c.End(err) }()
	return d.Store.Grant(ctx, id)
}

func (d observedStore) RevokeGrant(ctx context.Context, id string) (err error) {
	ctx, c := d.o.StoreCall(ctx, "RevokeGrant", "")
	defer func() { c.End(err) }()
	return d.Store.RevokeGrant(ctx, id)
}

func (d observedStore) SaveCode(ctx context.Context, code AuthorizationCode) (err error) {
	ctx, c := d.o.StoreCall(ctx, "SaveCode", "")
	defer func() { c.End(err) }()
	return d.Store.SaveCode(ctx, code)
}

func (d observedStore) ConsumeCode(ctx context.Context, hash []byte) (rec AuthorizationCode, res ConsumeResult, err error) {
	ctx, c := d.o.StoreCall(ctx, "ConsumeCode", "")
	defer func() { c.End(err) }()
	return d.Store.ConsumeCode(ctx, hash)
}

func (d observedStore) SetCodeGrant(ctx context.Context, hash []byte, grantID string) (replayed bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "SetCodeGrant", "")
	defer func() { c.End(err) }()
	return d.Store.SetCodeGrant(ctx, hash, grantID)
}

func (d observedStore) SaveRefreshToken(ctx context.Context, r RefreshTokenRecord) (err error) {
	ctx, c := d.o.StoreCall(ctx, "SaveRefreshToken", "")
	defer func() { c.End(err) }()
	return d.Store.SaveRefreshToken(ctx, r)
}

func (d observedStore) RotateRefreshToken(ctx context.Context, hash []byte, now time.Time, whole bool) (r RefreshTokenRecord, res ConsumeResult, err error) {
	ctx, c := d.o.StoreCall(ctx, "RotateRefreshToken", "")
	defer func() { c.End(err) }()
	return d.Store.RotateRefreshToken(ctx, hash, now, whole)
}

func (d observedStore) RefreshToken(ctx context.Context, hash []byte) (r RefreshTokenRecord, found bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "RefreshToken", "")
	defer func() { c.End(err) }()
	return d.Store.RefreshToken(ctx, hash)
}

func (d observedStore) SaveAccessToken(ctx context.Context, r AccessTokenRecord) (err error) {
	ctx, c := d.o.StoreCall(ctx, "SaveAccessToken", "")
	defer func() { c.End(err) }()
	return d.Store.SaveAccessToken(ctx, r)
}

func (d observedStore) AccessToken(ctx context.Context, key []byte) (r AccessTokenRecord, found bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "AccessToken", "")
	defer func() { c.End(err) }()
	return d.Store.AccessToken(ctx, key)
}

func (d observedStore) RevokeAccessToken(ctx context.Context, key []byte) (err error) {
	ctx, c := d.o.StoreCall(ctx, "RevokeAccessToken", "")
	defer func() { c.End(err) }()
	return d.Store.RevokeAccessToken(ctx, key)
}

func (d observedStore) PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (err error) {
	ctx, c := d.o.StoreCall(ctx, "PutState", ns)
	defer func() { c.End(err) }()
	return d.Store.PutState(ctx, ns, key, value, expires, now)
}

func (d observedStore) State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "State", ns)
	defer func() { c.End(err) }()
	return d.Store.State(ctx, ns, key, now)
}

func (d observedStore) TakeState(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "TakeState", ns)
	defer func() { c.End(err) }()
	return d.Store.TakeState(ctx, ns, key, now)
}

func (d observedStore) AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (added bool, err error) {
	ctx, c := d.o.StoreCall(ctx, "AddState", ns)
	defer func() { c.End(err) }()
	return d.Store.AddState(ctx, ns, key, value, expires, now)
}

func (d observedStore) CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error) {
	ctx, c := d.o.StoreCall(ctx, "CountState", ns)
	defer func() { c.End(err) }()
	return d.Store.CountState(ctx, ns, key, expires, now)
}

func (d observedStore) DeleteState(ctx context.Context, ns string, key []byte) (err error) {
	ctx, c := d.o.StoreCall(ctx, "DeleteState", ns)
	defer func() { c.End(err) }()
	return d.Store.DeleteState(ctx, ns, key)
}
