# Sourced by bench/*/run.sh: the texts every pipeline figure is measured on.
# CORPUS=vader (default): the VADER paper's 4,200 tweets; semeval: the
# 47,374 labelled SemEval tweets; synthetic: gen.py's "tweet number N"
# texts, on which the stages have little to do (only for comparison).
# The shared data is read in place (EARSHOT_SHARED_DATA, default
# ../shared/data beside the checkout) and never copied into the tree.
# corpus_gen FORMAT COUNT OUT writes COUNT tweets in FORMAT (gen.py's);
# corpus_desc names the texts for the bench's header line.
corpus_data=${EARSHOT_SHARED_DATA:-$top/../shared/data}
case ${CORPUS:-vader} in
vader) corpus_file=$corpus_data/sentiment/tweets_GroundTruth.txt ;;
semeval) corpus_file=$corpus_data/sentiment-train/tweets_3class.tsv ;;
synthetic) corpus_file="" ;;
*) echo "CORPUS is vader, semeval or synthetic" >&2; exit 2 ;;
esac
if [ -n "$corpus_file" ] && [ ! -r "$corpus_file" ]; then
    echo "corpus $corpus_file not found (set EARSHOT_SHARED_DATA, or CORPUS=synthetic)" >&2
    exit 1
fi
corpus_desc=${CORPUS:-vader}${corpus_file:+ ($(basename "$corpus_file"))}
corpus_gen() { # FORMAT COUNT OUT [gen.py options]
    _f=$1 _c=$2 _o=$3
    shift 3
    python3 "$top/bench/twitter/gen.py" "$_f" "$_c" "$_o" ${corpus_file:+--texts "$corpus_file"} "$@" > /dev/null
}
