#!/bin/sh
# Save what a fuzz run found: the inputs of the work corpus that add
# coverage beyond the saved corpus are copied into it, smallest first,
# until it holds `keep` files.
#   sh tests/fuzz/save.sh FUZZER WORK_CORPUS SAVED_CORPUS [keep]
bin=$1 work=$2 saved=$3 keep=${4:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/merged" "$saved"
cp "$saved"/* "$tmp/merged/" 2>/dev/null
"$bin" -merge=1 "$tmp/merged" "$work" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; echo "fuzz: merge failed" >&2; exit 1; }
room=$((keep - $(ls "$saved" | wc -l)))
added=0
for f in $(ls -Sr "$tmp/merged"); do
	[ -e "$saved/$f" ] && continue
	[ "$added" -ge "$room" ] && break
	cp "$tmp/merged/$f" "$saved/$f"
	added=$((added + 1))
done
echo "fuzz: saved $added new inputs ($(ls "$saved" | wc -l) in $saved)"
