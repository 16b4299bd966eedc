/* test_evidence.c: evidence safety end to end. Real pictures with planted metadata
 * (scripts/make-test-media: GPS, make, model, serial, owner, author, dates, XMP, IPTC,
 * comments, written by exiftool) are submitted as a citizen would; an investigator downloads
 * them through the case API; none of the planted values is left (byte search and exiftool),
 * the pictures still decode to identical pixels (ImageMagick's pixel signature), and the
 * `removed` list says what went. With keep_metadata the download is the upload, byte for
 * byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PW_SUP "evidence supervisor pass 31"
#define PW_INV "evidence investigator pass 31"

static struct server srv;
static char *token;
static char media[200];

static int setup(void **state)
{
	(void)state;
	char f1[160], f2[160], cmd[400];
	http_global_init();
	if (server_prepare(&srv) != 0 || server_write_file(&srv, "p1", PW_SUP, f1, sizeof f1) != 0 ||
	    server_write_file(&srv, "p2", PW_INV, f2, sizeof f2) != 0)
		return -1;
	if (peluit_run(&srv, NULL, NULL, "user", "add", "--username", "sup", "--role", "supervisor",
	               "--password-file", f1, NULL) != 0 ||
	    peluit_run(&srv, NULL, NULL, "user", "add", "--username", "inv", "--role", "investigator",
	               "--password-file", f2, "--confirm-as", "sup", "--confirm-password-file", f1,
	               NULL) != 0)
		return -1;
	snprintf(media, sizeof media, "%s/media", srv.root);
	snprintf(cmd, sizeof cmd, "scripts/make-test-media '%s' >/dev/null", media);
	if (system(cmd) != 0) {
		fprintf(stderr, "scripts/make-test-media failed\n");
		return -1;
	}
	if (server_serve(&srv) != 0)
		return -1;
	token = staff_login(&srv, "inv", PW_INV, NULL);
	return token ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(token);
	int rc = server_stop(&srv);
	http_global_cleanup();
	return rc == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		*len = (size_t)n;
	}
	return b;
}

/* The first line of a command's output (trailing newline removed), malloc'd. */
static char *command_line(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[4096] = "";
	if (!p)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

struct downloaded {
	json_t *file;  /* the case's file entry */
	char *bytes;
	size_t len;
};

/* Submits `name` from the media directory, finds the newest case as the investigator and
 * downloads its file. */
static void submit_and_download(const char *name, bool keep, struct downloaded *d)
{
	char path[300], url[200];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", media, name);
	char *data = slurp(path, &len);
	assert_non_null(data);
	const struct mpart parts[] = {
		{ "keep_metadata", NULL, NULL, keep ? "true" : "false", MPART_STRLEN },
		{ "category", NULL, NULL, "gratifikasi", MPART_STRLEN },
		{ "message", NULL, NULL, "Foto pungutan liar di loket pelayanan kecamatan.", MPART_STRLEN },
		{ "evidence", name, "application/octet-stream", data, len },
	};
	struct response r;
	assert_int_equal(http_post_multipart(&srv, "/api/v1/reports", NULL, parts, 4, 60000, &r), 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
	free(data);

	assert_int_equal(http_get_as(&srv, token, "/api/v1/staff/reports?per_page=1", &r), 0);
	assert_int_equal(r.status, 200);
	const char *id = json_string_value(
		json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
	assert_non_null(id);
	snprintf(url, sizeof url, "/api/v1/staff/reports/%s", id);
	response_free(&r);
	assert_int_equal(http_get_as(&srv, token, url, &r), 0);
	assert_int_equal(r.status, 200);
	d->file = json_incref(json_array_get(json_object_get(r.json, "files"), 0));
	assert_non_null(d->file);
	response_free(&r);
	snprintf(url + strlen(url), sizeof url - strlen(url), "/files/%s",
	         json_string_value(json_object_get(d->file, "id")));
	assert_int_equal(http_get_as(&srv, token, url, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal((long long)r.body_len, json_integer_value(json_object_get(d->file, "size")));
	d->bytes = malloc(r.body_len + 1);
	memcpy(d->bytes, r.body, r.body_len);
	d->len = r.body_len;
	response_free(&r);
}

static void downloaded_free(struct downloaded *d)
{
	json_decref(d->file);
	free(d->bytes);
}

static bool removed_has(const json_t *file, const char *kind)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(file, "removed"), i, v)
		if (!strcmp(json_string_value(v), kind))
			return true;
	return false;
}

/* Each picture: nothing planted left (bytes and exiftool), identical pixels, removed right. */
static void test_pictures_cleaned(void **state)
{
	(void)state;
	static const struct {
		const char *name, *clean;
		bool gps; /* exiftool can plant GPS into this format */
	} cases[] = {
		{ "photo.jpg", "clean.jpg", true },
		{ "photo.png", "clean.png", true },
		{ "photo.webp", "clean.webp", true },
		{ "photo.gif", "clean.gif", false },
	};
	char path[300], cmd[800];
	size_t plen;
	snprintf(path, sizeof path, "%s/planted.txt", media);
	char *planted = slurp(path, &plen);
	assert_non_null(planted);
	struct byte_needle needles[32];
	size_t n = 0;
	for (char *line = strtok(planted, "\n"); line && n < 32; line = strtok(NULL, "\n"))
		needles[n++] = (struct byte_needle){ line, strlen(line), line };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct downloaded d;
		submit_and_download(cases[i].name, false, &d);
		if (buf_search(cases[i].name, d.bytes, d.len, needles, n) != 0)
			fail_msg("%s: planted values left in the download", cases[i].name);
		assert_true(json_is_true(json_object_get(d.file, "cleaned")));
		if (cases[i].gps && !removed_has(d.file, "gps"))
			fail_msg("%s: removed does not list gps", cases[i].name);
		if (json_array_size(json_object_get(d.file, "removed")) == 0)
			fail_msg("%s: removed is empty", cases[i].name);

		char out[300];
		snprintf(out, sizeof out, "%s/downloaded-%s", srv.root, cases[i].name);
		FILE *f = fopen(out, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(d.bytes, 1, d.len, f), d.len);
		fclose(f);
		/* exiftool finds no position, device or author in what staff receive. */
		snprintf(cmd, sizeof cmd, "exiftool -q -s -s -s -GPSLatitude -GPSLongitude -Make -Model "
		         "-SerialNumber -Artist -Author -Creator -OwnerName '%s' | tr '\\n' ' '", out);
		char *tags = command_line(cmd);
		assert_non_null(tags);
		if (tags[0])
			fail_msg("%s: exiftool still finds: %s", cases[i].name, tags);
		free(tags);
		/* The picture is untouched: the same pixel signature as before any metadata. */
		snprintf(cmd, sizeof cmd, "identify -format '%%#' '%s/%s' 2>&1", media, cases[i].clean);
		char *before = command_line(cmd);
		snprintf(cmd, sizeof cmd, "identify -format '%%#' '%s' 2>&1", out);
		char *after = command_line(cmd);
		assert_non_null(before);
		assert_non_null(after);
		assert_int_equal(strlen(before), 64);
		assert_string_equal(before, after);
		free(before);
		free(after);
		downloaded_free(&d);
	}
	free(planted);
}

/* Sound, video, HEIF pictures and documents (the corpus in tests/data, made by
 * scripts/make-test-media): exiftool finds none of the planted values in what staff download,
 * the bytes hold none of them either (zipped documents are compressed: exiftool reads them),
 * the media payload is there unchanged, and the file says it was cleaned. */
static void test_media_and_documents_cleaned(void **state)
{
	(void)state;
	static const char *const exts[] = { "mp4", "mov", "heic", "mp3", "ogg", "wav", "pdf",
	                                     "docx", "odt" };
	char path[300], cmd[800];
	size_t plen;
	char *planted = slurp("tests/data/planted.txt", &plen);
	assert_non_null(planted);
	struct byte_needle needles[32];
	size_t n = 0;
	for (char *line = strtok(planted, "\n"); line && n < 32; line = strtok(NULL, "\n"))
		needles[n++] = (struct byte_needle){ line, strlen(line), line };
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		char name[40], src[300];
		snprintf(name, sizeof name, "evidence.%s", exts[i]);
		snprintf(src, sizeof src, "%s/%s", media, name);
		snprintf(cmd, sizeof cmd, "cp tests/data/%s '%s'", name, src);
		assert_int_equal(system(cmd), 0);
		struct downloaded d;
		submit_and_download(name, false, &d);
		if (!json_is_true(json_object_get(d.file, "cleaned")))
			fail_msg("%s: not cleaned: %s", name, json_dumps(d.file, JSON_COMPACT));
		if (json_array_size(json_object_get(d.file, "removed")) == 0)
			fail_msg("%s: removed is empty", name);
		bool zipped = !strcmp(exts[i], "docx") || !strcmp(exts[i], "odt");
		if (!zipped && buf_search(name, d.bytes, d.len, needles, n) != 0)
			fail_msg("%s: planted values left in the download", name);
		snprintf(path, sizeof path, "tests/data/%s.payload", name);
		size_t len;
		char *payload = slurp(path, &len);
		assert_non_null(payload);
		if (!zipped && !memmem(d.bytes, d.len, payload, len))
			fail_msg("%s: the media payload is not in the download unchanged", name);
		free(payload);
		snprintf(path, sizeof path, "%s/downloaded-%s", srv.root, name);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(d.bytes, 1, d.len, f), d.len);
		fclose(f);
		snprintf(cmd, sizeof cmd, "exiftool -a -u -G1 '%s' | grep -c -F -f tests/data/planted.txt",
		         path);
		char *hits = command_line(cmd);
		assert_non_null(hits);
		if (strcmp(hits, "0") != 0)
			fail_msg("%s: exiftool still finds %s planted values", name, hits);
		free(hits);
		downloaded_free(&d);
	}
	free(planted);
}

/* keep_metadata=true: staff receive exactly what was uploaded, marked not cleaned. */
static void test_keep_metadata_byte_exact(void **state)
{
	(void)state;
	char path[300];
	size_t len;
	snprintf(path, sizeof path, "%s/photo.jpg", media);
	char *original = slurp(path, &len);
	assert_non_null(original);
	struct downloaded d;
	submit_and_download("photo.jpg", true, &d);
	assert_int_equal(d.len, len);
	assert_memory_equal(d.bytes, original, len);
	assert_true(json_is_false(json_object_get(d.file, "cleaned")));
	assert_int_equal(json_array_size(json_object_get(d.file, "removed")), 0);
	downloaded_free(&d);
	free(original);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pictures_cleaned),
		cmocka_unit_test(test_media_and_documents_cleaned),
		cmocka_unit_test(test_keep_metadata_byte_exact),
	};
	return cmocka_run_group_tests_name("api: evidence", tests, setup, teardown);
}
