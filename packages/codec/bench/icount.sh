#!/bin/sh
# Instructions per operation of one direct-loop case (see icount.mjs), from two runs under
# valgrind's callgrind (instructions of the whole process), of n and 3n ops:
#   bench/icount.sh <adapter> <scenario> <op> [n] [--alone]
# Repeatable to ~1% on a loaded machine (timings are not). Needs valgrind and a built dist/.
set -eu
cd "$(dirname "$0")/.."
a=$1 s=$2 o=$3 n=${4:-200000}
shift 3; [ $# -gt 0 ] && shift
count() {
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null \
    node --single-threaded bench/icount.mjs "$a" "$s" "$o" "$@" 2>&1 >/dev/null |
    awk '/Collected :/ {print $4}'
}
# Two measured runs (n and 3n ops), not n and 0: the first measured call has a fixed cost of its own.
base=$(count "$n" "$@")
full=$(count "$((3 * n))" "$@")
echo "$a $s $o: $(( (full - base) / (2 * n) )) instructions/op ($* n=$n)"
