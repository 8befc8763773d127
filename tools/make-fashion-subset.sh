#!/bin/sh
# The recipe the committed www/data/ files were made with; see www/data/README.md.
# Cut the first N_TRAIN training and N_TEST test images (with labels) out of the full
# Fashion-MNIST that Debian ships (package dataset-fashion-mnist, MIT, (c) 2017 Zalando SE),
# as standard IDX files, gzip -9 -n compressed.
#   usage: make-fashion-subset.sh N_TRAIN N_TEST OUTDIR [SRCDIR]
#          make-fashion-subset.sh --all OUTDIR [SRCDIR]
# --all writes every file www/data/ ships: the paper's 1200 and the authors' code's 6000
# training images, the page's 2000 and the full 10,000 test images.
# SRCDIR defaults to /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
set -eu
if [ "$1" = "--all" ]; then
  self=$0; out=$2; src=${3:-/usr/share/datasets/fashion-mnist}
  sh "$self" 1200 2000 "$out" "$src"
  sh "$self" 6000 10000 "$out" "$src"
  exit 0
fi
ntrain=$1; ntest=$2; out=$3; src=${4:-/usr/share/datasets/fashion-mnist}
mkdir -p "$out"
be32() { # print a big-endian u32 as raw bytes (POSIX printf has octal escapes only)
  printf "\\$(printf %03o $(( ($1 >> 24) & 255 )))\\$(printf %03o $(( ($1 >> 16) & 255 )))\\$(printf %03o $(( ($1 >> 8) & 255 )))\\$(printf %03o $(( $1 & 255 )))"
}
cut_split() { # $1 = train|t10k  $2 = N  $3 = output stem
  { be32 2051; be32 "$2"; be32 28; be32 28
    zcat "$src/$1-images-idx3-ubyte.gz" | tail -c +17 | head -c $(( $2 * 784 )); } | gzip -9 -n > "$out/$3-images-idx3-ubyte.gz"
  { be32 2049; be32 "$2"
    zcat "$src/$1-labels-idx1-ubyte.gz" | tail -c +9 | head -c "$2"; } | gzip -9 -n > "$out/$3-labels-idx1-ubyte.gz"
}
cut_split train "$ntrain" "fmnist-train$ntrain"
cut_split t10k "$ntest" "fmnist-test$ntest"
