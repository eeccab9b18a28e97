-- Grants, authorization codes, refresh tokens and access-token records.
-- Times are Unix nanoseconds; prune_at is Unix seconds, when the row may
-- be deleted (9223372036854775807: never). rec is the record as JSON.

CREATE TABLE oauthgen_grants (
	id        TEXT PRIMARY KEY,
	client_id TEXT NOT NULL,
	revoked   BIGINT NOT NULL DEFAULT 0,
	prune_at  BIGINT NOT NULL,
	rec       JSONB NOT NULL
);
CREATE INDEX oauthgen_grants_prune ON oauthgen_grants (prune_at);

CREATE TABLE oauthgen_codes (
	hash     BYTEA PRIMARY KEY,
	consumed BIGINT NOT NULL DEFAULT 0,
	grant_id TEXT NOT NULL DEFAULT '',
	prune_at BIGINT NOT NULL,
	rec      JSONB NOT NULL
);
CREATE INDEX oauthgen_codes_prune ON oauthgen_codes (prune_at);

CREATE TABLE oauthgen_refresh_tokens (
	hash       BYTEA PRIMARY KEY,
	grant_id   TEXT NOT NULL,
	rotations  BIGINT NOT NULL DEFAULT 0,
	rotated_at BIGINT NOT NULL DEFAULT 0,
	prune_at   BIGINT NOT NULL,
	rec        JSONB NOT NULL
);
CREATE INDEX oauthgen_refresh_tokens_grant ON oauthgen_refresh_tokens (grant_id);
CREATE INDEX oauthgen_refresh_tokens_prune ON oauthgen_refresh_tokens (prune_at);

CREATE TABLE oauthgen_access_tokens (
	key      BYTEA PRIMARY KEY,
	grant_id TEXT NOT NULL,
	revoked  BIGINT NOT NULL DEFAULT 0,
	prune_at BIGINT NOT NULL,
	rec      JSONB NOT NULL
);
CREATE INDEX oauthgen_access_tokens_grant ON oauthgen_access_tokens (grant_id);
CREATE INDEX oauthgen_access_tokens_prune ON oauthgen_access_tokens (prune_at);
