# overcommit.awk — user/overcommit.c's results against Linux's
# __vm_enough_memory, worked out from the inputs it printed:
#   mode 0: a request of RAM + swap pages is accepted, one page more refused;
#   mode 1: 1 TiB accepted; touching twice the RAM ends in an OOM kill;
#   mode 2: CommitLimit = RAM * overcommit_ratio / 100 + swap (pages, rounded
#           down), or overcommit_kbytes + swap; a request of N pages is
#           accepted while Committed_AS + N < CommitLimit - min(total_vm / 32,
#           user_reserve_kbytes / 4) (root: no admin reserve), so the
#           largest accepted is that bound - Committed_AS - 1, and it can be
#           touched page by page without a fault too many.
# Prints "ok NAME" or "bad NAME: ..." per check.
function num(s) { gsub(/[^0-9]/, "", s); return s + 0 }
/^MemTotal: / && !memtotal { memtotal = $2 }
/^overcommit: MemTotal / { ram = $3; swap = $6; ratio = $9; want("ram", ram * 4, memtotal) }
/^overcommit: mode 0 \(heuristic\): RAM \+ swap = / { want("mode0-ram+swap", $9 " " $11, ram + swap " accepted") }
/^overcommit: mode 0 \(heuristic\): RAM \+ swap \+ 1 = / { want("mode0-ram+swap+1", $11 " " $13 " " $14 " " $15, ram + swap + 1 " Cannot allocate memory") }
/^overcommit: mode 1 \(always\): 1 TiB/ { want("mode1-1tib", $NF, "accepted") }
/^overcommit: mode 1 \(always\): a child touching/ { want("mode1-touch", $(NF - 4) " " $(NF - 3) " " $(NF - 2) " " $(NF - 1), "killed by signal 9") }
/^Out of memory: Killed process [0-9]+ \(overcommit\)/ { oom++ }
/^overcommit: mode 2 \(.*\): CommitLimit / {
	split($0, a, ": ")
	how = a[2]
	match($0, /CommitLimit [0-9]+/); limit = num(substr($0, RSTART, RLENGTH))
	match($0, /Committed_AS [0-9]+/); committed = num(substr($0, RSTART, RLENGTH))
	match($0, /VmSize [0-9]+/); vmsize = num(substr($0, RSTART, RLENGTH))
	match($0, /user_reserve_kbytes [0-9]+/); reserve = num(substr($0, RSTART, RLENGTH))
	match($0, /accepted [0-9]+ pages/); largest = num(substr($0, RSTART, RLENGTH))
	if (how ~ /ratio/) want("mode2-commitlimit-ratio", limit, (int(ram * ratio / 100) + swap) * 4)
	else want("mode2-commitlimit-kbytes", limit, 16384 + swap * 4)
	tvm = int(vmsize / 4 / 32); res = int(reserve / 4)
	allowed = limit / 4 - (tvm < res ? tvm : res)
	want("mode2-largest (" how ")", largest, allowed - committed / 4 - 1)
	want("mode2-largest+1 (" how ")", $0 ~ /pages: Cannot allocate memory$/, 1)
	last_largest = largest
	nmode2++
}
/^overcommit: mode 2 \(.*\): touched all / { want("mode2-touch", $8 " " $NF, last_largest " +" last_largest) }
/^== the kernel is still up/ { up = 1 }
/^init: exited with status 0/ { clean = 1 }
END {
	want("mode2-cases", nmode2, 2)
	want("mode1-oom-kill", oom, 1)
	want("kernel-up", up clean, "11")
}
