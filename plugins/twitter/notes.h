/*
 * note-tweet.js of an X-era account archive: the full text of posts longer
 * than 280 characters, which tweets.js holds cut at about 275 ("…"). The
 * archive gives no tweet id for a note, so a tweet finds its note by its
 * creation time (the same second on both sides) and the start of its text.
 */
#ifndef TW_NOTES_H
#define TW_NOTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct tw_note {
    int64_t created; /* epoch seconds */
    char *text;      /* entities decoded, t.co links expanded; malloc'd */
} tw_note_t;

typedef struct tw_notes {
    tw_note_t *v;    /* sorted by created */
    size_t n;
    size_t bad;      /* elements without a text or a readable createdAt */
} tw_notes_t;

/* Parses a note-tweet.js document (window.YTD.note_tweet.part0 = [...]).
 * Returns 0, ES_EPARSE or ES_ENOMEM; *notes is filled (or left empty). */
int tw_notes_parse(const char *p, size_t n, tw_notes_t *notes);

/* The note of the tweet created at `created` whose raw text (as tweets.js
 * has it: entities escaped, t.co links, cut) begins like the note's.
 * NULL when there is none. */
const tw_note_t *tw_notes_find(const tw_notes_t *notes, int64_t created, const char *tweet_text);

void tw_notes_free(tw_notes_t *notes);

#endif
