# swap.awk — swapping on a RAM far smaller than the working set, checked
# by what must hold whatever the timing: swapon's "Adding Nk swap" is the
# disk (-v disk_kb=) less its header page; memhog's every pass after the
# first found every word of every page as the pass before wrote it
# ("verified"), with major faults and swap-ins (the set does not fit);
# no swap checksum mismatch was reported (no "BUG:" line, swap_csum_errors
# 0); init ended cleanly.  Prints "ok NAME" or "bad NAME: ...".
/^Adding [0-9]+k swap on \/dev\/sda\./ { want("swapon", $2, (disk_kb - 4) "k") }
/^memhog: pass [0-9]+: / {
	pass = $3 + 0; passes++
	if (pass > 1) {
		want("pass" pass "-verified", $NF, "verified")
		want("pass" pass "-majflt", after("majflt") + 0 > 0, 1)
		want("pass" pass "-pswpin", after("pswpin") + 0 > 0, 1)
	}
	want("pass" pass "-pswpout", after("pswpout") + 0 > 0, 1)
}
/^BUG: / { bug++ }
/^swap_csum_errors / { csum = $2 }
/^swap_ra / { ra = $2 }
/^init: exited with status 0$/ { clean = 1 }
END {
	want("passes", passes, want_passes)
	want("no-bug", bug + 0, 0)
	want("swap_csum_errors", csum, 0)
	want("readahead", ra > 0, 1)
	want("clean-exit", clean, 1)
}
