# thrash.awk — user/thrash.c with swap: every pass after the first faults
# pages back from swap (major faults, swap-ins) while reclaim writes others
# out; no page ever holds a value other than the one the previous pass
# wrote; no swap checksum mismatch; a clean power-off.  The counts depend
# on timing (kswapd runs when the scheduler lets it): only their signs are
# checked.  Prints "ok NAME" or "bad NAME: ...".
/^thrash: pass [0-9]+: / {
	pass = $3 + 0; passes++
	want("pass" pass "-pswpout", after("pswpout") + 0 > 0, 1)
	if (pass > 1) {
		want("pass" pass "-majflt", after("majflt") + 0 > 0, 1)
		want("pass" pass "-pswpin", after("pswpin") + 0 > 0, 1)
	}
}
/^thrash: [0-9]+ pages held the wrong value$/ { want("values", $2, 0) }
/^BUG: / { bug++ }
/^swap_csum_errors / { csum = $2 }
/^init: exited with status 0$/ { clean = 1 }
END {
	want("passes", passes, 3)
	want("no-bug", bug + 0, 0)
	want("swap_csum_errors", csum, 0)
	want("clean-exit", clean, 1)
}
