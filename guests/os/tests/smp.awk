# smp.awk — the numbers issue 7's workloads must show, worked out from the
# machine (-v cpus=N, the CPUs the kernel must have brought up), the sizes
# asked for (-v reads=R, mmapstorm's reads) and the PCID slots the kernel
# says it has, then checked against what the workloads printed
# (guests/os/user/smp.sh; tests/integration/ossmp.sh):
#   threads     every check of threads.c passed
#   mmapstorm   T = max(2, cpus) threads on min(T, cpus) = K CPUs; all R
#               reads checked, none stale; G = ceil(ceil(R / (T - 1)) / per)
#               generations (each reader reads `per` of each); the readers
#               spin on their CPUs for the whole measurement, so each of the
#               G - 1 replacements is one flush that needed other CPUs (none
#               when K = 1), sending an IPI to each of the K - 1 others,
#               each received once: ipis = remote_flush * (K - 1) = received;
#               the writer's own TLB flushes the region's pages one by one
#               each time
#   pcidswitch  P processes on one CPU with S PCID slots: P <= S: every
#               switch keeps its PCID (no flush, no slot taken over);
#               P > S: round-robin slots evict exactly the next process's,
#               so every switch takes a slot over and flushes; no PCID:
#               every switch flushes, no slots; at least ROUNDS * P switches
#               (each of the measuring child's yields goes round all P)
#   tlbstale    with 2 CPUs or more one shootdown IPI for the replacement
#               and no stale read; with -v skip=1 (tlb.skip_shootdown=1)
#               none sent, one skipped, the stale read reported; then, the
#               reader asleep on a lazy CPU: no IPI, one deferred flush when
#               it wakes, no stale read
#   stale       (-v stale=1: mmapstorm under tlb.skip_shootdown) the
#               skipped shootdown was detected
# Prints "ok NAME" or "bad NAME: ..." per check; the caller counts them.
# The number just before word w in the current line ("400 without" -> 400).
function before(w,   i) {
	for (i = 2; i <= NF; i++)
		if ($i == w) return $(i - 1) + 0
	return "none"
}
/^TLB: PCID \(/ { slots = substr($3, 2) + 0; pcid = 1 }
/^TLB: no PCID/ { slots = 0; pcid = 0 }
/^smp: Brought up / { want("cpus-up", $6, cpus) }
/^threads: [0-9]+ passed, / { want("threads-failed", before("failed"), 0); want("threads-passed", $2 >= 10, 1) }
/^mmapstorm: [0-9]+ threads / {
	t = (cpus < 2 ? 2 : cpus); k = (t < cpus ? t : cpus)
	want("mmapstorm-threads", $2, t)
	want("mmapstorm-cpus", before("CPU,") == "none" ? before("CPUs,") : before("CPU,"), k)
	want("mmapstorm-reads-asked", before("reads,"), reads)
	npages = match($0, /[0-9]+-page/) ? substr($0, RSTART, RLENGTH - 5) + 0 : "none"
	per = before("per")
	# Generations: the first (published before the readers start), then one
	# per READS_PER_GEN reads of the largest share of the reads.
	share = int((reads + t - 2) / (t - 1)); gens = int((share + per - 1) / per); if (gens < 1) gens = 1
}
/^mmapstorm: [0-9]+ generations/ {
	if (!stale) want("mmapstorm-generations", $2, gens)
	want("mmapstorm-reads-checked", before("reads"), reads)
	want(stale ? "mmapstorm-stale-detected" : "mmapstorm-stale", stale ? before("stale") > 0 : before("stale"), stale ? 1 : 0)
}
/^mmapstorm: shootdowns: / {
	split($0, f, "+"); flushes = f[2] + 0; ipis = f[3] + 0; received = f[4] + 0
	# Each replacement after the first is one shootdown reaching the k - 1
	# other CPUs (a skipped one is counted in neither).
	if (!stale) want("mmapstorm-remote-flushes", flushes, k > 1 ? gens - 1 : 0)
	want("mmapstorm-ipis-per-flush", ipis, flushes * (k - 1))
	want("mmapstorm-ipis-received", received, ipis)
}
/^mmapstorm: local flushes: / {
	split($0, f, "+")
	# The writer's own TLB: the region's pages one by one at each replacement.
	if (!stale) want("mmapstorm-local-flush-one", f[2] + 0, (gens - 1) * npages)
	want("mmapstorm-local-flush-all", f[3] + 0, 0)
}
/^pcidswitch: [0-9]+ processes on CPU [0-9]+, [0-9]+ rounds: / {
	p = $2; rounds = $7 + 0; sw = $9; kept = before("without"); fl = before("flushing,")
	rec = before("slot"); dfr = before("deferred")
	name = "pcidswitch-" p
	want(name "-switches", sw >= rounds * p, 1)
	want(name "-sum", kept + fl, sw)
	want(name "-deferred", dfr, 0)
	if (!pcid) { want(name "-noflush", kept, 0); want(name "-recycle", rec, 0) }
	else if (p <= slots) { want(name "-noflush", kept, sw); want(name "-recycle", rec, 0) }
	else { want(name "-noflush", kept, 0); want(name "-recycle", rec, sw) }
}
/^tlbstale: needs 2 CPUs/ { want("tlbstale-cpus", cpus < 2, 1) }
/^tlbstale: shootdown IPIs for the replacement: / {
	want("tlbstale-ipis", $7 + 0, skip ? 0 : 1)
	want("tlbstale-skipped", $NF + 0, skip ? 1 : 0)
}
/^tlbstale: the reader then read / { want("tlbstale-stale", before("stale"), skip ? 1 : 0) }
# The reader asleep: its CPU lazy, so no IPI; it catches up when woken.
/^tlbstale: the reader asleep / {
	want("tlbstale-lazy-ipis", before("deferred"), 0)
	want("tlbstale-lazy-deferred", $NF + 0, 1)
}
/^tlbstale: woken, the reader read / { want("tlbstale-lazy-stale", before("stale"), 0) }
