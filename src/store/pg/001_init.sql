-- 001: staff accounts and their sessions (PostgreSQL; mirrors sqlite/001_init.sql).
-- Integers are bigint and flags 0/1, as in SQLite, so that both backends read the same way.
CREATE TABLE users (
	id text PRIMARY KEY,
	username text NOT NULL UNIQUE,
	name text NOT NULL,
	role text NOT NULL CHECK (role IN ('admin', 'investigator', 'supervisor', 'leader')),
	confirmed bigint NOT NULL DEFAULT 0,
	disabled bigint NOT NULL DEFAULT 0,
	created_at bigint NOT NULL,
	pw_salt bytea NOT NULL,
	pw_version bigint NOT NULL,
	pw_verifier bytea NOT NULL
);

CREATE TABLE sessions (
	lookup bytea PRIMARY KEY,
	user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at bigint NOT NULL,
	last_seen bigint NOT NULL,
	expires_at bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
