/* The log level is the one piece of process-wide mutable state in the core:
 * it is read on every call from any thread, so it is atomic, and the line is
 * built in one buffer and written with one write(2) so concurrent lines never
 * interleave. */
#include "log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static _Atomic int log_level = ES_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void es_log_set_level(es_log_level_t level) { atomic_store(&log_level, (int)level); }
es_log_level_t es_log_get_level(void) { return (es_log_level_t)atomic_load(&log_level); }

int es_log_level_parse(const char *s, es_log_level_t *out)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (es_log_level_t)i;
            return 0;
        }
    if (strcasecmp(s, "warning") == 0) {
        *out = ES_LOG_WARN;
        return 0;
    }
    return ES_EINVAL;
}

void es_vlog_prefixed(es_log_level_t level, const char *prefix, const char *fmt, va_list ap)
{
    if ((int)level > atomic_load(&log_level))
        return;
    char line[4096];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, level_names[level]);
    if (prefix && n < (int)sizeof line)
        n += snprintf(line + n, sizeof line - n, "%s: ", prefix);
    if (n < (int)sizeof line)
        n += vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (n >= (int)sizeof line - 1)
        n = (int)sizeof line - 2; /* truncated: keep the newline */
    /* A log line must never carry a raw newline from input text: it would
     * forge a second line in the journal. */
    for (int i = 0; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

void es_logf(es_log_level_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es_vlog_prefixed(level, NULL, fmt, ap);
    va_end(ap);
}
