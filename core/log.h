/* Process-wide logger: stderr by default, one line per call, serialised so
 * worker threads can log too. */
#ifndef ES_LOG_H
#define ES_LOG_H

#include "plugin.h"

void es_log_set_level(es_log_level_t level);
/* Lines go to syslog(3) (facility daemon) from now on. */
void es_log_use_syslog(const char *ident);
/* Under systemd with stderr connected to the journal, lines carry the
 * journal's "<priority>" prefix instead of a timestamp. */
void es_log_detect_journal(void);
es_log_level_t es_log_get_level(void);
/* Parses "error|warn|info|debug"; returns 0 or ES_EINVAL. */
int es_log_level_parse(const char *s, es_log_level_t *out);
/* Core messages (no instance prefix). */
void es_logf(es_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Shared by es_log(): prefix may be NULL. */
void es_vlog_prefixed(es_log_level_t level, const char *prefix, const char *fmt, va_list ap);

#endif
