# oom.awk — each OOM kill against Linux's oom_badness, worked out from the
# kernel's own task table (mm/oom_kill.c dump_tasks, memory in pages):
#   badness = rss + swapents + pgtables_bytes / 4096
#             + oom_score_adj * (totalpages / 1000)   (Linux divides first)
# with totalpages = MemTotal + SwapTotal in pages (the first meminfo the
# script printed); -1000 is never chosen; among equal scores the later
# task in the table wins.  The "Out of memory: Killed process" line must
# name that task with the table's numbers in kB; the OOM reaper must reap
# it.  oomtest's oom_score lines must equal (1000 + badness * 1000 /
# totalpages) * 2 / 3 of the VmRSS, VmPTE, VmSwap it printed, its
# predicted victim must be the one killed, and the kernel must still run
# the rest of the script.  Prints "ok NAME" or "bad NAME: ...".
function num(s) { gsub(/[^0-9-]/, "", s); return s + 0 }
/^MemTotal: / && !memtotal { memtotal = $2 }
/^SwapTotal: / && swaptotal == "" { swaptotal = $2 }
/^Tasks state \(memory values in pages\):/ { intable = 1; best = ""; bestpts = ""; next }
intable && /^\[  pid  \]/ { next }
intable && /^\[/ {
	line = $0; gsub(/[\[\]]/, " ", line); split(line, f, " ")
	totalpages = (memtotal + swaptotal) / 4
	if (f[11] + 0 == -1000) next
	pts = f[5] + f[10] + int(f[9] / 4096) + f[11] * int(totalpages / 1000)
	if (bestpts == "" || pts >= bestpts) {
		bestpts = pts; best = f[1]
		b_tvm = f[4] * 4; b_anon = f[6] * 4; b_file = f[7] * 4; b_shmem = f[8] * 4
		b_pt = int(f[9] / 1024); b_adj = f[11]
	}
	next
}
intable && /^oom-kill:/ { intable = 0 }
/^Out of memory: Killed process / {
	kills++
	want("victim-" kills, $6, best)
	want("report-" kills, $8 " " $9 " " $10 " " $11 " " $13 " " $14,
	     "total-vm:" b_tvm "kB, anon-rss:" b_anon "kB, file-rss:" b_file "kB, shmem-rss:" b_shmem "kB, pgtables:" b_pt "kB oom_score_adj:" b_adj)
	victim[kills] = $6
}
/^oom_reaper: reaped process / { reaped[$4 + 0] = 1 }
/^sh: memhog \(pid [0-9]+\) killed by signal 9/ { memhog_killed = 1 }
/^oomtest: child [A-D] pid / {
	totalpages = (memtotal + swaptotal) / 4
	rss = num($7); pte = num($10); swp = num($13); adj = num($16); score = num($18)
	if (adj == -1000) expect = 0
	else {
		bad = rss / 4 + swp / 4 + pte / 4 + adj * int(totalpages / 1000)
		expect = int((1000 + int(bad * 1000 / totalpages)) * 2 / 3)
	}
	want("oom_score-" $3, score, expect)
}
/^oomtest: the highest oom_score is pid / { predicted = num($7) }
/^oomtest: child [A-D] \(pid [0-9]+\) killed by signal 9 \(SIGKILL\): as predicted$/ { as_predicted = num($5) }
/^== oom_score_adj from the shell/ { adjphase = 1 }
adjphase && /^-?[0-9]+$/ { adjs = adjs " " $1 }
adjphase && /^sh: \/proc\/self\/oom_score_adj: Invalid argument$/ { einval = 1 }
/^== oomtest/ { adjphase = 0 }
/^== the kernel is still up/ { up = 1 }
/^init: exited with status 0$/ { clean = 1 }
END {
	want("kills", kills, 2)
	want("memhog-killed", memhog_killed, 1)
	want("oomtest-victim", victim[2], predicted)
	want("oomtest-as-predicted", as_predicted, predicted)
	for (k = 1; k <= kills; k++) want("reaped-" k, reaped[victim[k]], 1)
	want("oom_score_adj-shell", adjs, " 500 0")
	want("oom_score_adj-range", einval, 1)
	want("kernel-up", up clean, "11")
}
