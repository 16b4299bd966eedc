/* internal.h: what the files of src/reports/ share; not for other modules. */
#ifndef PELUIT_REPORTS_INTERNAL_H
#define PELUIT_REPORTS_INTERNAL_H

#include "accounts/settings.h"
#include "media/filter.h"
#include "media/sniff.h"
#include "reports/reports.h"

struct sub_fields {
	char *category, *message, *involved, *occurred, *kecamatan, *kelurahan, *address;
	char *phone, *name, *email;
	bool has_lat, has_lon;
	double lat, lon;
	json_t *exclude; /* array of user ids */
	bool keep_metadata;
};

/* `form`: values come from an HTML form or multipart body, where everything is a string
 * (numbers and booleans are then read from strings; in JSON they must be JSON types). */
struct outcome sub_fields_parse(const json_t *body, const struct settings *s, bool form,
                                struct sub_fields *f);
void sub_fields_release(struct sub_fields *f);

#define MAX_FILES_HARD 100

struct staged {
	char id[ID_CHARS + 1];
	char name[256];
	enum media_type type;
	int64_t size;     /* bytes received (the limit applies to them) */
	int64_t stored;   /* bytes stored, after metadata removal */
	bool cleaned;     /* metadata removal understood the whole file */
	unsigned removed; /* MR_* bits of what was removed */
};

/* The state of one upload (r->upload_state). */
struct upload_state {
	struct settings settings;
	struct sub_fields fields;  /* new submissions only */
	bool add_files;            /* more evidence for r->report_id */
	char report_id[ID_CHARS + 1];
	unsigned char *keys;       /* guarded: K_report, K_notes, K_identity (32 bytes each) */
	bool keep_metadata;
	struct staged files[MAX_FILES_HARD];
	int nfiles;
	/* the file being received */
	bool in_file;
	unsigned char head[SNIFF_BYTES];
	size_t head_len;
	bool sniffed, row_made;
	bool maybe_none;           /* no file name: a form whose file input was left empty */
	struct media_filter *filter; /* metadata removal for this file, unless kept */
	crypto_secretstream_xchacha20poly1305_state *ss; /* guarded */
	unsigned char file_key[RKEY_BYTES];
	unsigned char header[FILE_HEADERBYTES];
	unsigned char *chunk;      /* FILE_CHUNK plaintext bytes waiting */
	size_t chunk_len;
	int64_t chunk_seq;
	int64_t touched_at;        /* when the staged files were last marked as still arriving */
};

#define K_REPORT(st) ((st)->keys)
#define K_NOTES(st) ((st)->keys + RKEY_BYTES)
#define K_IDENTITY(st) ((st)->keys + 2 * RKEY_BYTES)

/* Creates r->upload_state. 0, or -1 after replying. */
int upload_state_new(struct request *r);

/* The upload_ops steps for files (shared by new reports and added evidence). */
int evidence_file_begin(struct request *r, const char *field, const char *filename);
int evidence_file_data(struct request *r, const unsigned char *p, size_t n);
int evidence_file_end(struct request *r);
/* The JSON of the staged files, for replies. */
json_t *evidence_files_json(const struct upload_state *u);
/* Attaches the staged files to a report inside a transaction. */
int evidence_attach(struct store *st, const struct upload_state *u, const char *report_id,
                    int64_t at);

/* The instance's receipt salt (reports_init loads it). */
const unsigned char *reports_receipt_salt(void);

/* The hour `t` falls in (reporter activity is kept to the hour). */
int64_t hour_of(int64_t t);

/* ---- boxes holding text or JSON (boxes.c) ---- */

/* Opens a box into a NUL-terminated malloc'd string, or NULL (logged: a ciphertext that does
 * not open with its key is a broken or tampered row). Wipe and free the result. */
char *box_open_text(const unsigned char *box, size_t n, const unsigned char *key,
                    const char *report_id, const char *row, const char *author,
                    enum box_purpose p);
json_t *box_open_json(const unsigned char *box, size_t n, const unsigned char *key,
                      const char *report_id, const char *row, const char *author,
                      enum box_purpose p);
/* Encrypts a text into a malloc'd box (length in *len), or NULL. */
unsigned char *box_seal_text(const char *text, const unsigned char *key, const char *report_id,
                             const char *row, const char *author, enum box_purpose p,
                             size_t *len);
/* The same for a JSON value, whose reference it takes. */
unsigned char *box_seal_json(json_t *v, const unsigned char *key, const char *report_id,
                             const char *row, const char *author, enum box_purpose p,
                             size_t *len);
/* Frees a string from box_open_text after wiping it. */
void text_free(char *s);

#endif
