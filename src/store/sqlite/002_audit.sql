-- 002: the audit trail, a hash chain (src/audit/audit.c), and its head signatures.
CREATE TABLE audit (
	seq INTEGER PRIMARY KEY,           -- 1, 2, 3 … with no gaps
	at INTEGER NOT NULL,               -- unix seconds; 0 for reporter-originated batch entries
	actor_id TEXT NOT NULL,            -- '' for the system or a reporter
	actor TEXT NOT NULL,               -- username at the time
	action TEXT NOT NULL,
	subject TEXT NOT NULL,             -- case number, username, setting name …
	detail TEXT NOT NULL,
	prev BLOB NOT NULL,
	hash BLOB NOT NULL
) STRICT;
CREATE INDEX audit_actor ON audit(actor);
CREATE INDEX audit_action ON audit(action);
CREATE INDEX audit_subject ON audit(subject);

CREATE TABLE audit_sigs (
	seq INTEGER NOT NULL,              -- the head that was signed
	signer_id TEXT NOT NULL,           -- '' for the server's key, else a supervisor's id
	signed_at INTEGER NOT NULL,
	sig BLOB NOT NULL,
	PRIMARY KEY (seq, signer_id)
) STRICT;

-- Reporter-originated entries wait here, without times, for the hourly batch.
CREATE TABLE audit_pending (
	id INTEGER PRIMARY KEY,
	action TEXT NOT NULL,
	subject TEXT NOT NULL
) STRICT;
