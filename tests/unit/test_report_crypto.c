/* test_report_crypto.c: bound ciphertexts refuse to move, identities pad to one size,
 * receipts parse and derive the same values every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/report.h"

static int setup(void **state)
{
	(void)state;
	return crypto_init(1);
}

static void test_box_binding(void **state)
{
	(void)state;
	unsigned char key[RKEY_BYTES], other[RKEY_BYTES], ct[64 + BOX_OVERHEAD], pt[64];
	const char msg[] = "pungutan liar di kelurahan";
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
	size_t n = sizeof msg;
	box_seal(ct, (const unsigned char *)msg, n, key, "rep1", "msg1", "reporter", BOX_MESSAGE);
	assert_int_equal(box_open(pt, ct, n + BOX_OVERHEAD, key, "rep1", "msg1", "reporter",
	                          BOX_MESSAGE), 0);
	assert_string_equal((char *)pt, msg);
	/* moved to another report, row, author or purpose, or the wrong key: refused */
	assert_int_equal(box_open(pt, ct, n + BOX_OVERHEAD, key, "rep2", "msg1", "reporter",
	                          BOX_MESSAGE), -1);
	assert_int_equal(box_open(pt, ct, n + BOX_OVERHEAD, key, "rep1", "msg2", "reporter",
	                          BOX_MESSAGE), -1);
	assert_int_equal(box_open(pt, ct, n + BOX_OVERHEAD, key, "rep1", "msg1", "staff",
	                          BOX_MESSAGE), -1);
	assert_int_equal(box_open(pt, ct, n + BOX_OVERHEAD, key, "rep1", "msg1", "reporter",
	                          BOX_NOTE), -1);
	assert_int_equal(box_open(pt, ct, n + BOX_OVERHEAD, other, "rep1", "msg1", "reporter",
	                          BOX_MESSAGE), -1);
	/* "ab"+"c" and "a"+"bc" bind differently */
	box_seal(ct, (const unsigned char *)"x", 1, key, "ab", "c", "", BOX_CONTENT);
	assert_int_equal(box_open(pt, ct, 1 + BOX_OVERHEAD, key, "a", "bc", "", BOX_CONTENT), -1);
	ct[30] ^= 1;
	assert_int_equal(box_open(pt, ct, 1 + BOX_OVERHEAD, key, "ab", "c", "", BOX_CONTENT), -1);
}

static void test_identity_padding(void **state)
{
	(void)state;
	unsigned char a[IDENTITY_PADDED], b[IDENTITY_PADDED];
	assert_int_equal(identity_pad(a, (const unsigned char *)"{}", 2), 0);
	assert_int_equal(identity_unpad(a), 2);
	unsigned char big[IDENTITY_PADDED];
	memset(big, 'x', sizeof big);
	assert_int_equal(identity_pad(b, big, IDENTITY_PADDED - 1), 0);
	assert_int_equal(identity_unpad(b), IDENTITY_PADDED - 1);
	assert_int_equal(identity_pad(b, big, IDENTITY_PADDED), -1);
}

static void test_receipts(void **state)
{
	(void)state;
	char r[RECEIPT_DIGITS + 1], r2[RECEIPT_DIGITS + 1], shown[RECEIPT_DIGITS + 4];
	receipt_new(r);
	assert_int_equal(strlen(r), 20);
	assert_int_equal(strspn(r, "0123456789"), 20);
	receipt_new(r2);
	assert_string_not_equal(r, r2);
	receipt_display(r, shown);
	assert_int_equal(strlen(shown), 23);
	assert_int_equal(shown[5], ' ');
	assert_int_equal(receipt_normalize(shown, r2), 0);
	assert_string_equal(r, r2);
	assert_int_equal(receipt_normalize("1234-5678 9012-3456-7890", r2), 0);
	assert_string_equal(r2, "12345678901234567890");
	assert_int_equal(receipt_normalize("1234567890123456789", r2), -1);  /* 19 */
	assert_int_equal(receipt_normalize("123456789012345678901", r2), -1); /* 21 */
	assert_int_equal(receipt_normalize("1234567890123456789a", r2), -1);
}

static void test_receipt_derivation(void **state)
{
	(void)state;
	unsigned char salt[RECEIPT_SALTBYTES], pepper[32], l1[32], w1[32], l2[32], w2[32];
	randombytes_buf(salt, sizeof salt);
	randombytes_buf(pepper, sizeof pepper);
	assert_int_equal(receipt_derive("12345678901234567890", salt, pepper, l1, w1), 0);
	assert_int_equal(receipt_derive("12345678901234567890", salt, pepper, l2, w2), 0);
	assert_memory_equal(l1, l2, 32);
	assert_memory_equal(w1, w2, 32);
	assert_memory_not_equal(l1, w1, 32);
	assert_int_equal(receipt_derive("12345678901234567891", salt, pepper, l2, w2), 0);
	assert_memory_not_equal(l1, l2, 32);
	pepper[0] ^= 1; /* without the pepper from DATA/secrets, a database copy opens nothing */
	assert_int_equal(receipt_derive("12345678901234567890", salt, pepper, l2, w2), 0);
	assert_memory_not_equal(l1, l2, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_box_binding),
		cmocka_unit_test(test_identity_padding),
		cmocka_unit_test(test_receipts),
		cmocka_unit_test(test_receipt_derivation),
	};
	return cmocka_run_group_tests_name("report_crypto", tests, setup, NULL);
}
