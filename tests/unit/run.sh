#!/bin/sh
# Unit-test tier: run every check program under $1/tests/unit and turn each
# check result line into PASS/FAIL.  A program that exits non-zero without
# reporting a failed test (a crash) counts as one failure of its own.
dir="$1/tests/unit"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	CK_VERBOSITY=verbose CK_FORK=yes "$t" >"$tmp" 2>&1
	rc=$?
	sed -n -e "s/^[^:]*:[0-9]*:P:\([^:]*\):\([^:]*\):.*/PASS unit $name \1.\2/p" \
	       -e "s/^[^:]*:[0-9]*:[FE]:\([^:]*\):\([^:]*\):[0-9]*: *\(.*\)/FAIL unit $name \1.\2: \3/p" "$tmp"
	if [ $rc -ne 0 ] && ! grep -q ':[FE]:' "$tmp"; then
		echo "FAIL unit $name: exited with status $rc"
		tail -5 "$tmp"
	fi
	if ! grep -q ':[PFE]:' "$tmp"; then
		echo "FAIL unit $name: reported no results (does it run with CK_ENV?)"
	fi
done
exit 0
