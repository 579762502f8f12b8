/*
 * The nats plugin's pure parts: subject templates (checking and rendering,
 * with hostile values that must never add tokens or wildcards), message ids
 * for JetStream duplicate suppression, and the source's decoding of record
 * JSON back into a mention (malformed and hostile messages included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "subject.h"
#include "tap.h"

static void check_ok(const char *t)
{
    char err[300] = "";
    ok(es_nats_subject_check(t, err, sizeof err) == 0, "template accepted: %s", t);
}

static void check_bad(const char *t, const char *why)
{
    char err[300] = "";
    int rc = es_nats_subject_check(t, err, sizeof err);
    ok(rc == ES_ECONFIG && strstr(err, why) != NULL, "template refused: \"%s\" (%s)", t, err);
}

static void render_is(const char *tmpl, const es_record_t *r, const char *want, const char *desc)
{
    char *got = es_nats_subject_render(tmpl, r);
    is_str(got, want, "%s", desc);
    free(got);
}

static void subject_tests(void)
{
    check_ok("earshot.mentions.{brand}.{network}");
    check_ok("earshot.{kind}.{lang}.{author_kind}.{owner}.{source}.{label}");
    check_ok("plain.subject");
    check_bad("", "empty");
    check_bad("a..b", "empty token");
    check_bad("a.b.", "empty token");
    check_bad(".a", "empty token");
    check_bad("a.*.b", "wildcards");
    check_bad("a.>", "wildcards");
    check_bad("a b", "spaces");
    check_bad("a.{brand", "unbalanced '{'");
    check_bad("a.brand}", "unbalanced '}'");
    check_bad("a.{password}", "unknown field {password}");

    const char *addr[] = {"acmesupport"};
    es_mention_t m = {.id = "twitter:1", .network = "twitter", .text = "hi", .brand = "acme",
                      .lang = "en", .author_kind = "public", .source = "in", .addressed = addr,
                      .n_addressed = 1};
    m.sentiment.label = "positive";
    es_record_t r = {.kind = ES_RECORD_MENTION, .mention = &m};
    render_is("earshot.mentions.{brand}.{network}", &r, "earshot.mentions.acme.twitter", "brand and network");
    render_is("x.{kind}.{lang}.{author_kind}.{owner}.{source}.{label}", &r, "x.mention.en.public._.in.positive",
              "every field; the missing owner is _");
    m.brand = NULL;
    m.network = "";
    render_is("earshot.mentions.{brand}.{network}", &r, "earshot.mentions._._", "missing and empty values are _");
    m.brand = "a.b*c>d e\tf";
    m.network = "caf\xc3\xa9";
    render_is("earshot.mentions.{brand}.{network}", &r, "earshot.mentions.a_b_c_d_e_f.caf__",
              "dots, wildcards, spaces and non-ASCII bytes become _ (no new token)");
    m.brand = "Acme-Corp_2";
    render_is("m.{brand}", &r, "m.Acme-Corp_2", "letters, digits, - and _ kept");
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    m.brand = big;
    char *s = es_nats_subject_render("m.{brand}.{brand}", &r);
    ok(s && strlen(s) == 2 + 2 * 4999 + 1, "long values render whole (%zu bytes)", s ? strlen(s) : 0);
    free(s);

    json_t *f = json_pack("{s:s,s:s,s:i}", "brand", "globex", "network", "spike.x", "n", 3);
    es_record_t a = {.kind = ES_RECORD_ALERT, .fields = f};
    render_is("earshot.{kind}.{brand}.{network}.{lang}", &a, "earshot.alert.globex.spike_x._",
              "an alert's fields; a missing one is _");

    char id[192];
    m.id = "twitter:12345";
    ok(es_nats_msg_id(&r, "{}", 2, id, sizeof id) == 0 && strcmp(id, "twitter:12345") == 0,
       "a mention's message id is its id");
    char longid[400];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    m.id = longid;
    ok(es_nats_msg_id(&r, "{}", 2, id, sizeof id) == 0 && strncmp(id, "id-sha256:", 10) == 0 && strlen(id) == 10 + 32,
       "a mention id too long for the header is hashed (%s)", id);
    char id3[192];
    longid[300] = 'b'; /* differs past the point where a cut would stop */
    es_nats_msg_id(&r, "{}", 2, id3, sizeof id3);
    ok(strcmp(id, id3) != 0, "two long ids with the same first 160 bytes get different message ids");
    m.id = "rss:x\r\nInjected: 1";
    es_nats_msg_id(&r, "{}", 2, id, sizeof id);
    ok(strncmp(id, "id-sha256:", 10) == 0, "an id with CR/LF is hashed, never put in a header");
    m.id = "twitter:12345";
    const char *j1 = "{\"kind\":\"alert\",\"brand\":\"globex\"}";
    ok(es_nats_msg_id(&a, j1, strlen(j1), id, sizeof id) == 0 && strncmp(id, "alert:", 6) == 0 &&
           strlen(id) == 6 + 32,
       "an alert's message id is alert: + 32 hex digits (%s)", id);
    char id2[192];
    es_nats_msg_id(&a, j1, strlen(j1), id2, sizeof id2);
    is_str(id2, id, "the same alert gives the same id");
    const char *j2 = "{\"kind\":\"alert\",\"brand\":\"acme\"}";
    es_nats_msg_id(&a, j2, strlen(j2), id2, sizeof id2);
    ok(strcmp(id, id2) != 0, "another alert gives another id");
    json_decref(f);
}

static es_nats_dec_t dec(const char *json, es_nats_decoded_t *d, const char **why)
{
    return es_nats_decode(json, strlen(json), d, why);
}

static void decode_tests(void)
{
    es_nats_decoded_t d;
    const char *why = NULL;
    const char *full =
        "{\"kind\":\"mention\",\"id\":\"twitter:7\",\"network\":\"twitter\",\"source\":\"edge\","
        "\"author\":\"bob\",\"author_name\":\"Bob B\",\"url\":\"https://x.invalid/7\",\"title\":null,"
        "\"text\":\"Acme is great\",\"lang\":\"en\",\"created_at\":1793527200,\"in_reply_to\":\"twitter:6\","
        "\"reply_to_author\":\"acmesupport\",\"addressed\":[\"acmesupport\",\"globexcare\"],"
        "\"brand\":\"acme\",\"author_kind\":\"public\",\"owner\":null,\"addressed_account\":null,"
        "\"sentiment\":{\"compound\":0.6,\"pos\":0.5,\"neu\":0.5,\"neg\":0,\"label\":\"positive\"}}";
    is_int(dec(full, &d, &why), ES_NATS_DEC_MENTION, "a full record decodes");
    is_str(d.m.id, "twitter:7", "id");
    is_str(d.m.network, "twitter", "network");
    is_str(d.m.author, "bob", "author");
    is_str(d.m.author_name, "Bob B", "author_name");
    is_str(d.m.url, "https://x.invalid/7", "url");
    ok(d.m.title == NULL, "a null title stays unknown");
    is_str(d.m.text, "Acme is great", "text");
    is_str(d.m.lang, "en", "lang");
    is_int(d.m.created_at, 1793527200, "created_at");
    is_str(d.m.in_reply_to, "twitter:6", "in_reply_to");
    is_str(d.m.reply_to_author, "acmesupport", "reply_to_author");
    ok(d.m.n_addressed == 2 && strcmp(d.m.addressed[1], "globexcare") == 0, "addressed handles");
    ok(d.m.brand == NULL && d.m.sentiment.label == NULL, "stage results are not carried (the agent's stages set them)");
    es_nats_decoded_free(&d);

    /* One escaped NUL must not cost the message: it reads as U+FFFD and
     * the text after it is kept. */
    is_int(dec("{\"id\":\"t:\\u00001\",\"network\":\"t\",\"text\":\"before\\u0000after\"}", &d, &why),
           ES_NATS_DEC_MENTION, "a record with \\u0000 in its strings decodes");
    is_str(d.m.text, "before\xEF\xBF\xBD" "after", "the NUL in the text is U+FFFD, the rest kept");
    is_str(d.m.id, "t:\xEF\xBF\xBD" "1", "so in the id");
    es_nats_decoded_free(&d);

    is_int(dec("{\"id\":42,\"network\":\"t\",\"text\":\"x\",\"created_at\":\"2026-11-01T10:00:00Z\"}", &d, &why),
           ES_NATS_DEC_MENTION, "no kind, an integer id and an RFC 3339 date");
    ok(strcmp(d.m.id, "42") == 0 && d.m.created_at == 1793527200, "integer id as text, date parsed");
    es_nats_decoded_free(&d);

    is_int(dec("{\"id\":\"t:1\",\"network\":\"t\",\"text\":\"x\",\"created_at\":\"yesterday\"}", &d, &why),
           ES_NATS_DEC_MENTION, "an unreadable date does not lose the mention");
    is_int(d.m.created_at, 0, "it is unknown (0)");
    es_nats_decoded_free(&d);

    const char bad_utf8[] = "{\"id\":\"t:2\",\"network\":\"t\",\"text\":\"caf\xe9 acme\"}";
    is_int(dec(bad_utf8, &d, &why), ES_NATS_DEC_MENTION, "invalid UTF-8 is repaired, not refused");
    is_str(d.m.text, "caf\xef\xbf\xbd acme", "with U+FFFD");
    es_nats_decoded_free(&d);

    is_int(dec("{\"kind\":\"alert\",\"brand\":\"acme\"}", &d, &why), ES_NATS_DEC_OTHER, "an alert is another kind");
    is_int(dec("{\"kind\":\"account\",\"handle\":\"x\"}", &d, &why), ES_NATS_DEC_OTHER, "an account finding too");
    is_int(dec("{\"kind\":\"deletion\",\"id\":\"twitter:5\",\"network\":\"twitter\",\"action\":\"withheld\",\"at\":1700000000}",
               &d, &why),
           ES_NATS_DEC_DELETION, "a deletion is passed on, not skipped");
    is_str(d.del_id, "twitter:5", "... with its id");
    ok(d.del_network && !strcmp(d.del_network, "twitter") && d.del_action && !strcmp(d.del_action, "withheld") &&
           d.del_at == 1700000000,
       "... network, action and time");
    es_nats_decoded_free(&d);
    is_int(dec("{\"kind\":\"deletion\",\"network\":\"twitter\"}", &d, &why), ES_NATS_DEC_BAD,
           "a deletion without an id is bad");

    why = NULL;
    is_int(dec("{\"id\":\"t:1\",\"network\":\"t\",", &d, &why), ES_NATS_DEC_BAD, "truncated JSON is bad");
    is_str(why, "invalid JSON", "reason: invalid JSON");
    is_int(dec("[1,2]", &d, &why), ES_NATS_DEC_BAD, "an array is bad");
    is_str(why, "not a JSON object", "reason: not a JSON object");
    is_int(dec("{\"network\":\"t\",\"text\":\"x\"}", &d, &why), ES_NATS_DEC_BAD, "no id is bad");
    is_str(why, "missing \"id\"", "reason: missing id");
    is_int(dec("{\"id\":\"t:1\",\"text\":\"x\"}", &d, &why), ES_NATS_DEC_BAD, "no network is bad");
    is_str(why, "missing \"network\"", "reason: missing network");
    is_int(dec("{\"id\":\"t:1\",\"network\":\"t\",\"text\":5}", &d, &why), ES_NATS_DEC_BAD, "a non-string text is bad");
    is_str(why, "missing \"text\"", "reason: missing text");
    is_int(dec("{\"id\":\"a\",\"id\":\"b\",\"network\":\"t\",\"text\":\"x\"}", &d, &why), ES_NATS_DEC_BAD,
           "duplicate keys are refused");
    is_int(es_nats_decode("", 0, &d, &why), ES_NATS_DEC_BAD, "an empty message is bad");

    /* 200 handles: the first 64 are kept, nothing overflows. */
    size_t cap = 64 + 200 * 16;
    char *many = malloc(cap);
    size_t n = (size_t)snprintf(many, cap, "{\"id\":\"t:9\",\"network\":\"t\",\"text\":\"x\",\"addressed\":[");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(many + n, cap - n, "%s\"h%d\"", i ? "," : "", i);
    snprintf(many + n, cap - n, "]}");
    is_int(dec(many, &d, &why), ES_NATS_DEC_MENTION, "200 addressed handles decode");
    ok(d.m.n_addressed == ES_MENTION_MAX_ADDRESSED && strcmp(d.m.addressed[63], "h63") == 0,
       "the first %d are kept", ES_MENTION_MAX_ADDRESSED);
    es_nats_decoded_free(&d);
    free(many);
}

int main(void)
{
    subject_tests();
    decode_tests();
    return done_testing();
}
