-- 001: staff accounts and their sessions.
-- Only what routing, deadlines and statistics need is plain; secrets are hashes or ciphertext.
CREATE TABLE users (
	id TEXT PRIMARY KEY,               -- opaque random id
	username TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'investigator', 'supervisor', 'leader')),
	confirmed INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,       -- unix seconds, UTC
	pw_salt BLOB NOT NULL,
	pw_version INTEGER NOT NULL,       -- Argon2id parameter version (crypto.h)
	pw_verifier BLOB NOT NULL          -- a subkey of the Argon2id output, never the password
) STRICT;

CREATE TABLE sessions (
	lookup BLOB PRIMARY KEY,           -- a subkey of the token, never the token
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
