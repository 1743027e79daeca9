# What depends on the amount of free memory (and so on the size of the
# kernel and of the programs) in the memory-pressure transcripts of
# tests/integration/osmem.sh, masked after mask.sed and mask-user.sed; the
# numbers themselves are checked by arithmetic (oom.awk, overcommit.awk,
# swap.awk).  Kept: who ran, who was killed, pids, oom_score_adj, the
# fixed sizes (the swap disk, the pagecache file).
s/^\([a-z_]*\) [0-9]*$/\1 .../
s/^\(memhog: pass [0-9]*:\) .*, \([a-zA-Z ]*\)$/\1 ..., \2/
s/^\(memhog: [0-9]* pages\)/\1/
s/^\[ *\([0-9]*\)\] .* \(-*[0-9]*\) \([a-z_]*\)$/[\1] ... \2 \3/
s/^\(Out of memory: Killed process [0-9]* ([a-z_]*)\) .* \(oom_score_adj:-*[0-9]*\)$/\1 ... \2/
s/^\(oom_reaper: reaped process [0-9]* ([a-z_]*)\), .*/\1, .../
s/^active_anon:.*/active_anon:.../
s/^\(oomtest: child [A-D] pid [0-9]*:\) .*\(oom_score_adj -*[0-9]*\), oom_score [0-9]*$/\1 ... \2, oom_score .../
s/^\(oomtest: MemTotal\) [0-9]* pages/\1 ... pages/
s/^\(overcommit: MemTotal\) .*/\1 .../
s/^\(overcommit: mode [0-9] ([a-z_ 0-9]*):\) .*: \([A-Za-z ]*\)$/\1 ...: \2/
s/^\(overcommit: mode 2 ([a-z_ 0-9]*): touched all\) .*/\1 .../
s/^\(overcommit: back to mode 0, CommitLimit\) .*/\1 .../
s/^\(\/dev\/sda  *partition\t[0-9]*\t\t\)[0-9]*/\1.../
s/^\(overcommit: mode 1 (always): a child touching twice the RAM (\)[0-9]* pages)/\1... pages)/
