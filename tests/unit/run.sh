#!/bin/sh
# Unit-test tier: run every check program under $1/tests/unit and turn each
# check result line into PASS/FAIL.
dir="$1/tests/unit"
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	CK_VERBOSITY=verbose CK_FORK=yes "$t" 2>&1 |
		sed -n -e 's/^[^:]*:[0-9]*:P:\([^:]*\):\([^:]*\):.*/PASS unit \1.\2/p' \
		       -e 's/^[^:]*:[0-9]*:[FE]:\([^:]*\):\([^:]*\):[0-9]*: *\(.*\)/FAIL unit \1.\2: \3/p'
done
exit 0
