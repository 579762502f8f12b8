/* Process-wide logger: stderr by default, one line per call, serialised so
 * worker threads can log too. */
#ifndef ES_LOG_H
#define ES_LOG_H

#include <earshot/plugin.h>

void es__log_set_level(es_log_level_t level);
/* Lines go to syslog(3) (facility daemon) from now on. */
void es__log_use_syslog(const char *ident);
/* Under systemd with stderr connected to the journal, lines carry the
 * journal's "<priority>" prefix instead of a timestamp. */
void es__log_detect_journal(void);
/* Lines go to the file at path (appended, created mode 0640) from now on:
 * it replaces fd 2, so the file also gets what libraries write to stderr.
 * Called again (SIGHUP, SIGUSR1 after logrotate moved the file) it opens the
 * path anew and swaps atomically (dup2), so no line is lost or torn. 0, or
 * ES_EIO with the reason in err. */
int es__log_open_file(const char *path, char *err, size_t errlen);
/* Non-zero once lines go to syslog. */
int es__log_is_syslog(void);
es_log_level_t es__log_get_level(void);
/* Parses "error|warn|info|debug"; returns 0 or ES_EINVAL. */
int es__log_level_parse(const char *s, es_log_level_t *out);
/* Core messages (no instance prefix). */
void es__logf(es_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Shared by es_log(): prefix may be NULL. */
void es__vlog_prefixed(es_log_level_t level, const char *prefix, const char *fmt, va_list ap);

#endif
