-- 003: staff keys, certificates, activation, second factor, the organisation key, settings.
-- A user without a password yet has pw_version 0 (awaiting activation).
ALTER TABLE users ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN enc_pk BLOB;            -- X25519 public key
ALTER TABLE users ADD COLUMN sign_pk BLOB;           -- Ed25519 public key
ALTER TABLE users ADD COLUMN sk_pw BLOB;             -- secret keys under the password's key
ALTER TABLE users ADD COLUMN sk_rec BLOB;            -- secret keys under the recovery key
ALTER TABLE users ADD COLUMN cert_signer TEXT;       -- the supervisor who signed the certificate
ALTER TABLE users ADD COLUMN cert_at INTEGER;
ALTER TABLE users ADD COLUMN cert_sig BLOB;
ALTER TABLE users ADD COLUMN totp_sealed BLOB;       -- the TOTP secret, sealed to enc_pk
ALTER TABLE users ADD COLUMN totp_pending BLOB;      -- an enrolment not yet confirmed
ALTER TABLE users ADD COLUMN activation_hash BLOB;   -- hash of the one-time activation code
ALTER TABLE users ADD COLUMN activation_expires INTEGER;

ALTER TABLE sessions ADD COLUMN secrets BLOB;        -- the user's secret keys under a token subkey

CREATE TABLE org_keys (
	id TEXT PRIMARY KEY,
	pk BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	retired_at INTEGER                               -- NULL: the current key
) STRICT;

CREATE TABLE org_key_copies (
	org_key_id TEXT NOT NULL REFERENCES org_keys(id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	sealed BLOB NOT NULL,                            -- the organisation secret key, sealed to the user
	PRIMARY KEY (org_key_id, user_id)
) STRICT;

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL                              -- JSON
) STRICT;
