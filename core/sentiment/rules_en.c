/*
 * English function words and idioms. The negation list, booster/dampener
 * scalars and special-case idioms are VADER's (vaderSentiment, (c) C.J. Hutto,
 * MIT license; same lists in the JS port vader-sentiment 1.1.3). Entries
 * marked "earshot" are ours; see docs/sentiment.md.
 */
#include "internal.h"

#define B_INCR 0.293f
#define B_DECR (-0.293f)
#define NEG ES_W_NEGATE
#define BST ES_W_BOOST
#define KNW ES_W_KNOWN

const es_rules_entry_t es__rules_en_words[] = {
    /* VADER NEGATE */
    {"aint", NEG, 0}, {"arent", NEG, 0}, {"cannot", NEG, 0}, {"cant", NEG, 0},
    {"couldnt", NEG, 0}, {"darent", NEG, 0}, {"didnt", NEG, 0}, {"doesnt", NEG, 0},
    {"ain't", NEG, 0}, {"aren't", NEG, 0}, {"can't", NEG, 0}, {"couldn't", NEG, 0},
    {"daren't", NEG, 0}, {"didn't", NEG, 0}, {"doesn't", NEG, 0}, {"dont", NEG, 0},
    {"hadnt", NEG, 0}, {"hasnt", NEG, 0}, {"havent", NEG, 0}, {"isnt", NEG, 0},
    {"mightnt", NEG, 0}, {"mustnt", NEG, 0}, {"neither", NEG, 0}, {"don't", NEG, 0},
    {"hadn't", NEG, 0}, {"hasn't", NEG, 0}, {"haven't", NEG, 0}, {"isn't", NEG, 0},
    {"mightn't", NEG, 0}, {"mustn't", NEG, 0}, {"neednt", NEG, 0}, {"needn't", NEG, 0},
    {"never", NEG, 0}, {"none", NEG, 0}, {"nope", NEG, 0}, {"nor", NEG, 0},
    {"not", NEG | KNW, 0}, {"nothing", NEG, 0}, {"nowhere", NEG, 0}, {"oughtnt", NEG, 0},
    {"shant", NEG, 0}, {"shouldnt", NEG, 0}, {"uhuh", NEG, 0}, {"wasnt", NEG, 0},
    {"werent", NEG, 0}, {"oughtn't", NEG, 0}, {"shan't", NEG, 0}, {"shouldn't", NEG, 0},
    {"uh-uh", NEG, 0}, {"wasn't", NEG, 0}, {"weren't", NEG, 0}, {"without", NEG, 0},
    {"wont", NEG, 0}, {"wouldnt", NEG, 0}, {"won't", NEG, 0}, {"wouldn't", NEG, 0},
    {"rarely", NEG, 0}, {"seldom", NEG, 0}, {"despite", NEG, 0},
    /* VADER BOOSTER_DICT */
    {"absolutely", BST, B_INCR}, {"amazingly", BST, B_INCR}, {"awfully", BST, B_INCR},
    {"completely", BST, B_INCR}, {"considerably", BST, B_INCR}, {"decidedly", BST, B_INCR},
    {"deeply", BST, B_INCR}, {"effing", BST, B_INCR}, {"enormously", BST, B_INCR},
    {"entirely", BST, B_INCR}, {"especially", BST, B_INCR}, {"exceptionally", BST, B_INCR},
    {"extremely", BST, B_INCR}, {"fabulously", BST, B_INCR}, {"flipping", BST, B_INCR},
    {"flippin", BST, B_INCR}, {"fricking", BST, B_INCR}, {"frickin", BST, B_INCR},
    {"frigging", BST, B_INCR}, {"friggin", BST, B_INCR}, {"fully", BST, B_INCR},
    {"fucking", BST, B_INCR}, {"greatly", BST, B_INCR}, {"hella", BST, B_INCR},
    {"highly", BST, B_INCR}, {"hugely", BST, B_INCR}, {"incredibly", BST, B_INCR},
    {"intensely", BST, B_INCR}, {"majorly", BST, B_INCR}, {"more", BST | KNW, B_INCR},
    {"most", BST | KNW, B_INCR}, {"particularly", BST, B_INCR}, {"purely", BST, B_INCR},
    {"quite", BST, B_INCR}, {"really", BST, B_INCR}, {"remarkably", BST, B_INCR},
    {"so", BST | KNW, B_INCR}, {"substantially", BST, B_INCR}, {"thoroughly", BST, B_INCR},
    {"totally", BST, B_INCR}, {"tremendously", BST, B_INCR}, {"uber", BST, B_INCR},
    {"unbelievably", BST, B_INCR}, {"unusually", BST, B_INCR}, {"utterly", BST, B_INCR},
    {"very", BST | KNW, B_INCR},
    {"almost", BST, B_DECR}, {"barely", BST, B_DECR}, {"hardly", BST, B_DECR},
    {"kinda", BST, B_DECR}, {"kindof", BST, B_DECR}, {"kind-of", BST, B_DECR},
    {"less", BST, B_DECR}, {"little", BST, B_DECR}, {"marginally", BST, B_DECR},
    {"occasionally", BST, B_DECR}, {"partly", BST, B_DECR}, {"scarcely", BST, B_DECR},
    {"slightly", BST, B_DECR}, {"somewhat", BST, B_DECR}, {"sorta", BST, B_DECR},
    {"sortof", BST, B_DECR}, {"sort-of", BST, B_DECR},
    {"kind of", BST, B_DECR}, {"sort of", BST, B_DECR}, {"just enough", BST, B_DECR},
    /* earshot: hashtag-speak intensifier (#epicfail, #epicwin) */
    {"epic", BST | KNW, B_INCR},
    /* VADER's contrastive conjunction */
    {"but", ES_W_CONTRAST | KNW, 0},
    /* earshot: common words hashtags are built from ("#loveit", "#notgood"),
     * also the English stop-word profile of lang.c */
    {"a", KNW, 0}, {"all", KNW, 0}, {"am", KNW, 0}, {"an", KNW, 0}, {"and", KNW, 0},
    {"are", KNW, 0}, {"at", KNW, 0}, {"be", KNW, 0}, {"day", KNW, 0}, {"do", KNW, 0},
    {"for", KNW, 0}, {"get", KNW, 0}, {"go", KNW, 0}, {"has", KNW, 0}, {"have", KNW, 0},
    {"he", KNW, 0}, {"her", KNW, 0}, {"him", KNW, 0}, {"i", KNW, 0}, {"im", KNW, 0},
    {"in", KNW, 0}, {"is", KNW, 0}, {"it", KNW, 0}, {"just", KNW, 0}, {"life", KNW, 0},
    {"me", KNW, 0}, {"my", KNW, 0}, {"new", KNW, 0}, {"now", KNW, 0}, {"of", KNW, 0},
    {"on", KNW, 0}, {"our", KNW, 0}, {"out", KNW, 0}, {"she", KNW, 0}, {"that", KNW, 0},
    {"the", KNW, 0}, {"them", KNW, 0}, {"they", KNW, 0}, {"this", KNW, 0}, {"time", KNW, 0},
    {"to", KNW, 0}, {"today", KNW, 0}, {"too", KNW, 0}, {"up", KNW, 0}, {"us", KNW, 0},
    {"was", KNW, 0}, {"we", KNW, 0}, {"week", KNW, 0}, {"what", KNW, 0}, {"with", KNW, 0},
    {"you", KNW, 0}, {"your", KNW, 0},
    {NULL, 0, 0},
};

const es_rules_entry_t es__rules_en_idioms[] = {
    /* VADER SPECIAL_CASE_IDIOMS */
    {"the shit", ES_W_VAL, 3.0f},       {"the bomb", ES_W_VAL, 3.0f},
    {"bad ass", ES_W_VAL, 1.5f},        {"yeah right", ES_W_VAL, -2.0f},
    {"cut the mustard", ES_W_VAL, 2.0f}, {"kiss of death", ES_W_VAL, -1.5f},
    {"hand to mouth", ES_W_VAL, -2.0f},
    /* earshot: eagerness, which the negation rule reads backwards */
    {"can't wait", ES_W_VAL, 2.0f},      {"cant wait", ES_W_VAL, 2.0f},
    {"cannot wait", ES_W_VAL, 2.0f},     {"can not wait", ES_W_VAL, 2.0f},
    {NULL, 0, 0},
};
