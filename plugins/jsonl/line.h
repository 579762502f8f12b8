#ifndef ES_JSONL_LINE_H
#define ES_JSONL_LINE_H

#include <stddef.h>

#include <earshot/plugin.h>

typedef void (*jl_emit_fn)(void *arg, const es_mention_t *m);

/* Maps one line (p, n: no newline) to a mention and hands it to emit,
 * whose strings live only during that call; network is used when the line
 * names none. Returns 0, or ES_EPARSE / ES_ENOMEM with the reason in why
 * (for "FILE:LINE: reason; line skipped"). No context, no I/O: any thread. */
int jl_map_line(const char *p, size_t n, const char *network, jl_emit_fn emit, void *arg, char *why,
                size_t why_len);

#endif
