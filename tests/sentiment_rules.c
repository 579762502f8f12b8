/*
 * One check per rule, each with a pair of sentences where the rule changes
 * the result. The rule layer alone (rules_only): labels here come from
 * compound, as they do without a model; tests/sentiment_model covers the
 * learned layer.
 */
#include "sentiment_common.h"

static es_scorer_t *S;

static double C(const char *text, const char *lang)
{
    return es_test_score(S, text, lang, NULL).compound;
}

#define MORE(a, b, lang, why)                                                  \
    do {                                                                       \
        double ca_ = C(a, lang), cb_ = C(b, lang);                             \
        if (!ok(ca_ > cb_, "%s: \"%s\" (%.3f) > \"%s\" (%.3f)", why, a, ca_, b, cb_)) \
            diag("  rule did not change the result");                          \
    } while (0)

static void label_is(const char *text, const char *lang, const char *want)
{
    char l[8];
    es_sentiment_t r = es_test_score(S, text, lang, l);
    is_str(r.label, want, "\"%s\" is %s (%.3f)", text, want, r.compound);
}

/* The guess the scorer makes while it tokenises (no hint given). */
static void lang_is(const char *text, const char *want)
{
    char l[8];
    es_test_score(S, text, NULL, l);
    is_str(l, want, "lang of \"%s\"", text);
}

int main(void)
{
    S = es_test_rules_scorer(NULL);

    /* Lexicon valence and negation (three tokens back). */
    label_is("good", "en", "positive");
    label_is("not good", "en", "negative");
    label_is("it is not really that good", "en", "negative");
    MORE("good", "not good", "en", "negation");
    MORE("The food was never bad", "The food was bad", "en", "negation 3 back");
    MORE("fun", "no fun", "en", "\"no\" as determiner");
    ok(C("no fun", "en") < 0, "\"no fun\" is negative");
    MORE("Nope I was wrong", "Nope. I was wrong", "en", "negation stops at sentence end");
    /* Boosters and dampeners. */
    MORE("very good", "good", "en", "booster");
    MORE("good", "slightly good", "en", "dampener");
    MORE("good", "kind of good", "en", "multi-word dampener");
    /* ALL CAPS emphasis only in mixed case. */
    MORE("The food is GOOD", "The food is good", "en", "caps emphasis");
    {
        double all = C("THE FOOD IS GOOD", "en"), low = C("the food is good", "en");
        ok(all == low, "all-caps text gets no caps emphasis (%.3f == %.3f)", all, low);
    }
    /* Punctuation. */
    MORE("good!!!", "good", "en", "exclamation");
    MORE("good!!!!!!", "good!!!", "en", "exclamation capped at 4 only after 3");
    MORE("is it good??", "is it good", "en", "question marks");
    /* Elongation. */
    MORE("goooood", "good", "en", "elongated word");
    label_is("goooood", "en", "positive");
    MORE("soooo good", "good", "en", "elongated booster");
    /* Contrast. */
    ok(C("The food is good but the service is horrible", "en") < 0,
       "but: what follows weighs more (%.3f)", C("The food is good but the service is horrible", "en"));
    ok(C("The food is good and the service is horrible", "en") >
           C("The food is good but the service is horrible", "en"),
       "but changes the balance");
    /* Idioms and multi-word entries. */
    MORE("Glee is the shit", "Glee is shit", "en", "idiom \"the shit\"");
    MORE("The ending was good", "yeah right, the ending was good", "en", "idiom \"yeah right\"");
    ok(C("I can't stand this", "en") < 0, "multi-word lexicon entry \"can't stand\"");
    /* Emoticons and emoji. */
    label_is(":)", "en", "positive");
    label_is(":(", "en", "negative");
    MORE("meeting today :)", "meeting today", "en", "emoticon");
    label_is("\xF0\x9F\x98\x8D", "en", "positive");         /* 😍 */
    label_is("\xF0\x9F\x98\xA1", "en", "negative");         /* 😡 */
    MORE("new phone\xF0\x9F\x98\x8D", "new phone", "en", "emoji glued to a word");
    MORE("\xE2\x9D\xA4\xEF\xB8\x8F", "ok", "en", "emoji with variation selector"); /* ❤️ */
    MORE("Nope :-)", "Nope", "en", "negation does not flip emoticons");
    /* Hashtags, handles, URLs. */
    label_is("#loveit", "en", "positive");
    label_is("#epicfail", "en", "negative");
    label_is("#EpicFail", "en", "negative");
    label_is("#notgood", "en", "negative");
    label_is("@happyhour see you there", "en", "neutral");
    label_is("http://example.com/great-awesome-love", "en", "neutral");
    {
        double a = C("the update is great", "en");
        double b = C("the update is great https://t.co/terrible-hate @killer", "en");
        ok(a == b, "URL and @handle ignored (%.3f == %.3f)", a, b);
    }
    /* French. */
    label_is("c'est bon", "fr", "positive");
    label_is("ce n'est pas bon", "fr", "negative");
    label_is("je n'aime pas ce film", "fr", "negative");
    label_is("je n aime pas ce film", "fr", "negative");        /* apostrophe dropped */
    label_is("je ne suis plus satisfait", "fr", "negative");
    label_is("je n'ai jamais aimé ce film", "fr", "negative");
    MORE("j'aime", "je n'aime pas", "fr", "ne ... pas");
    MORE("c'est bon", "c'est pas bon", "fr", "pas alone");
    MORE("très bon", "bon", "fr", "très");
    MORE("vraiment bon", "bon", "fr", "vraiment");
    MORE("plus beau", "beau", "fr", "plus as booster");
    ok(C("le repas est bon mais le service est horrible", "fr") < 0,
       "mais: what follows weighs more");
    label_is("c'est pas mal", "fr", "positive");
    label_is("pas terrible", "fr", "negative");
    label_is("tres decu", "fr", "negative");                /* accents folded */
    label_is("TRÈS DÉÇU", "fr", "negative");                /* upper-case accents */
    label_is("trop bien", "fr", "positive");
    label_is("génialissime !", "fr", "neutral");            /* unknown stays neutral */
    /* Language detection. */
    lang_is("I really love this phone, it is great", "en");
    lang_is("J'adore ce téléphone, il est vraiment génial", "fr");
    lang_is("Der Service ist sehr gut und das Essen auch", "other");
    lang_is("El servicio es muy bueno pero la comida no", "other");
    lang_is("\xD0\x9E\xD1\x87\xD0\xB5\xD0\xBD\xD1\x8C \xD1\x85\xD0\xBE\xD1\x80\xD0\xBE\xD1\x88\xD0\xBE", "other");
    lang_is("Produit dangereux, à fuir", "fr");                 /* the accent of a dropped one-letter word */
    lang_is("awesome phone, great prices on amazon.com", "en"); /* no "com" vote from a domain name */
    lang_is("12345 !!!", "other");                              /* no letters */
    lang_is("#merci", "en");                                    /* a hashtag does not vote */
    {
        char l[8];
        es_test_score(S, "Ce produit est nul", NULL, l);
        is_str(l, "fr", "score() detects fr");
        es_test_score(S, "This product is rubbish", NULL, l);
        is_str(l, "en", "score() detects en");
        es_sentiment_t r = es_test_score(S, "sehr gut \xF0\x9F\x98\x8D", NULL, l);
        is_str(l, "other", "score() detects other");
        is_str(r.label, "positive", "other: emoji still scored");
        r = es_test_score(S, "good great love", "de", l);
        is_str(l, "other", "lang hint de -> other");
        is_str(r.label, "neutral", "other: words not scored");
        es_test_score(S, "bon", "fr-CA", l);
        is_str(l, "fr", "lang hint fr-CA -> fr");
    }
    /* Output invariants. */
    {
        const char *texts[] = {"", "good", "bad :( but great!!", "meh", "\xff\xfe\x80 bad", NULL};
        for (int i = 0; texts[i]; i++) {
            char l[8];
            es_sentiment_t r = es_test_score(S, texts[i], NULL, l);
            double sum = r.pos + r.neu + r.neg;
            ok(r.compound >= -1 && r.compound <= 1 && sum > 0.999 && sum < 1.001 && r.label,
               "invariants for text %d (compound %.3f, shares sum %.3f)", i, r.compound, sum);
        }
        es_sentiment_t r;
        char l[8];
        is_int(es__scorer_score(S, NULL, 3, NULL, &r, l), ES_EINVAL, "NULL text with len is EINVAL");
        is_int(es__scorer_score(NULL, "x", 1, NULL, &r, l), ES_EINVAL, "NULL scorer is EINVAL");
    }
    /* Long text: takes the heap fallback, still scored. */
    {
        size_t n = 20000;
        char *big = malloc(n + 1);
        for (size_t i = 0; i < n; i += 5)
            memcpy(big + i, "good ", 5);
        big[n] = '\0';
        es_sentiment_t r;
        char l[8];
        is_int(es__scorer_score(S, big, n, "en", &r, l), 0, "20 kB text scored");
        ok(r.compound > 0.99, "20 kB of \"good\" is very positive (%.3f)", r.compound);
        free(big);
    }
    es__scorer_free(S);
    return done_testing();
}
