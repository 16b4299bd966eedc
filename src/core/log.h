/* log.h: diagnostics on standard error. Never pass report data, identity data, receipts,
 * secrets, client addresses, query strings, header values or bodies to these functions. */
#ifndef PELUIT_LOG_H
#define PELUIT_LOG_H

/* "Our bug" or an operational fault: something the operator should look at. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Normal operation: start, stop, configuration. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line per finished staff/public request: method, route pattern, status, duration. */
void log_request(const char *method, const char *pattern, unsigned status, double ms);

#endif
