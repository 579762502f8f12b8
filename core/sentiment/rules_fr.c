/*
 * French function words and idioms, written for earshot (see
 * docs/sentiment.md). The scalars are VADER's (0.293 for boosters and
 * dampeners) so that both languages sit on the same scale.
 */
#include "internal.h"

#define B_INCR 0.293f
#define B_DECR (-0.293f)
#define NEG ES_W_NEGATE
#define BST ES_W_BOOST
#define KNW ES_W_KNOWN
#define PST ES_W_POSTNEG

const es_rules_entry_t es__rules_fr_words[] = {
    /* Negation. "ne"/"n'" opens a bracket closed by pas/plus/jamais/rien...;
     * "pas", "jamais", "rien", "aucun", "sans", "ni" also negate on their own
     * ("pas bon", "c'est pas top"); "plus" only inside a "ne ... plus". */
    {"ne", ES_W_NE | KNW, 0},
    {"pas", NEG | PST | KNW, 0}, {"jamais", NEG | PST | KNW, 0}, {"rien", NEG | PST | KNW, 0},
    {"guère", NEG | PST, 0}, {"point", PST, 0}, {"personne", PST, 0},
    {"plus", PST | BST | KNW, B_INCR},
    {"aucun", NEG | PST, 0}, {"aucune", NEG | PST, 0}, {"sans", NEG | KNW, 0},
    {"ni", NEG, 0}, {"nullement", NEG, 0}, {"nulle", NEG, 0},
    /* Boosters */
    {"très", BST | KNW, B_INCR}, {"tres", BST | KNW, B_INCR}, {"trop", BST | KNW, B_INCR},
    {"vraiment", BST | KNW, B_INCR}, {"tellement", BST, B_INCR}, {"hyper", BST, B_INCR},
    {"grave", BST, B_INCR}, {"carrément", BST, B_INCR}, {"carrement", BST, B_INCR},
    {"extrêmement", BST, B_INCR}, {"extremement", BST, B_INCR}, {"totalement", BST, B_INCR},
    {"complètement", BST, B_INCR}, {"completement", BST, B_INCR},
    {"absolument", BST, B_INCR}, {"vachement", BST, B_INCR}, {"si", BST | KNW, B_INCR},
    {"tant", BST, B_INCR}, {"franchement", BST, B_INCR},
    {"ultra", BST, B_INCR}, {"méga", BST, B_INCR}, {"mega", BST, B_INCR},
    {"énormément", BST, B_INCR}, {"enormement", BST, B_INCR}, {"vraiiment", BST, B_INCR},
    {"particulièrement", BST, B_INCR}, {"profondément", BST, B_INCR},
    {"fort", BST, B_INCR}, {"bien trop", BST, B_INCR}, {"de ouf", BST, B_INCR},
    /* Dampeners */
    {"assez", BST, B_DECR}, {"plutôt", BST, B_DECR}, {"plutot", BST, B_DECR},
    {"peu", BST, B_DECR}, {"un peu", BST, B_DECR}, {"moins", BST, B_DECR},
    {"presque", BST, B_DECR}, {"légèrement", BST, B_DECR}, {"legerement", BST, B_DECR},
    {"moyennement", BST, B_DECR}, {"pas mal de", BST, B_INCR},
    /* Contrast */
    {"mais", ES_W_CONTRAST | KNW, 0}, {"pourtant", ES_W_CONTRAST, 0},
    {"cependant", ES_W_CONTRAST, 0},
    /* Stop-word profile, also parts hashtags are made of */
    {"le", KNW, 0}, {"la", KNW, 0}, {"les", KNW, 0}, {"un", KNW, 0}, {"une", KNW, 0},
    {"des", KNW, 0}, {"de", KNW, 0}, {"du", KNW, 0}, {"et", KNW, 0}, {"est", KNW, 0},
    {"je", KNW, 0}, {"tu", KNW, 0}, {"il", KNW, 0}, {"elle", KNW, 0}, {"on", KNW, 0},
    {"nous", KNW, 0}, {"vous", KNW, 0}, {"ils", KNW, 0}, {"ce", KNW, 0}, {"ça", KNW, 0},
    {"ca", KNW, 0}, {"c'est", KNW, 0}, {"pour", KNW, 0}, {"avec", KNW, 0},
    {"dans", KNW, 0}, {"sur", KNW, 0}, {"que", KNW, 0}, {"qui", KNW, 0}, {"mon", KNW, 0},
    {"ma", KNW, 0}, {"mes", KNW, 0}, {"ton", KNW, 0}, {"vie", KNW, 0}, {"jour", KNW, 0},
    {NULL, 0, 0},
};

const es_rules_entry_t es__rules_fr_idioms[] = {
    /* "pas mal" means "rather good", "pas terrible" "rather bad": negating
     * the word's own valence gets both wrong. */
    {"pas mal", ES_W_VAL, 1.5f},         {"pas terrible", ES_W_VAL, -1.5f},
    {"pas top", ES_W_VAL, -1.5f},        {"pas ouf", ES_W_VAL, -1.2f},
    {"pas de souci", ES_W_VAL, 1.0f},    {"pas de soucis", ES_W_VAL, 1.0f},
    {"pas de problème", ES_W_VAL, 1.0f}, {"pas de probleme", ES_W_VAL, 1.0f},
    {"sans problème", ES_W_VAL, 1.0f},   {"sans probleme", ES_W_VAL, 1.0f},
    {"trop cher", ES_W_VAL, -1.8f},      {"trop chère", ES_W_VAL, -1.8f},
    {"trop bien", ES_W_VAL, 2.8f},       {"trop bon", ES_W_VAL, 2.8f},
    {"de la merde", ES_W_VAL, -3.0f},    {"n'importe quoi", ES_W_VAL, -1.8f},
    {"coup de coeur", ES_W_VAL, 2.5f},
    {"coup de cœur", ES_W_VAL, 2.5f},    {"au top", ES_W_VAL, 2.5f},
    {"à chier", ES_W_VAL, -3.0f},        {"a chier", ES_W_VAL, -3.0f},
    {"foutage de gueule", ES_W_VAL, -2.8f}, {"se foutent de", ES_W_VAL, -2.0f},
    {"prise de tête", ES_W_VAL, -1.8f},  {"prise de tete", ES_W_VAL, -1.8f},
    {"ras le bol", ES_W_VAL, -2.2f},     {"en panne", ES_W_VAL, -1.8f},
    {"ça marche", ES_W_VAL, 0.8f},       {"ca marche", ES_W_VAL, 0.8f},
    {NULL, 0, 0},
};
