#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stages.h"
#include <earshot/swar.h>
#include "util.h"

/* Control characters (other than tab/newline) in text confuse terminals,
 * CSV exports and mail headers downstream and carry no meaning in a post.
 * The strings are owned by the record, so this edits in place. */
static inline int is_control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f; }

/* breaks: a lone CR (old Mac line ends, which tweets and feeds still
 * carry) becomes a line break instead of vanishing and joining the words
 * around it; the CR of a CRLF goes. */
static void strip_controls(const char *s, int breaks)
{
    if (!s)
        return;
    /* Read-only until the first one, 8 bytes at a time (tabs and newlines
     * stop the word test but not the scan): most texts have none. */
    const char *end = s + strlen(s);
    for (;;) {
        if (end - s >= 8) {
            uint64_t w = es_swar_load(s);
            uint64_t hit = es_swar_below(w, 0x20) | es_swar_eq(w, 0x7f);
            if (!hit) {
                s += 8;
                continue;
            }
            s += es_swar_first(hit);
        }
        if (s == end)
            return;
        if (is_control((unsigned char)*s))
            break;
        s++;
    }
    char *w = (char *)s;
    for (const char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == '\r' && breaks && r[1] != '\n') {
            *w++ = '\n';
            continue;
        }
        if (is_control(c))
            continue;
        *w++ = (char)c;
    }
    *w = '\0';
}

int es__normalise(es_rec_t *rec)
{
    es_mention_t *m = &rec->m;
    if (!m->id || !*m->id || !m->network || !*m->network)
        return ES_EINVAL;
    size_t nl = strlen(m->network);
    if (strncmp(m->id, m->network, nl) != 0 || m->id[nl] != ':') {
        /* Ids are "<network>:<native id>" so they stay unique across
         * networks; a source that gave a bare native id gets the prefix. */
        size_t il = strlen(m->id);
        char *id = malloc(nl + 1 + il + 1);
        if (!id)
            return ES_ENOMEM;
        memcpy(id, m->network, nl);
        id[nl] = ':';
        memcpy(id + nl + 1, m->id, il + 1);
        free(rec->owned_id);
        rec->owned_id = id;
        m->id = id;
    }
    strip_controls(m->text, 1);
    strip_controls(m->title, 0);
    strip_controls(m->author, 0);
    strip_controls(m->author_name, 0);
    strip_controls(m->url, 0);
    /* Before 1990 or more than a day ahead is a parse slip, not a date:
     * say "unknown" rather than pass a wrong time to spike detection. */
    if (m->created_at < 631152000 || m->created_at > es__now_s() + 86400)
        m->created_at = 0;
    if (!m->text)
        m->text = "";
    return 0;
}
