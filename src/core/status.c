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

bool status_final(const char *status)
{
	return !strcmp(status, "forwarded") || !strcmp(status, "closed_substantiated") ||
	       !strcmp(status, "closed_unsubstantiated") || !strcmp(status, "rejected");
}

/* API.md "Report statuses": forward one step at a time, rejection early, and a supervisor's
 * reopening of a final status. */
bool status_transition_ok(const char *from, const char *to, bool supervisor)
{
	static const struct {
		const char *from, *to;
	} arrows[] = {
		{ "received", "verifying" },        { "received", "rejected" },
		{ "verifying", "investigating" },   { "verifying", "rejected" },
		{ "investigating", "forwarded" },   { "investigating", "closed_substantiated" },
		{ "investigating", "closed_unsubstantiated" },
	};
	for (size_t i = 0; i < sizeof arrows / sizeof *arrows; i++)
		if (!strcmp(arrows[i].from, from) && !strcmp(arrows[i].to, to))
			return true;
	return supervisor && status_final(from) && !strcmp(to, "investigating");
}
