/*
 * Social-text tokeniser. Splits on white space like VADER, then knows what
 * tweets are made of: URLs and @handles are dropped (they carry no sentiment
 * and "@happyhour" must not score as "happy"), emoji are split off words they
 * touch, emoticons are kept whole, #hashtags are split into words where that
 * can be done cleanly, and punctuation is stripped from word edges. Each
 * token is looked up once here so the rules never hash twice.
 *
 * Everything is written into the caller's scratch, sized up front by
 * es__tok_cap_for()/es__buf_cap_for(): every token owns at least one byte of
 * input and its normalised text is never longer than those bytes, which is
 * what makes "no allocation per token" hold.
 */
#include <string.h>

#include "internal.h"
#include <earshot/text.h>

#define ES_WORD_MAX 64 /* longer tokens are never in a lexicon */

size_t es__tok_cap_for(size_t len)
{
    return len + 2;
}

size_t es__buf_cap_for(size_t len)
{
    return len + 16;
}

/* Collapses runs of 3+ identical letters to `keep` letters. */
static size_t es__squeeze(const char *w, size_t n, size_t keep, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && w[j] == w[i])
            j++;
        size_t run = j - i;
        if (run >= 3 && (unsigned char)w[i] < 0x80)
            run = keep;
        memset(out + o, w[i], run);
        o += run;
        i = j;
    }
    return o;
}

static int es_has_run3(const char *w, size_t n)
{
    for (size_t i = 2; i < n; i++)
        if (w[i] == w[i - 1] && w[i] == w[i - 2] && (unsigned char)w[i] < 0x80)
            return 1;
    return 0;
}

/* Looks w (hash h) up in the lexicon and the function-word table of lang;
 * 1 if either knows it. With own set, w is the token's own text and the
 * longest multi-word entry it starts is noted for es__phrases(). */
static inline __attribute__((always_inline)) int es_lookup_exact(const es_scorer_t *s, int lang, es_tok_t *t,
                                                                 const char *w, size_t n, uint32_t h, int own)
{
    int hit = 0;
    const es_lex_slot_t *sl = es__lex_get_h(&s->lex[lang], h, w, n);
    if (sl) {
        if (sl->flags & ES_W_VAL) {
            t->val = sl->valence;
            t->flags |= ES_TF_HAS_VAL;
            hit = 1;
        }
        if (sl->flags & ES_W_HEAD)
            t->flags |= ES_TF_LEXHEAD;
        if (own)
            t->head_words = sl->head_words;
    }
    const es_lex_slot_t *ws = es__lex_get_h(&s->words[lang], h, w, n);
    if (ws) {
        t->wflags = ws->flags & (uint8_t)~(ES_W_VAL | ES_W_HEAD);
        if (ws->flags & ES_W_BOOST)
            t->boost = ws->valence;
        if (ws->flags & ES_W_HEAD)
            t->flags |= ES_TF_WORDHEAD;
        if (own && ws->head_words > t->head_words)
            t->head_words = ws->head_words;
        if (own)
            t->stop = ws->stop;
        if (t->wflags)
            hit = 1;
    }
    return hit;
}

/* French words only: the lexicon lists one form where tweets write several,
 * with or without accents, singular or plural, masculine or feminine. */
static int es__lookup_fr_variants(const es_scorer_t *s, es_tok_t *t, const char *w, size_t n)
{
    char fold[ES_WORD_MAX * 2];
    size_t fn = 0;
    int accented = 0;
    for (size_t i = 0; i < n;) {
        size_t l;
        uint32_t cp = es__utf8_decode((const unsigned char *)w + i, n - i, &l);
        uint32_t f = es__cp_unaccent(cp);
        accented |= f != cp;
        fn += es_utf8_put(fold + fn, f);
        i += l;
    }
    const es_lex_t *lex = &s->lex[ES_LANG_FR];
    const es_lex_slot_t *sl;
    if (accented && (sl = es__lex_get(lex, fold, fn)) && (sl->flags & ES_W_VAL))
        goto found;
    /* Inflections: -es, -s, -x, -e. */
    static const char *const suf[] = {"es", "s", "x", "e"};
    for (int pass = 0; pass < 2; pass++) {
        const char *b = pass ? fold : w;
        size_t bn = pass ? fn : n;
        if (pass && !accented)
            break;
        for (size_t k = 0; k < sizeof suf / sizeof suf[0]; k++) {
            size_t sn = strlen(suf[k]);
            if (bn > sn + 2 && memcmp(b + bn - sn, suf[k], sn) == 0 &&
                (sl = es__lex_get(lex, b, bn - sn)) && (sl->flags & ES_W_VAL))
                goto found;
        }
    }
    return 0;
found:
    t->val = sl->valence;
    t->flags |= ES_TF_HAS_VAL;
    return 1;
}

/* w is the token's own text, h its es__hash(). */
static inline __attribute__((always_inline)) void es_lookup(const es_scorer_t *s, int lang, es_tok_t *t,
                                                            const char *w, size_t n, uint32_t h)
{
    if (lang == ES_LANG_OTHER || n > ES_WORD_MAX)
        return;
    if (lang == ES_LANG_EN && n >= 3) {
        /* VADER treats any "n't" word as a negation. */
        for (size_t i = 0; i + 3 <= n; i++)
            if (w[i] == 'n' && w[i + 1] == '\'' && w[i + 2] == 't')
                t->wflags |= ES_W_NEGATE;
    }
    if (es_lookup_exact(s, lang, t, w, n, h, 1)) {
        /* AFINN-fr is a word-by-word translation: it gives "plus" the
         * valence of English "plus". French function words are rules, not
         * sentiment. */
        if (lang == ES_LANG_FR && (t->wflags & (ES_W_NEGATE | ES_W_BOOST | ES_W_NE |
                                                ES_W_POSTNEG | ES_W_CONTRAST)))
            t->flags &= (uint16_t)~ES_TF_HAS_VAL;
        return;
    }
    if (lang == ES_LANG_FR && es__lookup_fr_variants(s, t, w, n))
        return;
    if (es_has_run3(w, n)) {
        /* "goooood" -> "good", "soooo" -> "so"; two first ("cool" must not
         * become "col"), then one ("gooood" -> "god" would be wrong, but
         * "good" was tried first). */
        char sq[ES_WORD_MAX];
        for (size_t keep = 2; keep >= 1; keep--) {
            size_t m = es__squeeze(w, n, keep, sq);
            if (es_lookup_exact(s, lang, t, sq, m, es__hash(sq, m), 0) ||
                (lang == ES_LANG_FR && es__lookup_fr_variants(s, t, sq, m))) {
                t->flags |= ES_TF_ELONGATED;
                return;
            }
        }
    }
}

static es_tok_t *es_tok_new(es_scratch_t *sc, int kind)
{
    es_tok_t *t = &sc->toks[sc->ntok++];
    memset(t, 0, sizeof *t);
    t->kind = (uint8_t)kind;
    t->low_off = (uint32_t)sc->buf_len;
    return t;
}

/* ASCII lower case, and case classes: 1 upper, 2 lower. */
static const unsigned char es__ascii_lower[128] = {
#define R8(b) b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7
    R8(0), R8(8), R8(16), R8(24), R8(32), R8(40), R8(48), R8(56),
    64, R8(97), R8(105), R8(113), 121, 122, 91, 92, 93, 94, 95,
    R8(96), R8(104), R8(112), R8(120),
#undef R8
};
static const unsigned char es__ascii_case[128] = {
#define U(c) [c] = 1, [c + 32] = 2
    U('A'), U('B'), U('C'), U('D'), U('E'), U('F'), U('G'), U('H'), U('I'), U('J'), U('K'),
    U('L'), U('M'), U('N'), U('O'), U('P'), U('Q'), U('R'), U('S'), U('T'), U('U'), U('V'),
    U('W'), U('X'), U('Y'), U('Z'),
#undef U
};

/* Appends the lower-cased form of raw to the scratch text, folding the
 * typographic apostrophe; sets *upper to Python's isupper() of raw and
 * *hash to es__hash() of the text written. */
static inline __attribute__((always_inline)) size_t es_lower_into(es_scratch_t *sc, const char *raw,
                                                                  size_t n, int *upper, uint32_t *hash)
{
    char *out = sc->buf + sc->buf_len;
    size_t o = 0, letters = 0;
    unsigned cases = 0; /* 1: some upper case, 2: some lower case */
    uint32_t h = ES_HASH_INIT;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)raw[i];
        if (c < 0x80) {
            unsigned char lc = es__ascii_lower[c], cc = es__ascii_case[c];
            cases |= cc;
            letters += (cc + 1u) >> 1; /* 1 upper, 2 lower: both one letter */
            out[o++] = (char)lc;
            h = es__hash_step(h, lc);
            i++;
            continue;
        }
        size_t l;
        uint32_t cp = es__utf8_decode_slow((const unsigned char *)raw + i, n - i, &l);
        i += l;
        if (cp == 0x2019 || cp == 0x2018)
            cp = '\'';
        if (sc->ev && es__cp_is_letter(cp))
            es__lang_ev_letter(sc->ev, cp);
        cases |= (unsigned)es__cp_is_upper(cp) | (unsigned)es__cp_is_lower(cp) << 1;
        size_t w = es_utf8_put(out + o, es__cp_lower(cp));
        /* An invalid byte read as Latin-1 may encode longer than it was:
         * keep the raw byte instead so the scratch bound holds. */
        if (w > l) {
            out[o] = raw[i - l];
            w = 1;
        }
        for (size_t j = 0; j < w; j++)
            h = es__hash_step(h, (unsigned char)out[o + j]);
        o += w;
    }
    if (upper)
        *upper = cases == 1;
    if (hash)
        *hash = es__hash_final(h);
    if (sc->ev)
        sc->ev->latin += letters;
    sc->buf_len += o;
    return o;
}

static inline __attribute__((always_inline)) void es_emit_word_inl(const es_scorer_t *s, int lang,
                                                                   es_scratch_t *sc, const char *raw,
                                                                   size_t n, int hashtag)
{
    es_tok_t *t = es_tok_new(sc, ES_TK_WORD);
    int upper;
    uint32_t h;
    t->low_len = (uint16_t)es_lower_into(sc, raw, n > UINT16_MAX ? UINT16_MAX : n, &upper, &h);
    t->hash = h;
    if (upper)
        t->flags |= ES_TF_UPPER;
    if (hashtag)
        t->flags |= ES_TF_HASHTAG;
    es_lookup(s, lang, t, sc->buf + t->low_off, t->low_len, h);
    if (sc->ev && !hashtag) {
        /* A stop word votes for its language (the English function-word
         * look-up found its profiles); parts of a split hashtag do not
         * ("#loveit" is not an English "it"). */
        unsigned m = t->stop;
        sc->ev->en += m & 1;
        sc->ev->fr2 += m & 2; /* one word = two halves */
        sc->ev->other += (m >> 2) & 1;
    }
}

/* Out of line for the rare callers (hashtag parts); es__piece_words, which
 * emits nearly every word, inlines the body. */
static void es_emit_word(const es_scorer_t *s, int lang, es_scratch_t *sc, const char *raw, size_t n,
                         int hashtag)
{
    es_emit_word_inl(s, lang, sc, raw, n, hashtag);
}

static int es__known(const es_scorer_t *s, int lang, const char *w, size_t n)
{
    const es_lex_slot_t *sl = es__lex_get(&s->lex[lang], w, n);
    if (sl && (sl->flags & ES_W_VAL))
        return 1;
    sl = es__lex_get(&s->words[lang], w, n);
    return sl && (sl->flags & (ES_W_KNOWN | ES_W_BOOST | ES_W_NEGATE));
}

/* "#loveit" -> love it, "#EpicFail" -> epic fail, "#notgood" -> not good.
 * Splits at case changes when the tag is camel-cased, else tries every split
 * into two or three words the tables know (each at least two letters).
 * Returns 0 when no clean split exists and the tag stays one word. */
static int es_split_hashtag(const es_scorer_t *s, int lang, es_scratch_t *sc, const char *b,
                            size_t n)
{
    if (n < 4 || n > ES_WORD_MAX)
        return 0;
    int camel = 0;
    for (size_t i = 1; i < n; i++)
        if (b[i] >= 'A' && b[i] <= 'Z' && b[i - 1] >= 'a' && b[i - 1] <= 'z')
            camel = 1;
    if (camel) {
        size_t start = 0;
        for (size_t i = 1; i <= n; i++) {
            if (i == n || (b[i] >= 'A' && b[i] <= 'Z' && b[i - 1] >= 'a' && b[i - 1] <= 'z')) {
                es_emit_word(s, lang, sc, b + start, i - start, 1);
                start = i;
            }
        }
        return 1;
    }
    char low[ES_WORD_MAX];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c >= 0x80)
            return 0; /* ASCII tags only: splitting inside UTF-8 is not clean */
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    /* Clean means unambiguous: exactly one way into two known words, or
     * none into two and exactly one into three. "pleasestopnow" reads
     * please|stop|now or pleases|top|now and is left alone. */
    size_t n2 = 0, n3 = 0, a2 = 0, a3 = 0, b3 = 0;
    for (size_t i = 2; i + 2 <= n; i++) {
        if (!es__known(s, lang, low, i))
            continue;
        if (es__known(s, lang, low + i, n - i))
            n2++, a2 = i;
        for (size_t j = i + 2; j + 2 <= n; j++)
            if (es__known(s, lang, low + i, j - i) && es__known(s, lang, low + j, n - j))
                n3++, a3 = i, b3 = j;
    }
    if (n2 == 1) {
        es_emit_word(s, lang, sc, b, a2, 1);
        es_emit_word(s, lang, sc, b + a2, n - a2, 1);
        return 1;
    }
    if (n2 == 0 && n3 == 1) {
        es_emit_word(s, lang, sc, b, a3, 1);
        es_emit_word(s, lang, sc, b + a3, b3 - a3, 1);
        es_emit_word(s, lang, sc, b + b3, n - b3, 1);
        return 1;
    }
    return 0;
}

/* An emoticon is punctuation with at most two letters: ":)", ":-D", "<3",
 * "d:". Words with trailing punctuation ("good!") are not. */
static int es_emoticon_shape(const char *p, size_t n)
{
    int punct = 0, letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x80)
            return 0;
        if (es__cp_is_punct(c))
            punct = 1;
        else if ((c | 32) >= 'a' && (c | 32) <= 'z' && ++letters > 2)
            return 0; /* most pieces are words: they leave here */
    }
    return punct;
}

static size_t es_cp_count(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

/* One white-space-free, emoji-free piece of text; ascii: no byte >= 0x80. */
static void es__piece_words(const es_scorer_t *s, int lang, es_scratch_t *sc, const char *p, size_t n,
                           int ascii)
{
    if (n == 1 && lang == ES_LANG_FR && (p[0] | 32) == 'n') {
        /* "je n aime pas": an elision typed without its apostrophe. */
        es_tok_t *t = es_tok_new(sc, ES_TK_WORD);
        memcpy(sc->buf + sc->buf_len, "ne", 2);
        sc->buf_len += 2;
        t->low_len = 2;
        t->hash = es__hash("ne", 2);
        es_lookup(s, lang, t, "ne", 2, t->hash);
        return;
    }
    if (n < 2) {
        if (sc->ev && n == 1 && (unsigned char)p[0] < 0x80 && es__ascii_case[(unsigned char)p[0]])
            sc->ev->latin++; /* still a letter for the language guess */
        return; /* VADER drops one-character tokens ("I", "a", "-") */
    }
    if (n <= 8 && es_emoticon_shape(p, n)) {
        char low[8];
        for (size_t i = 0; i < n; i++)
            low[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
        const es_lex_slot_t *sl = es__lex_get(&s->lex[ES_LANG_EN], low, n);
        if (sl && (sl->flags & ES_W_VAL)) {
            es_tok_t *t = es_tok_new(sc, ES_TK_EMOTICON);
            t->low_len = (uint16_t)es_lower_into(sc, p, n, NULL, &t->hash);
            t->val = sl->valence;
            t->flags |= ES_TF_HAS_VAL;
            return;
        }
    }
    /* Strip edge punctuation, remembering a leading '#'. */
    const char *b = p, *e = p + n;
    int hashtag = 0;
    while (b < e) {
        size_t l;
        uint32_t cp = es__utf8_decode((const unsigned char *)b, (size_t)(e - b), &l);
        if (!es__cp_is_punct(cp) || cp == '@')
            break;
        if (cp == '#')
            hashtag = 1;
        b += l;
    }
    if (b < e && *b == '@')
        return; /* "(@handle)" */
    while (e > b) {
        const char *q = e - 1;
        while (q > b && ((unsigned char)*q & 0xC0) == 0x80)
            q--;
        size_t l;
        uint32_t cp = es__utf8_decode((const unsigned char *)q, (size_t)(e - q), &l);
        if (!es__cp_is_punct(cp) || q + l != e)
            break;
        e = q;
    }
    size_t m = (size_t)(e - b);
    if (m == 0)
        return;
    if (lang == ES_LANG_FR && m > 2) {
        /* Elision: n'aime -> ne aime; l'/d'/j'/c'/qu'... are dropped like
         * any one-letter word. */
        size_t al = 0;
        if (b[1] == '\'')
            al = 1;
        else if (m > 4 && (unsigned char)b[1] == 0xE2 && (unsigned char)b[2] == 0x80 &&
                 (unsigned char)b[3] == 0x99)
            al = 3;
        else if (m > 3 && (b[0] | 32) == 'q' && (b[1] | 32) == 'u' && b[2] == '\'')
            al = 2;
        if (al) {
            size_t pre = al == 2 ? 3 : 1 + al;
            if ((b[0] | 32) == 'n' && al != 2) {
                es_tok_t *t = es_tok_new(sc, ES_TK_WORD);
                memcpy(sc->buf + sc->buf_len, "ne", 2);
                sc->buf_len += 2;
                t->low_len = 2;
                t->hash = es__hash("ne", 2);
                es_lookup(s, lang, t, "ne", 2, t->hash);
            }
            b += pre;
            m -= pre;
            if (m < 2)
                return;
        }
    }
    if (hashtag && lang != ES_LANG_OTHER) {
        char low[ES_WORD_MAX];
        if (m <= ES_WORD_MAX) {
            for (size_t i = 0; i < m; i++)
                low[i] = (char)((b[i] >= 'A' && b[i] <= 'Z') ? b[i] + 32 : b[i]);
            if (!es__known(s, lang, low, m) && es_split_hashtag(s, lang, sc, b, m))
                return;
        }
    }
    if ((ascii ? m : es_cp_count(b, m)) < 2) {
        if (sc->ev && !ascii) {
            /* "à", "où"...: dropped like any one-letter word, but its
             * accent is evidence for the language guess. */
            size_t l;
            uint32_t cp = es__utf8_decode((const unsigned char *)b, m, &l);
            if (es__cp_is_letter(cp))
                es__lang_ev_letter(sc->ev, cp);
        }
        return;
    }
    es_emit_word_inl(s, lang, sc, b, m, hashtag);
}

static int es_starts_ci(const char *p, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if ((p[i] | 32) != pre[i])
            return 0;
    return 1;
}

/* A piece ending in . ! ? ; , or an ellipsis ends a clause, which stops
 * negation and boosters from reaching across: "Nope. I was wrong." is not
 * "not wrong", nor is "not bad, good" "not good". A dropped piece ("I." or a lone "!") still ends the sentence
 * of the token before it. */
static void es__piece(const es_scorer_t *s, int lang, es_scratch_t *sc, const char *p, size_t n,
                     int ascii)
{
    int brk = 0;
    for (size_t i = n; i > 0; i--) {
        unsigned char c = (unsigned char)p[i - 1];
        if (c == '.' || c == '!' || c == '?' || c == ';' || c == ',')
            brk = 1;
        else if (c >= 0x80 || !es__cp_is_punct(c))
            break;
    }
    if (!brk && !ascii && n >= 3 && memcmp(p + n - 3, "\xE2\x80\xA6", 3) == 0)
        brk = 1;
    size_t before = sc->ntok;
    es__piece_words(s, lang, sc, p, n, ascii);
    if (brk && sc->ntok > 0 && !(sc->ntok > before && sc->toks[sc->ntok - 1].kind != ES_TK_WORD))
        sc->toks[sc->ntok - 1].flags |= ES_TF_BREAK;
}

/* A white-space-delimited chunk: drop URLs and handles, split off emoji.
 * ascii: no byte >= 0x80, so no emoji either. */
static void es_chunk(const es_scorer_t *s, int lang, es_scratch_t *sc, const char *p, size_t n,
                     int ascii)
{
    if (((p[0] | 32) == 'h' || (p[0] | 32) == 'w') &&
        (es_starts_ci(p, n, "http://") || es_starts_ci(p, n, "https://") ||
         es_starts_ci(p, n, "www.")))
        return;
    if (n > 1 && p[0] == '@')
        return;
    if (ascii) {
        es__piece(s, lang, sc, p, n, 1);
        return;
    }
    const char *seg = p, *end = p + n;
    for (const char *q = p; q < end;) {
        size_t l;
        uint32_t cp = es__utf8_decode((const unsigned char *)q, (size_t)(end - q), &l);
        if (cp < 0xA9 || (!es__cp_is_emoji(cp) && !es__cp_is_emoji_mod(cp))) {
            q += l;
            continue;
        }
        es__piece(s, lang, sc, seg, (size_t)(q - seg), 0);
        const char *em = q;
        q += l;
        /* Swallow modifiers and ZWJ sequences: the first code point
         * carries the sentiment. */
        int after_zwj = 0;
        while (q < end) {
            size_t l2;
            uint32_t c2 = es__utf8_decode((const unsigned char *)q, (size_t)(end - q), &l2);
            if (es__cp_is_emoji_mod(c2) || (after_zwj && es__cp_is_emoji(c2))) {
                after_zwj = c2 == 0x200D;
                q += l2;
            } else {
                break;
            }
        }
        if (es__cp_is_emoji(cp)) {
            es_tok_t *t = es_tok_new(sc, ES_TK_EMOJI);
            memcpy(sc->buf + sc->buf_len, em, l);
            sc->buf_len += l;
            t->low_len = (uint16_t)l;
            t->hash = es__hash(em, l);
            const es_lex_slot_t *sl = es__lex_get_h(&s->emoji, t->hash, em, l);
            if (sl && (sl->flags & ES_W_VAL)) {
                t->val = sl->valence;
                t->flags |= ES_TF_HAS_VAL;
            }
        }
        seg = q;
    }
    es__piece(s, lang, sc, seg, (size_t)(end - seg), 0);
}

/* Joins tokens [i, i+k) with single spaces into out; 0 if too long. */
static size_t es_join(const es_scratch_t *sc, size_t i, size_t k, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t j = i; j < i + k; j++) {
        const es_tok_t *t = &sc->toks[j];
        if (o + t->low_len + 1 > cap)
            return 0;
        if (j > i)
            out[o++] = ' ';
        memcpy(out + o, sc->buf + t->low_off, t->low_len);
        o += t->low_len;
    }
    return o;
}

/* Multi-word lexicon entries and idioms ("can't stand", "yeah right", "pas
 * mal", "kind of"): the longest match starting at a head token becomes one
 * token, and the words it swallowed leave the stream, so VADER's
 * three-token windows count it once. */
static void es__phrases(const es_scorer_t *s, int lang, es_scratch_t *sc)
{
    size_t o = 0;
    for (size_t i = 0; i < sc->ntok; i++) {
        es_tok_t *t = &sc->toks[i];
        size_t take = 1;
        if ((t->flags & (ES_TF_LEXHEAD | ES_TF_WORDHEAD)) && t->kind == ES_TK_WORD) {
            unsigned maxw = t->head_words;
            char key[256];
            for (size_t k = maxw; k >= 2; k--) {
                if (i + k > sc->ntok)
                    continue;
                size_t kl = es_join(sc, i, k, key, sizeof key);
                if (!kl)
                    continue;
                const es_lex_slot_t *sl = es__lex_get(&s->lex[lang], key, kl);
                if (sl && (sl->flags & ES_W_VAL)) {
                    t->val = sl->valence;
                    t->flags |= ES_TF_HAS_VAL;
                    t->wflags = 0;
                    take = k;
                    break;
                }
                sl = es__lex_get(&s->words[lang], key, kl);
                if (sl && (sl->flags & ES_W_BOOST)) {
                    t->flags &= (uint8_t)~ES_TF_HAS_VAL;
                    t->wflags = ES_W_BOOST;
                    t->boost = sl->valence;
                    take = k;
                    break;
                }
            }
        }
        /* The phrase keeps its first token's text for rule look-ups. */
        if (o != i)
            sc->toks[o] = *t;
        o++;
        i += take - 1;
    }
    sc->ntok = o;
}

/* Byte classes for the chunk scan: ASCII white space, the punctuation
 * VADER counts, and every byte >= 0x80 (decoded: it may start a space).
 * One table look-up per byte, and ordinary bytes need nothing else. */
enum { ES_AC_SPACE = 1, ES_AC_EXCL = 2, ES_AC_QUEST = 3, ES_AC_HIGH = 4 };
static const unsigned char es__ascii_cls[256] = {
    ['\t'] = ES_AC_SPACE, ['\n'] = ES_AC_SPACE, ['\v'] = ES_AC_SPACE, ['\f'] = ES_AC_SPACE,
    ['\r'] = ES_AC_SPACE, [' '] = ES_AC_SPACE, ['!'] = ES_AC_EXCL, ['?'] = ES_AC_QUEST,
#define H4(b) [b] = ES_AC_HIGH, [b + 1] = ES_AC_HIGH, [b + 2] = ES_AC_HIGH, [b + 3] = ES_AC_HIGH
#define H16(b) H4(b), H4(b + 4), H4(b + 8), H4(b + 12)
    H16(0x80), H16(0x90), H16(0xA0), H16(0xB0), H16(0xC0), H16(0xD0), H16(0xE0), H16(0xF0),
#undef H16
#undef H4
};

void es__tokenize(const es_scorer_t *s, int lang, const char *text, size_t len,
                 es_scratch_t *sc, unsigned *excl, unsigned *quest)
{
    unsigned ex = 0, qu = 0;
    sc->ntok = 0;
    sc->buf_len = 0;
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        size_t l;
        if (u[i] < 0x80) {
            if (es__ascii_cls[u[i]] == ES_AC_SPACE) {
                i++;
                continue;
            }
        } else if (es__cp_is_space(es__utf8_decode_slow(u + i, len - i, &l))) {
            i += l;
            continue;
        }
        size_t start = i;
        int ascii = 1;
        while (i < len) {
            /* The run of ordinary bytes: the common case, kept tight. */
            const unsigned char *q = u + i, *end = u + len;
            while (q < end && !es__ascii_cls[*q])
                q++;
            i = (size_t)(q - u);
            if (i == len)
                break;
            unsigned k = es__ascii_cls[*q];
            if (k == ES_AC_SPACE)
                break;
            if (k == ES_AC_HIGH) {
                if (es__cp_is_space(es__utf8_decode_slow(u + i, len - i, &l)))
                    break;
                ascii = 0;
                i += l;
                continue;
            }
            ex += k == ES_AC_EXCL;
            qu += k == ES_AC_QUEST;
            i++;
        }
        es_chunk(s, lang, sc, text + start, i - start, ascii);
    }
    if (lang != ES_LANG_OTHER)
        es__phrases(s, lang, sc);
    if (lang == ES_LANG_FR) {
        /* "plus" boosts ("plus beau") unless a "ne" before it makes it a
         * negation ("je ne suis plus content"). */
        for (size_t j = 0; j < sc->ntok; j++) {
            es_tok_t *t = &sc->toks[j];
            if (!(t->wflags & ES_W_POSTNEG) || (t->wflags & ES_W_NEGATE))
                continue;
            for (size_t k = 1; k <= 3 && k <= j; k++) {
                if (sc->toks[j - k].wflags & ES_W_NE) {
                    t->wflags = ES_W_NEGATE | ES_W_POSTNEG;
                    break;
                }
            }
        }
    }
    *excl = ex;
    *quest = qu;
}
