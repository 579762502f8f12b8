/* The log level is the one piece of process-wide mutable state in the core:
 * it is read on every call from any thread, so it is atomic, and the line is
 * built in one buffer and written with one write(2) so concurrent lines never
 * interleave. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static _Atomic int log_level = ES_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const int syslog_prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};

/* Where lines go: stderr with a timestamp; stderr as the systemd journal
 * wants it ("<prio>" prefix, the journal keeps time); or syslog(3). */
enum { TO_STDERR, TO_JOURNAL, TO_SYSLOG };
static _Atomic int log_to = TO_STDERR;

void es__log_use_syslog(const char *ident)
{
    openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    atomic_store(&log_to, TO_SYSLOG);
}

int es__log_is_syslog(void) { return atomic_load(&log_to) == TO_SYSLOG; }

int es__log_open_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "log_file %s: %s", path, strerror(errno));
        return ES_EIO;
    }
    /* dup2 swaps fd 2 in one step: a thread writing a line meanwhile
     * writes it whole to the old file or to the new one. */
    int rc = dup2(fd, STDERR_FILENO) < 0 ? ES_EIO : 0;
    if (rc < 0)
        snprintf(err, errlen, "log_file %s: %s", path, strerror(errno));
    close(fd);
    /* A file wants timestamps, whatever the journal detection said. */
    if (rc == 0 && atomic_load(&log_to) == TO_JOURNAL)
        atomic_store(&log_to, TO_STDERR);
    return rc;
}

void es__log_detect_journal(void)
{
    /* JOURNAL_STREAM names the device and inode of the stream systemd
     * connected; only when stderr is still that stream do prefixes help. */
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
        (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
        atomic_store(&log_to, TO_JOURNAL);
}

void es__log_set_level(es_log_level_t level) { atomic_store(&log_level, (int)level); }
es_log_level_t es__log_get_level(void) { return (es_log_level_t)atomic_load(&log_level); }

int es__log_level_parse(const char *s, es_log_level_t *out)
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

void es__vlog_prefixed(es_log_level_t level, const char *prefix, const char *fmt, va_list ap)
{
    if ((int)level > atomic_load(&log_level))
        return;
    char line[4096];
    int to = atomic_load(&log_to), n;
    if (to == TO_STDERR) {
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                     level_names[level]);
    } else if (to == TO_JOURNAL) {
        n = snprintf(line, sizeof line, "<%d>", syslog_prio[level]);
    } else {
        n = 0;
    }
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
    if (to == TO_SYSLOG) {
        line[n] = '\0';
        syslog(syslog_prio[level], "%s", line);
        return;
    }
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

void es__logf(es_log_level_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es__vlog_prefixed(level, NULL, fmt, ap);
    va_end(ap);
}
