/* pdf.c: PDF metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/pdf_fuzz.c). */
/*
 * The cross-reference table holds byte offsets, so nothing may move: metadata is blanked in
 * place, keeping every length.
 *
 *   The document information dictionary (Author, Creator, Producer, Title, Subject,
 *   Keywords, CreationDate, ModDate and custom keys): every string value becomes spaces,
 *   "(   )" or "<2020>". It is found by its shape while streaming (a dictionary object
 *   with Author, Creator, Producer, CreationDate or ModDate, and none of the keys that mark
 *   another kind: Type, Subtype, Parent, Kids, Length, Rect, Dest, A, First, Filter), and
 *   checked at the end against every /Info reference of the trailers and cross-reference
 *   streams.
 *   XMP metadata streams (Type /Metadata) without a Filter: their data becomes spaces (line
 *   ends kept).
 * Not cleaned (everything still passes): an /Info that names an object not blanked here
 * (one inside an object stream, or of another shape), a compressed metadata stream, an
 * encrypted file (/Encrypt), a dictionary object larger than MF_BUF, a file that ends inside
 * a string, dictionary or stream, or without %%EOF. Pictures embedded in a PDF keep their
 * own metadata.
 *
 * A byte-level lexer runs over the pieces: strings, hex strings, comments, names and
 * keywords, and stream data (skipped by its direct /Length, else up to "endstream"). The
 * only bytes held are a dictionary that opens an object ("N G obj <<"), until it closes, so
 * that it can be read whole and blanked before it goes out.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <stdlib.h>
#include <string.h>

enum { L_NORMAL, L_COMMENT, L_STRING, L_HEX, L_LT, L_GT, L_STREAM_EOL, L_STREAM };
enum { A_NONE, A_OBJ, A_INFO };

static bool is_ws(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0;
}

static bool is_delim(unsigned c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static bool in_list(const long long *list, unsigned n, long long v)
{
	for (unsigned i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static void add_to(long long *list, unsigned *n, long long v, bool *bad)
{
	if (in_list(list, *n, v))
		return;
	if (*n == 16) {
		*bad = true;
		return;
	}
	list[(*n)++] = v;
}

/* ---- reading a held dictionary ---- */

enum tk { T_END, T_NAME, T_NUM, T_STR, T_HEX, T_DOPEN, T_DCLOSE, T_AOPEN, T_ACLOSE, T_KW };

struct tokz {
	unsigned char *p;
	size_t n, i;
	size_t s, e; /* the token's bytes */
};

static enum tk tok(struct tokz *z)
{
	unsigned char *p = z->p;
	for (;;) {
		while (z->i < z->n && is_ws(p[z->i]))
			z->i++;
		if (z->i < z->n && p[z->i] == '%') {
			while (z->i < z->n && p[z->i] != '\r' && p[z->i] != '\n')
				z->i++;
			continue;
		}
		break;
	}
	if (z->i >= z->n)
		return T_END;
	size_t i = z->s = z->i;
	unsigned c = p[i];
	enum tk t;
	if (c == '(') {
		unsigned depth = 0;
		for (; i < z->n; i++) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '(')
				depth++;
			else if (p[i] == ')' && --depth == 0)
				break;
		}
		i++;
		t = T_STR;
	} else if (c == '<' && i + 1 < z->n && p[i + 1] == '<') {
		i += 2;
		t = T_DOPEN;
	} else if (c == '>' && i + 1 < z->n && p[i + 1] == '>') {
		i += 2;
		t = T_DCLOSE;
	} else if (c == '<') {
		while (i < z->n && p[i] != '>')
			i++;
		i++;
		t = T_HEX;
	} else if (c == '[' || c == ']' || c == '{' || c == '}' || c == ')' || c == '>') {
		i++;
		t = c == '[' ? T_AOPEN : c == ']' ? T_ACLOSE : T_KW;
	} else {
		i++; /* a name's slash, or the first regular character */
		while (i < z->n && !is_ws(p[i]) && !is_delim(p[i]))
			i++;
		t = c == '/' ? T_NAME : (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.'
		                            ? T_NUM
		                            : T_KW;
	}
	z->e = i < z->n ? i : z->n;
	z->i = z->e;
	return t;
}

static bool tok_is(const struct tokz *z, const char *s)
{
	size_t len = strlen(s);
	return z->e - z->s == len && memcmp(z->p + z->s, s, len) == 0;
}

static long long tok_num(const struct tokz *z)
{
	long long v = 0;
	for (size_t i = z->s; i < z->e && z->p[i] >= '0' && z->p[i] <= '9' && v < 1000000000000LL;
	     i++)
		v = v * 10 + (z->p[i] - '0');
	return v;
}

/* Skips a nested dictionary or array whose opening token was just read. */
static void skip_nested(struct tokz *z)
{
	int depth = 1;
	while (depth > 0) {
		enum tk t = tok(z);
		if (t == T_END)
			return;
		if (t == T_DOPEN || t == T_AOPEN)
			depth++;
		else if (t == T_DCLOSE || t == T_ACLOSE)
			depth--;
	}
}

/* Whether a string token is blank already (spaces, or hex 20s). */
static bool blank(const unsigned char *p, size_t s, size_t e, bool hex)
{
	unsigned k = 0;
	for (size_t i = s + 1; i + 1 < e; i++) {
		if (hex && is_ws(p[i]))
			continue;
		if (hex ? p[i] != (k++ % 2 ? '0' : '2') : p[i] != ' ')
			return false;
	}
	return true;
}

static void blank_out(unsigned char *p, size_t s, size_t e, bool hex)
{
	unsigned k = 0;
	for (size_t i = s + 1; i + 1 < e; i++) {
		if (hex && is_ws(p[i]))
			continue;
		p[i] = hex ? (k++ % 2 ? '0' : '2') : ' ';
	}
}

static unsigned info_class(const struct tokz *z)
{
	if (tok_is(z, "/Author"))
		return MR_AUTHOR;
	if (tok_is(z, "/Creator") || tok_is(z, "/Producer"))
		return MR_DEVICE;
	if (tok_is(z, "/CreationDate") || tok_is(z, "/ModDate"))
		return MR_TIMESTAMPS;
	if (tok_is(z, "/Title") || tok_is(z, "/Subject") || tok_is(z, "/Keywords"))
		return MR_COMMENTS;
	return MR_OTHER;
}

/* Reads the held dictionary buf[0..held): what the next stream is, /Info and /Encrypt, and
 * blanks it when it is the information dictionary. */
static void analyse(struct media_filter *f)
{
	struct mf_pdf *d = &f->u.pdf;
	struct tokz z = {f->buf, d->held, 0, 0, 0};
	if (tok(&z) != T_DOPEN)
		return;
	struct span {
		size_t s, e;
		unsigned bits;
		bool hex;
	} strs[64];
	unsigned nstr = 0;
	bool info_key = false, other_kind = false, metadata = false, filter = false;
	bool len_known = false, overflow = false;
	uint64_t len = 0;
	for (;;) {
		enum tk t = tok(&z);
		if (t == T_END || t == T_DCLOSE)
			break;
		if (t != T_NAME) {
			if (t == T_DOPEN || t == T_AOPEN)
				skip_nested(&z);
			continue;
		}
		struct tokz key = z;
		static const char *const others[] = {"/Type", "/Subtype", "/Parent", "/Kids",
		                                     "/Length", "/Rect", "/Dest", "/A", "/First",
		                                     "/Filter"};
		for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
			other_kind |= tok_is(&key, others[i]);
		unsigned bits = info_class(&key);
		info_key |= bits != MR_OTHER && bits != MR_COMMENTS;
		filter |= tok_is(&key, "/Filter");
		if (tok_is(&key, "/Encrypt"))
			d->encrypted = true;
		t = tok(&z);
		if (t == T_DOPEN || t == T_AOPEN) {
			skip_nested(&z);
		} else if (t == T_STR || t == T_HEX) {
			if (nstr < 64)
				strs[nstr++] = (struct span){z.s, z.e, bits, t == T_HEX};
			else
				overflow = true;
		} else if (t == T_NAME && tok_is(&key, "/Type")) {
			metadata = tok_is(&z, "/Metadata");
		} else if (t == T_NUM) {
			long long v = tok_num(&z);
			struct tokz save = z;
			if (tok(&z) == T_NUM && tok(&z) == T_KW && tok_is(&z, "R")) {
				if (tok_is(&key, "/Info"))
					add_to(d->info_ref, &d->ninfo_ref, v, &d->bad);
			} else {
				z = save;
				if (tok_is(&key, "/Length")) {
					len_known = true;
					len = (uint64_t)v;
				}
			}
		} else if (t == T_END) {
			break;
		}
	}
	d->next.xmp = metadata;
	d->next.filter = filter;
	d->next.len_known = len_known;
	d->next.len = len;
	if (!info_key || other_kind)
		return;
	if (overflow)
		d->bad = true;
	add_to(d->info_seen, &d->ninfo_seen, d->obj, &d->bad);
	for (unsigned i = 0; i < nstr; i++) {
		if (blank(f->buf, strs[i].s, strs[i].e, strs[i].hex))
			continue;
		f->removed |= strs[i].bits;
		blank_out(f->buf, strs[i].s, strs[i].e, strs[i].hex);
	}
}

/* ---- the lexer ---- */

struct cur {
	const unsigned char *p;
	size_t from; /* bytes of p not yet passed or held begin here */
};

/* Bytes up to p[i) go out (or into the held dictionary). */
static void take(struct media_filter *f, struct cur *c, size_t i)
{
	struct mf_pdf *d = &f->u.pdf;
	if (i <= c->from)
		return;
	size_t n = i - c->from;
	if (!d->hold) {
		mf_pass(f, c->p + c->from, n);
	} else if (n <= MF_BUF - d->held) {
		memcpy(f->buf + d->held, c->p + c->from, n);
		d->held += n;
	} else { /* too large to read: out as it is; whatever it was stays */
		mf_emit(f, f->buf, d->held);
		mf_pass(f, c->p + c->from, n);
		d->held = 0;
		d->hold = false;
		d->bad = true;
	}
	c->from = i;
}

static void hold_start(struct media_filter *f, struct cur *c, size_t i)
{
	take(f, c, i);
	f->u.pdf.hold = true;
	f->u.pdf.held = 0;
	f->u.pdf.depth = 0;
}

static void hold_end(struct media_filter *f, struct cur *c, size_t i)
{
	struct mf_pdf *d = &f->u.pdf;
	take(f, c, i);
	if (!d->hold)
		return;
	d->hold = false;
	analyse(f);
	mf_emit(f, f->buf, d->held);
	d->held = 0;
	d->just_closed = true;
}

/* A complete token (not while holding). */
static void token(struct media_filter *f)
{
	struct mf_pdf *d = &f->u.pdf;
	const char *t = d->tok;
	size_t n = d->tokn;
	d->tokn = 0;
	if (n == 0)
		return;
	bool closed = d->just_closed;
	d->just_closed = false;
	if (t[0] >= '0' && t[0] <= '9') {
		long long v = 0;
		for (size_t i = 0; i < n && t[i] >= '0' && t[i] <= '9' && v < 1000000000000LL; i++)
			v = v * 10 + (t[i] - '0');
		d->num[0] = d->num[1];
		d->num[1] = v;
		d->nums++;
		return;
	}
	int after = d->after;
	d->after = A_NONE;
	if (n == 3 && memcmp(t, "obj", 3) == 0 && d->nums >= 2) {
		d->obj = d->num[0];
		d->after = A_OBJ;
	} else if (n == 1 && t[0] == 'R' && after == A_INFO && d->nums >= 2) {
		add_to(d->info_ref, &d->ninfo_ref, d->num[0], &d->bad);
	} else if (n == 5 && memcmp(t, "/Info", 5) == 0) {
		d->after = A_INFO;
	} else if (n == 8 && memcmp(t, "/Encrypt", 8) == 0) {
		d->encrypted = true;
	} else if (n == 6 && memcmp(t, "stream", 6) == 0) {
		bool xmp = closed && d->next.xmp;
		if (xmp && d->next.filter)
			d->bad = true; /* compressed XMP: not read here */
		d->stream = xmp && !d->next.filter ? 2 : 1;
		d->len_known = closed && d->next.len_known;
		d->stream_left = d->next.len;
		d->lex = L_STREAM_EOL;
	}
	d->nums = 0;
}

static const char END[] = "endstream";

/* Stream data from p[i): returns where it stopped (n when all of it is data). */
static size_t stream_data(struct media_filter *f, struct cur *c, size_t i, size_t n)
{
	struct mf_pdf *d = &f->u.pdf;
	const unsigned char *p = c->p;
	if (d->len_known) {
		size_t k = d->stream_left < n - i ? (size_t)d->stream_left : n - i;
		if (d->stream == 2) {
			take(f, c, i);
			for (size_t j = i; j < i + k; j++) {
				bool eol = p[j] == '\r' || p[j] == '\n';
				if (!eol && p[j] != ' ')
					f->removed |= MR_XMP;
				mf_emit(f, eol ? p + j : (const unsigned char *)" ", 1);
			}
			c->from = i + k;
		}
		d->stream_left -= k;
		if (d->stream_left == 0) {
			d->stream = 0;
			d->lex = L_NORMAL;
		}
		return i + k;
	}
	/* up to "endstream"; when blanking, bytes that may begin it are withheld (they are
	 * known: END[0..match)) until it is clear whether they are data */
	bool xmp = d->stream == 2;
	for (size_t j = i; j < n; j++) {
		unsigned char ch = p[j];
		if (ch != (unsigned char)END[d->match] && d->match) {
			if (xmp) {
				take(f, c, j);
				f->removed |= MR_XMP;
				for (unsigned k = 0; k < d->match; k++)
					mf_emit(f, " ", 1);
			}
			d->match = 0;
		}
		if (ch == (unsigned char)END[d->match]) {
			if (xmp) {
				take(f, c, j);
				c->from = j + 1;
			}
			if (++d->match == sizeof END - 1) {
				if (xmp)
					mf_emit(f, END, sizeof END - 1);
				d->match = 0;
				d->stream = 0;
				d->lex = L_NORMAL;
				return j + 1;
			}
			continue;
		}
		if (xmp) {
			bool eol = ch == '\r' || ch == '\n';
			if (!eol && ch != ' ')
				f->removed |= MR_XMP;
			take(f, c, j);
			mf_emit(f, eol ? p + j : (const unsigned char *)" ", 1);
			c->from = j + 1;
		}
	}
	return n;
}

static size_t scan(struct media_filter *f, const unsigned char *p, size_t n)
{
	struct mf_pdf *d = &f->u.pdf;
	if (p == NULL) { /* the end */
		if (d->hold) { /* inside a dictionary: out as it is */
			mf_emit(f, f->buf, d->held);
			d->hold = false;
			d->bad = true;
		}
		if (d->stream == 2 && d->match)
			mf_emit(f, END, d->match);
		if (d->lex == L_COMMENT && d->tokn == 5 && memcmp(d->tok, "%%EOF", 5) == 0)
			d->eof_seen = true;
		bool ok = (d->lex == L_NORMAL || d->lex == L_COMMENT) && !d->bad && !d->encrypted &&
		          d->eof_seen;
		for (unsigned i = 0; ok && i < d->ninfo_ref; i++)
			ok = in_list(d->info_seen, d->ninfo_seen, d->info_ref[i]);
		if (ok)
			mf_end(f);
		else
			f->raw = true;
		return 0;
	}
	struct cur c = {p, 0};
	size_t i = 0;
	while (i < n) {
		unsigned ch = p[i];
		switch (d->lex) {
		case L_STREAM:
			i = stream_data(f, &c, i, n);
			continue;
		case L_STREAM_EOL: /* "stream" then CR LF or LF */
			if (ch == '\r') {
				i++;
				continue;
			}
			if (ch == '\n')
				i++;
			d->lex = L_STREAM;
			d->match = 0;
			if (d->len_known && d->stream_left == 0) {
				d->stream = 0;
				d->lex = L_NORMAL;
			}
			continue;
		case L_COMMENT:
			if (ch == '\r' || ch == '\n') {
				d->lex = L_NORMAL;
				if (d->tokn == 5 && memcmp(d->tok, "%%EOF", 5) == 0)
					d->eof_seen = true;
				d->tokn = 0;
			} else if (d->tokn < sizeof d->tok) {
				d->tok[d->tokn++] = (char)ch;
			}
			i++;
			continue;
		case L_STRING:
			if (d->esc)
				d->esc = false;
			else if (ch == '\\')
				d->esc = true;
			else if (ch == '(')
				d->str_depth++;
			else if (ch == ')' && --d->str_depth == 0)
				d->lex = L_NORMAL;
			i++;
			continue;
		case L_HEX:
			if (ch == '>')
				d->lex = L_NORMAL;
			i++;
			continue;
		case L_LT:
			d->lex = L_NORMAL;
			if (ch == '<') { /* a dictionary opens */
				d->depth += d->hold;
				i++;
				continue;
			}
			if (d->hold && d->depth == 0) { /* "N G obj <hex>": nothing to hold */
				take(f, &c, i);
				mf_emit(f, f->buf, d->held);
				d->held = 0;
				d->hold = false;
			}
			d->lex = L_HEX;
			continue; /* this byte again, as hex */
		case L_GT:
			d->lex = L_NORMAL;
			if (ch == '>') {
				i++;
				if (d->hold && --d->depth == 0)
					hold_end(f, &c, i);
			}
			continue;
		}
		/* L_NORMAL */
		if (!is_ws(ch) && !is_delim(ch)) {
			if (d->tokn < sizeof d->tok)
				d->tok[d->tokn++] = (char)ch;
			i++;
			continue;
		}
		if (!d->hold)
			token(f);
		d->tokn = 0;
		if (d->lex != L_NORMAL) /* "stream" */
			continue;
		i++;
		switch (ch) {
		case '%':
			d->lex = L_COMMENT;
			d->tok[0] = '%';
			d->tokn = 1;
			break;
		case '(':
			d->lex = L_STRING;
			d->str_depth = 1;
			d->esc = false;
			d->after = A_NONE;
			break;
		case '<':
			if (!d->hold && d->after == A_OBJ)
				hold_start(f, &c, i - 1);
			d->after = A_NONE;
			d->lex = L_LT;
			break;
		case '>':
			d->lex = L_GT;
			break;
		case '/':
			d->tok[0] = '/';
			d->tokn = 1;
			break;
		case '[':
		case ']':
		case '{':
		case '}':
		case ')':
			d->after = A_NONE;
			d->nums = 0;
			break;
		}
	}
	take(f, &c, n);
	return n;
}

void mf_pdf_init(struct media_filter *f)
{
	f->scan = scan;
	mf_scan(f);
}
