#!/bin/sh
# Rebuilds the shipped sentiment models contrib/lexicons/en.model and
# fr.model from the training data (docs/sentiment.md, "The model"). The
# result is deterministic: the same data gives the same files.
#
#   contrib/sentiment-model/train.sh [OUTDIR]
# Data: $EARSHOT_TRAIN_DATA (default $EARSHOT_SHARED_DATA/sentiment-train,
# else ../shared/data/sentiment-train next to the tree) and $EARSHOT_GT_DATA
# (default $EARSHOT_SHARED_DATA/sentiment: the VADER ground truth). Needs only gcc and
# libm: the trainer is C and links the scorer's own feature code, so the
# features it learns from are exactly the ones the daemon computes.
# TRAIN_ARGS adds options to every run (e.g. TRAIN_ARGS=--curve).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
shared=${EARSHOT_SHARED_DATA:-$top/../shared/data}
data=${EARSHOT_TRAIN_DATA:-$shared/sentiment-train}
# The VADER ground truth: the training four fifths of its review sentences
# (es__gt_heldout() in core/sentiment/internal.h; bench/sentiment reports on
# the other fifth).
gt=${EARSHOT_GT_DATA:-$shared/sentiment}
outdir=${1:-$top/contrib/lexicons}
build=${TMPDIR:-/tmp}/earshot-train-sentiment.$$
[ -r "$data/tweets_3class.tsv" ] || { echo "train.sh: $data/tweets_3class.tsv not found (set EARSHOT_TRAIN_DATA)" >&2; exit 1; }
[ -r "$gt/amazonReviewSnippets_GroundTruth.txt" ] || { echo "train.sh: $gt/amazonReviewSnippets_GroundTruth.txt not found (set EARSHOT_GT_DATA)" >&2; exit 1; }
mkdir -p "$build"
trap 'rm -rf "$build"' EXIT
cat > "$build/strerror_stub.c" <<'C'
const char *es_strerror(int err);
const char *es_strerror(int err) { (void)err; return "error"; }
C
gcc -std=gnu11 -O2 -Wall -Wextra \
    "$top"/core/sentiment/scorer.c "$top"/core/sentiment/lexicon.c \
    "$top"/core/sentiment/utf8.c "$top"/core/sentiment/tokenize.c \
    "$top"/core/sentiment/lang.c "$top"/core/sentiment/vader.c \
    "$top"/core/sentiment/rules_en.c "$top"/core/sentiment/rules_fr.c \
    "$top"/core/sentiment/features.c "$top"/core/sentiment/model.c "$top"/core/util/file_open.c -I"$top"/core -I"$top"/core/include \
    "$here/train.c" "$build/strerror_stub.c" -lm -o "$build/train"
export EARSHOT_LEXICON_DIR="$top/contrib/lexicons"
# shellcheck disable=SC2086
"$build/train" en "$outdir/en.model" "$data/tweets_3class.tsv" \
    --gt "$gt/amazonReviewSnippets_GroundTruth.txt" --gt "$gt/movieReviewSnippets_GroundTruth.txt" \
    --gt-binary --gt-weight 4 --nb 1 --review-epochs 1 \
    --care "$here/care_train.tsv" --care-weight 12 --val "$data/tweets_val_3class.tsv" ${TRAIN_ARGS:-}
# French: no separate validation file; the dev split is reported.
# shellcheck disable=SC2086
"$build/train" fr "$outdir/fr.model" "$data/french.tsv" --care "$here/care_train.tsv" ${TRAIN_ARGS:-}
