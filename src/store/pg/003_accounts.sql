-- 003: staff keys, certificates, activation, second factor, the organisation key, settings
-- (mirrors sqlite/003_accounts.sql).
ALTER TABLE users ADD COLUMN created_by text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN refused bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN enc_pk bytea;
ALTER TABLE users ADD COLUMN sign_pk bytea;
ALTER TABLE users ADD COLUMN sk_pw bytea;
ALTER TABLE users ADD COLUMN sk_rec bytea;
ALTER TABLE users ADD COLUMN cert_signer text;
ALTER TABLE users ADD COLUMN cert_at bigint;
ALTER TABLE users ADD COLUMN cert_sig bytea;
ALTER TABLE users ADD COLUMN totp_sealed bytea;
ALTER TABLE users ADD COLUMN totp_pending bytea;
ALTER TABLE users ADD COLUMN activation_hash bytea;
ALTER TABLE users ADD COLUMN activation_expires bigint;

ALTER TABLE sessions ADD COLUMN secrets bytea;

CREATE TABLE org_keys (
	id text PRIMARY KEY,
	pk bytea NOT NULL,
	created_at bigint NOT NULL,
	retired_at bigint
);

CREATE TABLE org_key_copies (
	org_key_id text NOT NULL REFERENCES org_keys(id) ON DELETE CASCADE,
	user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	sealed bytea NOT NULL,
	PRIMARY KEY (org_key_id, user_id)
);

CREATE TABLE settings (
	key text PRIMARY KEY,
	value text NOT NULL
);
