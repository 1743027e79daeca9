#!/bin/sh
# Run every test tier (one shell command each) and sum them.  A tier prints
#   PASS name | FAIL name [why] | SKIP name [why]
# lines among anything else and exits 0; a tier that exits non-zero has
# crashed and counts as one more failure.  Ends with
#   N passed, N failed, N skipped
# and a non-zero status when anything failed.
out=$(mktemp)
one=$(mktemp)
trap 'rm -f "$out" "$one"' EXIT
for tier in "$@"; do
	echo "== $tier"
	sh -c "$tier" >"$one" 2>&1
	rc=$?
	cat "$one"
	cat "$one" >>"$out"
	if [ $rc -ne 0 ]; then
		echo "FAIL tier '$tier' exited with status $rc" | tee -a "$out"
	fi
done
pass=$(grep -c '^PASS ' "$out")
fail=$(grep -c '^FAIL ' "$out")
skip=$(grep -c '^SKIP ' "$out")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
