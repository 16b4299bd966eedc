-- 005: case handling. Per-user read markers, internal notes, identity requests, and the
-- indexes the inbox needs (it reads only plain columns: see the inbox query in sqlite.c).
ALTER TABLE reports RENAME COLUMN unread TO reporter_messages; -- in all; unread is per user

-- The ciphertexts move to a table of their own, so that `reports` holds only the narrow plain
-- columns the inbox scans and counts (100,000 of them fit in a few MiB of cache).
CREATE TABLE report_bodies (
	report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
	reporter_keys BLOB NOT NULL,           -- K_report and K_identity under the receipt's key
	content BLOB NOT NULL,                 -- under K_report
	identity BLOB,                         -- padded, under K_identity; NULL when none given
	exclusions BLOB NOT NULL               -- who the reporter excluded, under K_report
) STRICT;
INSERT INTO report_bodies (report_id, reporter_keys, content, identity, exclusions)
	SELECT id, reporter_keys, content, identity, exclusions FROM reports;
ALTER TABLE reports DROP COLUMN reporter_keys;
ALTER TABLE reports DROP COLUMN content;
ALTER TABLE reports DROP COLUMN identity;
ALTER TABLE reports DROP COLUMN exclusions;

-- How many reporter messages a staff member had seen when they last opened the case.
CREATE TABLE report_seen (
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	messages INTEGER NOT NULL,
	PRIMARY KEY (report_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE notes (
	id TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	author_id TEXT NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	body BLOB NOT NULL                     -- under K_notes, bound to report, id and author
) STRICT;
CREATE INDEX notes_report ON notes(report_id, at);

CREATE TABLE identity_requests (
	id TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	requester_id TEXT NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	reason BLOB NOT NULL,                  -- under K_notes
	state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied')),
	decided_by TEXT REFERENCES users(id),
	decided_at INTEGER NOT NULL DEFAULT 0,
	decision BLOB                          -- the decider's reason, under K_notes
) STRICT;
CREATE INDEX identity_requests_report ON identity_requests(report_id, requester_id);
CREATE INDEX identity_requests_state ON identity_requests(state, at);

-- How many report keys each holder has, kept by triggers, so that the inbox knows at once
-- whether a reader reads every report (then no key needs probing) or few of them.
CREATE TABLE key_counts (
	holder TEXT PRIMARY KEY,
	n INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO key_counts (holder, n) SELECT holder, count(*) FROM report_keys GROUP BY holder;
CREATE TRIGGER report_keys_counted AFTER INSERT ON report_keys BEGIN
	INSERT INTO key_counts (holder, n) VALUES (NEW.holder, 1)
		ON CONFLICT (holder) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_keys_uncounted AFTER DELETE ON report_keys BEGIN
	UPDATE key_counts SET n = n - 1 WHERE holder = OLD.holder;
END;

-- The inbox walks a reader's keys (holder, report_id) or the reports in the order asked.
DROP INDEX report_keys_holder;
CREATE INDEX report_keys_holder ON report_keys(holder, report_id);
DROP INDEX reports_status;
CREATE INDEX reports_status ON reports(status, number);
CREATE INDEX reports_due ON reports(due, number);
CREATE INDEX reports_assignee ON reports(assignee, number);
CREATE INDEX reports_category ON reports(category, number);
CREATE INDEX reports_kecamatan ON reports(kecamatan, number);
