/*
 * The email sink's message layer on its own: header values that try to
 * break lines, RFC 2047 encoded words (decoded back here, checked to split
 * only between UTF-8 characters), quoted-printable round trips and line
 * lengths, address checks, dates, and the digest/alert texts that the
 * end-to-end test cannot produce from a jsonl source.
 */
#include <jansson.h>
#include <regex.h>
#include <string.h>

#include "compose.h"
#include "mime.h"
#include "tap.h"

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 s[0..n) into out; returns bytes written. */
static size_t b64dec(const char *s, size_t n, unsigned char *out)
{
    size_t o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        v = v << 6 | (unsigned)b64val(s[i]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    return o;
}

static int utf8_complete(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = s[i] < 0x80 ? 1 : (s[i] & 0xE0) == 0xC0 ? 2 : (s[i] & 0xF0) == 0xE0 ? 3 : 4;
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

/* Decodes a "Subject: =?UTF-8?B?..?=\r\n =?...?=\r\n" header; checks
 * every encoded word holds whole UTF-8 characters and every line is at
 * most 78 columns. */
static int decode_header(const char *h, char *out, size_t cap, int *words_ok, size_t *longest)
{
    size_t o = 0;
    *words_ok = 1;
    *longest = 0;
    for (const char *line = h; *line;) {
        const char *eol = strstr(line, "\r\n");
        if (!eol)
            return -1;
        if ((size_t)(eol - line) > *longest)
            *longest = (size_t)(eol - line);
        line = eol + 2;
    }
    for (const char *p = strstr(h, "=?UTF-8?B?"); p; p = strstr(p, "=?UTF-8?B?")) {
        p += 10;
        const char *e = strstr(p, "?=");
        unsigned char buf[128];
        size_t n = b64dec(p, (size_t)(e - p), buf);
        if (!utf8_complete(buf, n))
            *words_ok = 0;
        if (o + n >= cap)
            return -1;
        memcpy(out + o, buf, n);
        o += n;
        p = e + 2;
    }
    out[o] = '\0';
    return 0;
}

/* Undoes quoted-printable (with CRLF line ends) into '\n' text. */
static size_t qp_decode(const char *s, char *out)
{
    size_t o = 0;
    for (size_t i = 0; s[i];) {
        if (s[i] == '=' && s[i + 1] == '\r' && s[i + 2] == '\n') {
            i += 3;
        } else if (s[i] == '=') {
            char hx[3] = {s[i + 1], s[i + 2], 0};
            out[o++] = (char)strtol(hx, NULL, 16);
            i += 3;
        } else if (s[i] == '\r' && s[i + 1] == '\n') {
            out[o++] = '\n';
            i += 2;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return o;
}

static size_t longest_line(const char *s)
{
    size_t best = 0;
    while (*s) {
        const char *e = strstr(s, "\r\n");
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n > best)
            best = n;
        s += n + (e ? 2 : 0);
    }
    return best;
}

/* ok() when `re` (POSIX extended) matches somewhere in s. */
static void rlike(const char *s, const char *re, const char *desc)
{
    regex_t rx;
    int m = regcomp(&rx, re, REG_EXTENDED) == 0 && s && regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    if (!ok(m, "%s", desc))
        diag("  /%s/ does not match \"%s\"", re, s ? s : "(null)");
}

static json_t *J(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    if (!o) {
        diag("bad fixture: %s", text);
        exit(1);
    }
    return o;
}

int main(void)
{
    es_mail_buf_t b = {0};
    char dec[2048];

    /* ---- header values cannot break lines ------------------------------- */
    es_mail_header_text(&b, "Subject", "hello\r\nBcc: victim@example.org\nX-A: 1\r");
    is_str(b.s, "Subject: hello Bcc: victim@example.org X-A: 1\r\n", "CR/LF in a value become one space");
    b.len = 0;
    es_mail_header_text(&b, "Subject", "tab\tand\x01" "control\x7f");
    is_str(b.s, "Subject: tab and control\r\n", "tabs and other controls too");
    b.len = 0;
    es_mail_header_text(&b, "Subject", "looks like =?UTF-8?B?QQ==?= a word");
    like(b.s, "Subject: =?UTF-8?B?", "ASCII that looks like an encoded word is encoded itself");
    b.len = 0;

    /* ---- RFC 2047: long non-ASCII, split between characters ------------- */
    const char *fr = "Café crème ☕ chez acme : problème énorme 😡, vraiment très très décevant, "
                     "long sujet avec des accents éèàùç et des émojis 🎉🎉🎉 jusqu'au bout";
    es_mail_header_text(&b, "Subject", fr);
    int words_ok;
    size_t longest;
    ok(decode_header(b.s, dec, sizeof dec, &words_ok, &longest) == 0, "encoded subject parses");
    is_str(dec, fr, "encoded words decode to the subject exactly");
    ok(words_ok, "no encoded word splits a UTF-8 character");
    ok(longest <= 78, "folded lines of at most 78 columns (longest %zu)", longest);
    ok(!strchr(b.s, 0x80) && strspn(b.s, "\r\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~") == b.len,
       "the header is 7-bit printable ASCII");
    b.len = 0;

    /* A long ASCII subject folds at spaces. */
    es_mail_header_text(&b, "Subject",
                        "one two three four five six seven eight nine ten eleven twelve thirteen "
                        "fourteen fifteen sixteen seventeen eighteen nineteen twenty");
    ok(longest_line(b.s) <= 78 && strstr(b.s, "\r\n "), "long ASCII subjects fold at spaces");
    b.len = 0;

    /* ---- addresses ----------------------------------------------------- */
    es_mail_addr_t a;
    char err[300];
    ok(es_mail_addr_parse("Team Lead <lead@example.com>", &a, err, sizeof err) == 0 &&
           !strcmp(a.addr, "lead@example.com") && !strcmp(a.name, "Team Lead"),
       "Name <address> parsed");
    es_mail_addr_free(&a);
    ok(es_mail_addr_parse("\"Zoé, Q\" <z@example.fr>", &a, err, sizeof err) == 0 && !strcmp(a.name, "Zoé, Q"),
       "quoted display name unquoted");
    es_mail_header_addrs(&b, "From", &a, 1);
    rlike(b.s, "^From: =\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?= <z@example.fr>\r\n$",
         "a non-ASCII display name is an encoded word");
    es_mail_addr_free(&a);
    b.len = 0;
    ok(es_mail_addr_parse("x@example.com", &a, err, sizeof err) == 0 && !a.name, "bare address");
    es_mail_addr_free(&a);
    static const char *const bad[] = {"no-at-sign", "a b@example.com", "a@b@example.com",
                                      "Name <x@example.com", "<@example.com>", "x@", "x\r\n@e.com",
                                      "Name <x@example.com> trailing", "x;y@example.com"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = es_mail_addr_parse(bad[i], &a, err, sizeof err);
        ok(rc == -1, "refused address #%zu (%s)", i, err);
        if (rc == 0)
            es_mail_addr_free(&a);
    }
    ok(es_mail_addr_parse("Mallory <m@example.com>", &a, err, sizeof err) == 0, "name for quoting");
    free(a.name);
    a.name = strdup("Mal \"lory\" \\ x");
    es_mail_header_addrs(&b, "To", &a, 1);
    is_str(b.s, "To: \"Mal \\\"lory\\\" \\\\ x\" <m@example.com>\r\n", "quotes and backslashes escaped");
    es_mail_addr_free(&a);
    b.len = 0;

    /* ---- quoted-printable ---------------------------------------------- */
    char text[600];
    memset(text, 'a', 200);
    strcpy(text + 200, " = sign\n.leading dot\ntrailing space \nUTF-8 é ☕\nend");
    es_mail_qp(&b, text, strlen(text));
    ok(longest_line(b.s) <= 76, "QP lines of at most 76 characters (longest %zu)", longest_line(b.s));
    like(b.s, "\r\n=2Eleading dot\r\n", "a dot starting a line is encoded");
    like(b.s, "trailing space=20\r\n", "trailing space encoded");
    like(b.s, " =3D sign", "'=' encoded");
    ok(!strchr(b.s, '\n') || strstr(b.s, "\r\n"), "CRLF line ends");
    qp_decode(b.s, dec);
    strcat(text, "\n"); /* the last line ends in CRLF too */
    is_str(dec, text, "QP decodes back to the text");
    b.len = 0;

    /* ---- date ---------------------------------------------------------- */
    char date[40];
    es_mail_date(0, date);
    is_str(date, "Thu, 01 Jan 1970 00:00:00 +0000", "RFC 5322 date, English names whatever the locale");
    es_mail_date(1700000000, date);
    is_str(date, "Tue, 14 Nov 2023 22:13:20 +0000", "a second date");

    /* ---- a whole message ----------------------------------------------- */
    es_mail_addr_t from = {NULL, strdup("earshot@example.com")}, to = {strdup("Ops"), strdup("ops@example.com")};
    es_mail_parts_t parts = {.from = &from, .to = &to, .n_to = 1, .subject = "s\r\nBcc: x@y.z",
                             .text = "body\n", .html = "<p>body</p>\n", .sink_name = "mail",
                             .date = 1700000000, .rand = {0x1234, 0x5678}};
    ok(es_mail_build(&b, &parts) == 0, "message built");
    const char *hdr_end = strstr(b.s, "\r\n\r\n");
    size_t hdr_len = hdr_end ? (size_t)(hdr_end - b.s) : 0;
    char *hdrs = strndup(b.s, hdr_len);
    ok(!strstr(hdrs, "\r\nBcc:"), "no Bcc header from the hostile subject");
    rlike(hdrs, "\r\nMessage-ID: <0000000000001234\\.1700000000@example\\.com>", "Message-ID at the sender's domain");
    like(hdrs, "\r\nContent-Type: multipart/alternative;\r\n boundary=\"=_earshot_00000000000012340000000000005678\"",
         "multipart boundary that quoted-printable cannot produce");
    ok(longest_line(hdrs) <= 78, "every header line within 78 columns");
    free(hdrs);
    free(b.s);
    b = (es_mail_buf_t){0};
    es_mail_addr_free(&from);
    es_mail_addr_free(&to);

    /* ---- alert and account texts --------------------------------------- */
    es_mail_text_t t;
    json_t *reachy = J("{\"kind\":\"mention\",\"brand\":\"acme\",\"network\":\"twitter\",\"author\":\"dan\","
                       "\"text\":\"acme down\",\"metrics\":{\"likes\":12,\"reposts\":3},\"followers\":1200}");
    ok(es_mail_compose_one(reachy, "", &t) == 0, "mention with reach composed");
    like(t.text, "\nReach:     12 likes, 3 reposts, 1200 followers\n", "text part: a Reach line with the counts given");
    like(t.html, "<th align=\"left\">Reach</th><td>12 likes, 3 reposts, 1200 followers</td>", "html part: a Reach row");
    es_mail_text_free(&t);
    json_decref(reachy);
    json_t *quiet = J("{\"kind\":\"mention\",\"network\":\"x\",\"text\":\"t\",\"metrics\":{},\"followers\":null}");
    ok(es_mail_compose_one(quiet, "", &t) == 0 && !strstr(t.text, "Reach") && !strstr(t.html, "Reach"),
       "no counts given: no Reach line");
    es_mail_text_free(&t);
    json_decref(quiet);
    json_t *alert = J("{\"kind\":\"alert\",\"brand\":\"acme\",\"state\":\"began\",\"count\":12,"
                      "\"expected\":2.5,\"bucket_start\":1700000000,\"top_terms\":[\"refund\",\"outage\"],"
                      "\"p_value\":8.796e-24,\"share\":0.6667,\"examples\":[\"https://x.example/1\"]}");
    ok(es_mail_compose_one(alert, "[earshot]", &t) == 0, "alert composed");
    is_str(t.subject, "[earshot] ALERT: negative spike: acme (12 negative, 2.5 expected)", "alert subject");
    rlike(t.text, "bucket_start +2023-11-14 22:13 UTC\n", "alert times as UTC");
    rlike(t.text, "top_terms +refund, outage\n", "alert terms listed");
    rlike(t.text, "p_value +p < 0.001\n", "a readable p-value, not 8.796e-24");
    rlike(t.text, "share +66.7%\n", "the share as a percentage, not a raw fraction");
    like(t.html, "<td>p &lt; 0.001</td>", "the p-value escaped in HTML");
    like(t.html, "<a href=\"https://x.example/1\">", "alert example links in HTML");
    es_mail_text_free(&t);
    json_t *ended = J("{\"kind\":\"alert\",\"brand\":\"acme\",\"state\":\"ended\"}");
    ok(es_mail_compose_one(ended, "", &t) == 0 && !strcmp(t.subject, "Spike ended: acme"), "ended alert subject: %s", t.subject);
    es_mail_text_free(&t);
    json_t *acct = J("{\"kind\":\"account\",\"event\":\"lookalike_seen\",\"handle\":\"acme_supp0rt\","
                     "\"brand\":\"acme\",\"network\":\"twitter\"}");
    ok(es_mail_compose_one(acct, "[e]", &t) == 0, "account finding composed");
    is_str(t.subject, "[e] Account finding: lookalike_seen @acme_supp0rt (acme)", "account subject");
    es_mail_text_free(&t);

    json_t *multi = J("{\"kind\":\"mention\",\"brand\":\"acme\",\"brands\":[\"acme\",\"globex\"],"
                      "\"owned\":[\"acme\"],\"topics\":[\"pricing\"],\"topic_owners\":{\"pricing\":\"sales\"},"
                      "\"text\":\"acme vs globex prices\",\"sentiment\":null}");
    ok(es_mail_compose_one(multi, "", &t) == 0, "mention of two brands composed");
    like(t.text, "Brand:     acme (own post), globex\n", "text: every brand, the owned one marked");
    like(t.text, "Topics:    pricing (sales)\n", "text: topics with their team");
    like(t.html, "<th align=\"left\">Topics</th><td>pricing (sales)", "html: topics");
    es_mail_text_free(&t);
    json_decref(multi);

    /* ---- digest -------------------------------------------------------- */
    json_t *recs[8];
    size_t n = 0;
    recs[n++] = J("{\"kind\":\"mention\",\"brand\":\"globex\",\"network\":\"x\",\"author\":\"g\",\"text\":\"globex ok\",\"sentiment\":{\"label\":\"neutral\",\"compound\":0}}");
    recs[n++] = J("{\"kind\":\"mention\",\"brand\":\"acme\",\"network\":\"x\",\"author\":\"p\",\"text\":\"acme great\",\"sentiment\":{\"label\":\"positive\",\"compound\":0.6}}");
    recs[n++] = json_incref(acct);
    recs[n++] = J("{\"kind\":\"mention\",\"brand\":\"acme\",\"network\":\"x\",\"author\":\"n1\",\"text\":\"acme bad\",\"url\":\"https://x.example/n1\",\"sentiment\":{\"label\":\"negative\",\"compound\":-0.6}}");
    recs[n++] = J("{\"kind\":\"mention\",\"network\":\"x\",\"author\":\"nb\",\"text\":\"no brand\"}");
    recs[n++] = json_incref(alert);
    recs[n++] = J("{\"kind\":\"mention\",\"brand\":\"acme\",\"network\":\"x\",\"author\":\"n2\",\"text\":\"acme worse\",\"sentiment\":{\"label\":\"negative\",\"compound\":-0.8}}");
    ok(es_mail_compose_digest(recs, n, 100, "[earshot]", "mail", 0, 0, &t) == 0, "digest composed");
    is_str(t.subject, "[earshot] digest: 7 records, 1 alert (acme 3, globex 1, (no brand) 1)", "digest subject");
    like(t.text, "\n7 records: 5 mentions, 1 alert, 1 account finding\n", "digest totals");
    rlike(t.text, "\n  acme +3  \\(negative 2, neutral 0, positive 1\\)\n  globex +1  \\(negative 0, neutral 1, positive 0\\)\n  \\(no brand\\) +1  \\(negative 0, neutral 0, positive 0, unscored 1\\)\n",
         "per-brand counts by label");
    const char *order[] = {"== Alerts (1) ==", "== Account findings (1) ==", "== acme / negative (2) ==",
                           "- [x] @n1: acme bad\n  https://x.example/n1\n- [x] @n2: acme worse",
                           "== acme / positive (1) ==", "== globex / neutral (1) ==", "== (no brand) / unscored (1) =="};
    const char *pos = t.text;
    int in_order = 1;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *f = strstr(pos, order[i]);
        if (!f) {
            diag("missing or out of order: %s", order[i]);
            in_order = 0;
            break;
        }
        pos = f;
    }
    ok(in_order, "alerts, findings, then brands (no brand last), negative first, arrival order within");
    ok(!strstr(t.text, "more\n"), "no 'more' line when everything is listed");
    es_mail_text_free(&t);
    ok(es_mail_compose_digest(recs, n, 3, "", NULL, 0, 0, &t) == 0, "capped digest composed");
    rlike(t.text, "\n\\.\\.\\. and 4 more\n$", "capped at digest_max with 'and N more'");
    like(t.html, "<p>... and 4 more</p>", "in the HTML too");
    es_mail_text_free(&t);
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
    json_decref(alert);
    json_decref(ended);
    json_decref(acct);
    return done_testing();
}
