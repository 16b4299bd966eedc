/* sniff.h: the real type of an uploaded evidence file, from its first bytes only. The file's
 * name and the type the client claims are never consulted: nothing here takes them. */
#ifndef PELUIT_SNIFF_H
#define PELUIT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

/* The accepted evidence types (API.md meta.limits.accepted_types). */
enum media_type {
	MT_UNKNOWN = 0,
	MT_JPEG,
	MT_PNG,
	MT_WEBP,
	MT_GIF,
	MT_HEIC,
	MT_HEIF,
	MT_MP4,
	MT_MOV,
	MT_3GP,
	MT_M4A,
	MT_MP3,
	MT_OGG,
	MT_WAV,
	MT_PDF,
	MT_DOCX,
	MT_XLSX,
	MT_PPTX,
	MT_ODT,
	MT_ODS,
	MT_TEXT
};

/* One past the last type: `for (int t = MT_UNKNOWN + 1; t < MT_COUNT; t++)` walks the accepted
 * types in the order of accepted_types. */
#define MT_COUNT (MT_TEXT + 1)

#define SNIFF_BYTES 8192 /* how many leading bytes media_sniff wants (it works with fewer) */

/* The type of a file from its first `n` bytes (n may be < SNIFF_BYTES for small files;
 * `complete` tells whether these are all of the file). Pure function, no allocation, safe on
 * any input; it never reads p[n] or beyond. Only the first SNIFF_BYTES count: a longer buffer
 * is treated as those bytes of an incomplete file. MT_UNKNOWN for anything not accepted,
 * including empty input. */
enum media_type media_sniff(const unsigned char *p, size_t n, bool complete);

/* "image/jpeg" …, exactly the strings of accepted_types; NULL for MT_UNKNOWN (or any value
 * outside the enumeration). */
const char *media_mime(enum media_type t);

/* The usual file-name extension without the dot: "jpg" …; NULL for MT_UNKNOWN (or any value
 * outside the enumeration). */
const char *media_extension(enum media_type t);

#endif
