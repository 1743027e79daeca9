#!/bin/sh
# Save what a fuzz run found.  The saved corpus becomes: the hand-written
# seeds (seed-*), plus the smallest set of inputs from the saved corpus and
# the work corpus that keeps all their coverage (libFuzzer -merge=1 into an
# empty folder), smallest first, at most `keep` files in all.
#   sh tests/fuzz/save.sh FUZZER WORK_CORPUS SAVED_CORPUS [keep]
bin=$1 work=$2 saved=$3 keep=${4:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/merged" "$tmp/new" "$saved"
"$bin" -merge=1 "$tmp/merged" "$saved" "$work" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; echo "fuzz: merge failed" >&2; exit 1; }
# libFuzzer names merged inputs by the SHA-1 of their content.
seeds=$(cd "$saved" && for f in seed-*; do [ -e "$f" ] && sha1sum "$f"; done | cut -d' ' -f1)
n=$(ls "$saved" | grep -c '^seed-')
for f in $(ls -Sr "$tmp/merged"); do
	echo "$seeds" | grep -qx "$f" && continue
	[ "$n" -ge "$keep" ] && break
	cp "$tmp/merged/$f" "$tmp/new/$f"
	n=$((n + 1))
done
before=$(ls "$saved" | wc -l)
find "$saved" -type f ! -name 'seed-*' -delete
cp "$tmp/new"/* "$saved"/ 2>/dev/null
echo "fuzz: $saved now holds $(ls "$saved" | wc -l) inputs (was $before)"
