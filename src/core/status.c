/* status.c: the table of report statuses and labels. */
#include <string.h>

#include "core/status.h"

static const struct {
	const char *code;
	const char *label[2];
} statuses[] = {
	{ "received", { "Diterima", "Received" } },
	{ "verifying", { "Sedang diverifikasi", "Being verified" } },
	{ "investigating", { "Sedang diinvestigasi", "Under investigation" } },
	{ "forwarded", { "Diteruskan ke instansi yang berwenang", "Forwarded to the competent authority" } },
	{ "closed_substantiated", { "Selesai: terbukti", "Closed: substantiated" } },
	{ "closed_unsubstantiated", { "Selesai: tidak terbukti", "Closed: not substantiated" } },
	{ "rejected", { "Ditolak", "Rejected" } },
};

bool status_valid(const char *status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		if (!strcmp(statuses[i].code, status))
			return true;
	return false;
}

const char *status_label(const char *status, enum lang lang)
{
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		if (!strcmp(statuses[i].code, status))
			return statuses[i].label[lang];
	return status;
}
