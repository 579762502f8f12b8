/* es_html_to_text(), es_entities_decode(), es_sha256_hex(): normal HTML,
 * the odd HTML feeds carry, and garbage that must come back as text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include "tap.h"
#include <earshot/text.h>

static void h2t(const char *html, const char *want, const char *what)
{
    size_t n = 12345;
    char *got = es_html_to_text(html, strlen(html), &n);
    is_str(got, want, "html: %s", what);
    if (got && n != strlen(got))
        ok(0, "html: %s: out_len matches", what);
    free(got);
}

static void ent(const char *in, const char *want, const char *what)
{
    size_t n = 0;
    char *got = es_entities_decode(in, strlen(in), &n);
    is_str(got, want, "entities: %s", what);
    free(got);
}

/* Garbage must not crash and must yield valid UTF-8 (checked loosely: no
 * bytes the sanitiser would have replaced survive). */
static void survives(const char *in, size_t len, const char *what)
{
    size_t n = 0;
    char *got = es_html_to_text(in, len, &n);
    ok(got != NULL && strlen(got) == n, "garbage survives: %s", what);
    free(got);
}

int main(void)
{
    h2t("", "", "empty");
    h2t("plain text", "plain text", "plain text passes");
    h2t("  lots   of\n\n  space\t ", "lots of space", "whitespace collapses and trims");
    h2t("<p>Hello <b>world</b></p>", "Hello world", "tags stripped");
    h2t("<p>One</p><p>Two</p>", "One\n\nTwo", "paragraphs separated by a blank line");
    h2t("a<br>b<br/>c", "a\nb\nc", "br is a line break");
    h2t("<div>a</div><div>b</div>", "a\nb", "divs are lines");
    h2t("<ul><li>x</li><li>y</li></ul>after", "x\ny\n\nafter", "list items");
    h2t("Tom &amp; Jerry", "Tom & Jerry", "amp");
    h2t("&lt;tag&gt; &quot;q&quot; &#39;s&#39;", "<tag> \"q\" 's'", "lt gt quot numeric");
    h2t("caf&eacute; &#233; &#xE9; &#XE9;", "caf\xc3\xa9 \xc3\xa9 \xc3\xa9 \xc3\xa9", "named, decimal and hex");
    h2t("it&rsquo;s &mdash; &hellip; &euro;", "it\xe2\x80\x99s \xe2\x80\x94 \xe2\x80\xa6 \xe2\x82\xac", "typographic entities");
    h2t("a&nbsp;&nbsp;b", "a b", "nbsp collapses like space");
    h2t("&#128512; smile", "\xf0\x9f\x98\x80 smile", "astral numeric reference");
    h2t("<script>alert(1)</script>safe<style>p{}</style>", "safe", "script and style dropped");
    h2t("<html><head><title>T</title></head><body>B</body></html>", "B", "head dropped");
    h2t("<img src=x alt=\"\xf0\x9f\x98\x80\"> great", "\xf0\x9f\x98\x80 great", "img alt kept");
    h2t("<pre>a\n  b</pre>", "a\nb", "pre keeps line breaks");
    h2t("<p>unclosed <b>bold <i>both", "unclosed bold both", "unclosed tags");
    h2t("</p></div>stray closers", "stray closers", "stray end tags");
    h2t("a < b and c > d", "a < b and c > d", "bare angle brackets");
    h2t("AT&T & friends", "AT&T & friends", "bare ampersands");
    h2t("&bogus; stays", "&bogus; stays", "unknown entity kept literally");
    h2t("<!-- hidden -->shown", "shown", "comments dropped");
    survives("<![CDATA[x]]>y", 13, "CDATA in HTML");
    h2t("<table><tr><td>a</td><td>b</td></tr></table>", "a b", "table cells spaced");
    h2t("<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>", "caf\xc3\xa9", "meta charset ignored");
    h2t("bad \xff\xfe bytes", "bad \xef\xbf\xbd\xef\xbf\xbd bytes", "invalid UTF-8 replaced (fast path)");
    h2t("<b>bad</b> \xc3", "bad \xef\xbf\xbd", "invalid UTF-8 replaced (parser path)");
    h2t("ctl\x01\x02<b>x</b>", "ctl x", "control characters become space");
    h2t("<p>\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e</p>", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "CJK passes");
    h2t("<h1>Title</h1>Body", "Title\n\nBody", "headings are paragraphs");
    h2t("<p>&amp;amp;</p>", "&amp;", "one level of escaping removed only");

    /* NULs: a C consumer stops at the first anyway. */
    {
        const char in[] = "ab\0cd";
        char *got = es_html_to_text(in, sizeof in - 1, NULL);
        is_str(got, "ab", "embedded NUL truncates");
        free(got);
    }
    {
        char *got = es_html_to_text(NULL, 0, NULL);
        is_str(got, "", "NULL input is empty text");
        free(got);
    }

    /* Deep nesting and large junk. */
    {
        size_t n = 200000;
        char *deep = malloc(n * 5 + 10);
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            memcpy(deep + o, "<div>", 5);
            o += 5;
        }
        memcpy(deep + o, "x", 1);
        survives(deep, o + 1, "200k nested divs");
        free(deep);
    }
    {
        size_t n = 1 << 20;
        char *junk = malloc(n);
        uint32_t x = 2463534242u;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            junk[i] = "<>&;/=\"'abc \xff\xc3#x\n!-["[x % 20];
        }
        survives(junk, n, "1 MiB of markup soup");
        free(junk);
    }
    survives("<", 1, "lone <");
    survives("&", 1, "lone &");
    survives("&#", 2, "lone &#");
    survives("&#x110000;", 10, "out of range reference");
    survives("<a href=\"", 9, "unterminated attribute");
    survives("<!--", 4, "unterminated comment");

    ent("Tom &amp; Jerry", "Tom & Jerry", "amp");
    ent("&lt;b&gt;", "<b>", "no tag stripping");
    ent("&apos;&quot;", "'\"", "apos and quot");
    ent("&#233;&#xe9;", "\xc3\xa9\xc3\xa9", "numeric");
    ent("&#146;", "\xe2\x80\x99", "Windows-1252 numeric remapped");
    ent("&#0;&#xD800;&#x110000;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "invalid code points");
    ent("&bogus; & &; &#; &#x; &amp", "&bogus; & &; &#; &#x; &amp", "malformed stays");
    ent("&eacute;t&eacute;", "\xc3\xa9t\xc3\xa9", "named");
    ent("", "", "empty");

    char hex[65];
    is_int(es_sha256_hex("abc", 3, hex), 0, "sha256 returns 0");
    is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "sha256(abc) matches FIPS 180-2");
    is_int(es_sha256_hex("", 0, hex), 0, "sha256 of empty");
    is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "sha256() matches");

    is_int(es_cp1252_char(0x80), 0x20AC, "cp1252 euro");
    is_int(es_cp1252_char(0xE9), 0xE9, "cp1252 latin-1 range");
    return done_testing();
}
