/* test_store_tables.c: store_tables (the list `peluit migrate` copies) names every table the
 * SQLite migrations create, with every column that is not the rowid, except the derived tables
 * (store_derived_tables: kept by triggers, never copied). A migration that adds a table or a
 * column without adding it to one of them fails here, not in a migrated instance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

static const struct store_table *find(const char *name)
{
	for (size_t i = 0; i < store_tables_count; i++)
		if (!strcmp(store_tables[i].name, name))
			return &store_tables[i];
	return NULL;
}

static bool derived(const char *name)
{
	for (size_t i = 0; i < store_derived_tables_count; i++)
		if (!strcmp(store_derived_tables[i], name))
			return true;
	return false;
}

/* Whether `col` is one of the comma-separated names in `cols`. */
static bool listed(const char *cols, const char *col)
{
	size_t n = strlen(col);
	for (const char *p = cols; (p = strstr(p, col)) != NULL; p += n)
		if ((p == cols || (p - cols >= 2 && p[-2] == ',')) && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static void test_every_table_and_column(void **state)
{
	(void)state;
	char dir[] = "/tmp/peluit-tables-XXXXXX", path[64], err[256];
	assert_non_null(mkdtemp(dir));
	struct store *st = store_open("", dir, true, err, sizeof err);
	assert_non_null(st);
	int from, to;
	assert_int_equal(st->migrate(st->cls, &from, &to), STORE_OK);
	st->close(st);

	sqlite3 *db;
	snprintf(path, sizeof path, "%s/peluit.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *t, *c;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
	                                        "AND name NOT LIKE 'sqlite_%'", -1, &t, NULL),
	                 SQLITE_OK);
	size_t tables = 0;
	while (sqlite3_step(t) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		if (derived(name)) {
			assert_null(find(name)); /* kept by triggers on the target: never copied */
			continue;
		}
		const struct store_table *want = find(name);
		if (!want)
			print_error("table %s is missing from store_tables (store.c)\n", name);
		assert_non_null(want);
		tables++;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, pk, type FROM pragma_table_info(?)",
		                                    -1, &c, NULL), SQLITE_OK);
		sqlite3_bind_text(c, 1, name, -1, SQLITE_TRANSIENT);
		int cols = 0;
		while (sqlite3_step(c) == SQLITE_ROW) {
			const char *col = (const char *)sqlite3_column_text(c, 0);
			/* an INTEGER PRIMARY KEY alone is the rowid: the order of arrival, not copied */
			bool rowid = sqlite3_column_int(c, 1) == 1 &&
			             !strcmp((const char *)sqlite3_column_text(c, 2), "INTEGER") &&
			             !listed(want->cols, col);
			if (rowid)
				continue;
			if (!listed(want->cols, col))
				print_error("column %s.%s is missing from store_tables\n", name, col);
			assert_true(listed(want->cols, col));
			cols++;
		}
		sqlite3_finalize(c);
		assert_int_equal(cols, want->ncols);
	}
	sqlite3_finalize(t);
	sqlite3_close(db);
	assert_int_equal(tables, store_tables_count);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_and_column),
	};
	return cmocka_run_group_tests_name("store_tables", tests, NULL, NULL);
}
