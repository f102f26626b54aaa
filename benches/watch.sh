#!/bin/sh
# procdemo watch against strace -f on the same program, in paired rounds (the issue's
# measure): a C loop of N fork/exit/wait (default 3000), run bare, under
# `strace -f -qq -e trace=process -o /dev/null` and under `procdemo watch -o /dev/null`.
# Then a real build: a small C project (40 files) built with `make -B -j2`, the same three
# ways. Prints each round's wall times and the medians, and watch/strace and watch/bare
# ratios.
# The watch runs the binary PROCDEMO_WATCH_BIN names (`make bench`: the dist build, what the
# packages install), else target/release/procdemo (what `make demo` builds: procdemo's own
# code at opt-level 0).
# Usage: benches/watch.sh [N] [ROUNDS]   (needs cc, make, strace, a built procdemo)
set -eu
n=${1:-3000}
rounds=${2:-7}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROCDEMO_WATCH_BIN:-$here/target/release/procdemo}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
echo "procdemo watch: $bin"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/forks.c" <<'C'
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    for (int i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0) _exit(i % 128);
        waitpid(c, NULL, 0);
    }
    return 0;
}
C
cc -O2 -o "$dir/forks" "$dir/forks.c"
# Wall time of a command in milliseconds (the shell's clock: date +%s%N).
ms() {
    t0=$(date +%s%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
measure() {
    name=$1; shift
    : > "$dir/bare"; : > "$dir/strace"; : > "$dir/watch"
    i=0
    while [ $i -lt "$rounds" ]; do
        b=$(ms "$@")
        s=$(ms strace -f -qq -e trace=process -o /dev/null "$@")
        w=$(ms "$bin" watch -o /dev/null -- "$@")
        echo "$name, round $((i + 1)): bare ${b} ms, strace ${s} ms, watch ${w} ms"
        echo "$b" >> "$dir/bare"; echo "$s" >> "$dir/strace"; echo "$w" >> "$dir/watch"
        i=$((i + 1))
    done
    b=$(median "$dir/bare"); s=$(median "$dir/strace"); w=$(median "$dir/watch")
    echo "$name, median of $rounds rounds: bare ${b} ms, strace -f ${s} ms, watch ${w} ms"
    awk -v b="$b" -v s="$s" -v w="$w" 'BEGIN { printf "  watch/strace %.2fx, watch/bare %.2fx\n", w / s, w / b }'
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
measure "$n forks" "$dir/forks" "$n"
mkdir -p "$dir/project"
i=0
while [ $i -lt 40 ]; do
    printf 'int f%d(int x) { return x * %d + 1; }\n' "$i" "$i" > "$dir/project/f$i.c"
    i=$((i + 1))
done
printf 'int main(void) { return 0; }\n' > "$dir/project/main.c"
printf 'SRC := $(wildcard *.c)\nprog: $(SRC:.c=.o)\n\t$(CC) -o $@ $^\n%%.o: %%.c\n\t$(CC) -O1 -c $<\n' > "$dir/project/Makefile"
measure "make -B -j2 (41 files)" make -s -B -j2 -C "$dir/project"
