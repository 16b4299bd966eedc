-- 004: reports, their keys, messages, files (streamed in encrypted chunks), status events,
-- reporter sessions and case numbers. Plain columns are only what routing, deadlines and
-- statistics need; everything a reporter typed is ciphertext.
CREATE TABLE reports (
	id TEXT PRIMARY KEY,
	number TEXT NOT NULL UNIQUE,           -- WBS-YYYY-NNNNNN
	category TEXT NOT NULL,
	kecamatan TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	created_on TEXT NOT NULL,              -- WIB date only: no time is kept
	ack_due TEXT NOT NULL,
	due TEXT NOT NULL,
	acked_on TEXT NOT NULL DEFAULT '',
	closed_on TEXT NOT NULL DEFAULT '',
	assignee TEXT REFERENCES users(id),
	receipt_lookup BLOB NOT NULL UNIQUE,   -- keyed hash of the receipt's Argon2id output
	reporter_keys BLOB NOT NULL,           -- K_report and K_identity under the receipt's key
	content BLOB NOT NULL,                 -- under K_report
	identity BLOB,                         -- padded, under K_identity; NULL when none given
	exclusions BLOB NOT NULL,              -- who the reporter excluded, under K_report
	org_key_id TEXT,                       -- the organisation key it is sealed to, if any
	files INTEGER NOT NULL DEFAULT 0,
	unread INTEGER NOT NULL DEFAULT 0      -- reporter messages staff have not read
) STRICT;
CREATE INDEX reports_status ON reports(status);
CREATE INDEX reports_created ON reports(created_on);

CREATE TABLE report_keys (
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	holder TEXT NOT NULL,                  -- a user id, or an organisation key id
	holder_kind TEXT NOT NULL CHECK (holder_kind IN ('user', 'org')),
	k_report BLOB NOT NULL,                -- sealed boxes to the holder's public key
	k_notes BLOB NOT NULL,
	k_identity BLOB,                       -- supervisors, the organisation key, approved requests
	how TEXT NOT NULL,                     -- routing | grant
	since INTEGER NOT NULL,
	PRIMARY KEY (report_id, holder)
) STRICT;
CREATE INDEX report_keys_holder ON report_keys(holder);

CREATE TABLE messages (
	id TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	author TEXT NOT NULL CHECK (author IN ('reporter', 'staff', 'system')),
	author_id TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL,                   -- reporter messages: to the hour
	seq INTEGER NOT NULL,                  -- order within the report
	body BLOB NOT NULL                     -- under K_report, bound to report, id and author
) STRICT;
CREATE INDEX messages_report ON messages(report_id, seq);

CREATE TABLE files (
	id TEXT PRIMARY KEY,
	report_id TEXT REFERENCES reports(id) ON DELETE CASCADE, -- NULL while staged
	staged_at INTEGER NOT NULL,            -- for the sweep of abandoned uploads
	added_at INTEGER NOT NULL DEFAULT 0,   -- to the hour
	added_by TEXT NOT NULL DEFAULT 'reporter',
	size INTEGER NOT NULL DEFAULT 0,
	chunks INTEGER NOT NULL DEFAULT 0,
	stream_key BLOB NOT NULL,              -- the file's key under K_report
	header BLOB NOT NULL,                  -- the secretstream header
	meta BLOB                              -- name, type, cleaned, removed under K_report
) STRICT;
CREATE INDEX files_report ON files(report_id);
CREATE INDEX files_staged ON files(staged_at) WHERE report_id IS NULL;

CREATE TABLE file_chunks (
	file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (file_id, seq)
) STRICT;

CREATE TABLE report_events (
	id TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	at INTEGER NOT NULL,                   -- 0 for the submission (its date is the report's)
	status TEXT NOT NULL,
	actor_id TEXT NOT NULL DEFAULT '',
	reason BLOB,                           -- for the reporter, under K_report
	internal BLOB                          -- internal note, under K_notes
) STRICT;
CREATE INDEX report_events_report ON report_events(report_id, seq);

CREATE TABLE reporter_sessions (
	lookup BLOB PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	last_seen INTEGER NOT NULL,
	secrets BLOB NOT NULL                  -- K_report and K_identity under a token subkey
) STRICT;

CREATE TABLE case_numbers (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
) STRICT;
