package sqlstore

// queries are the store's statements in the dialect's placeholders.
type queries struct {
	saveGrant, grant, revokeGrant       string
	saveCode, consumeCode, setCodeGrant string
	saveRefresh, rotateRefresh, refresh string
	saveAccess, access, revokeAccess    string
	prune                               []string
}

// rotatedDrops are the members of a refresh token's rec that its rotated
// form (runtime.RefreshTokenRecord.Rotated) does not keep.
var rotatedDrops = []string{"id", "scope", "iat", "idle_exp"}

func newQueries(d Dialect) queries {
	r := d.rebind
	q := queries{
		saveGrant:   r(`INSERT INTO oauthgen_grants (id, client_id, revoked, prune_at, rec) VALUES (?, ?, ?, ?, ?)`),
		grant:       r(`SELECT revoked, rec FROM oauthgen_grants WHERE id = ?`),
		revokeGrant: r(`UPDATE oauthgen_grants SET revoked = 1 WHERE id = ?`),

		saveCode: r(`INSERT INTO oauthgen_codes (hash, grant_id, prune_at, rec) VALUES (?, ?, ?, ?)`),
		// One statement consumes: the first caller sees consumed = 1.
		consumeCode: r(`UPDATE oauthgen_codes SET consumed = consumed + 1 WHERE hash = ? RETURNING consumed, grant_id, rec`),
		// A code is kept as long as its grant, so that a replay can revoke it.
		setCodeGrant: r(`UPDATE oauthgen_codes SET grant_id = ?,
			prune_at = CASE WHEN prune_at < COALESCE((SELECT prune_at FROM oauthgen_grants WHERE id = ?), 0)
				THEN (SELECT prune_at FROM oauthgen_grants WHERE id = ?) ELSE prune_at END
			WHERE hash = ? RETURNING consumed`),

		saveRefresh: r(`INSERT INTO oauthgen_refresh_tokens (hash, grant_id, rotated_at, prune_at, rec) VALUES (?, ?, ?, ?, ?)`),
		// One statement rotates: the first caller sees rotations = 1, and
		// rotated_at keeps the first rotation's time. The first rotation
		// keeps of rec only what reuse detection reads, unless told to keep
		// it whole (every SET expression reads the row as it was).
		rotateRefresh: r(`UPDATE oauthgen_refresh_tokens SET rotations = rotations + 1,
			rotated_at = CASE WHEN rotated_at = 0 THEN ? ELSE rotated_at END,
			rec = CASE WHEN rotated_at = 0 AND ? = 0 THEN ` + d.dropMembers("rec", rotatedDrops...) + ` ELSE rec END
			WHERE hash = ? RETURNING rotations, rotated_at, grant_id, rec`),
		refresh: r(`SELECT rotated_at, grant_id, rec FROM oauthgen_refresh_tokens WHERE hash = ?`),

		saveAccess:   r(`INSERT INTO oauthgen_access_tokens (key, grant_id, revoked, prune_at, rec) VALUES (?, ?, ?, ?, ?)`),
		access:       r(`SELECT revoked, grant_id, rec FROM oauthgen_access_tokens WHERE key = ?`),
		revokeAccess: r(`UPDATE oauthgen_access_tokens SET revoked = 1 WHERE key = ?`),
	}
	for _, table := range []string{"oauthgen_grants", "oauthgen_codes", "oauthgen_refresh_tokens", "oauthgen_access_tokens"} {
		q.prune = append(q.prune, r(`DELETE FROM `+table+` WHERE prune_at <= ?`))
	}
	return q
}
