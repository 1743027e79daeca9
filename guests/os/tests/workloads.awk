# workloads.awk — the numbers issue 5 promises, worked out from the sizes
# the workloads print and checked against what they measured:
#   demand  MIB MiB = P pages: read and write phases each exactly P minor
#           faults; RSS +0 KiB in the read phase, in the write phase the
#           whole P * 4 KiB less at most 64 pages (Linux keeps the peak RSS
#           of the image before execve, the forking shell's copy);
#   cow     N pages: the child's reads 0 faults, its writes of every other
#           page exactly ceil(N/2) COW faults, the parent's rewrite N;
#   brk     sbrk(+256 KiB) then first touch: 64 faults, sbrk(-128 KiB),
#           sbrk(+128 KiB): 32 faults;
#   segv    4 of 4 children killed by SIGSEGV.
# Prints "ok NAME" or "bad NAME: ..." per check; the caller wants no "bad".
function want(name, got, expected) {
	if (got == expected) print "ok " name
	else print "bad " name ": got " got ", expected " expected
}
# The number after "KEY +" in the current line.
function val(key) { if (!match($0, key " \\+[0-9]+")) return "none"; return substr($0, RSTART + length(key) + 2, RLENGTH - length(key) - 2) + 0 }
/^demand: mmap [0-9]+ MiB = / { mib = $3; pages = mib * 1048576 / 4096; want("demand-pages", $6, pages) }
/^demand: read: / { want("demand-read-minflt", val("minflt"), pages); want("demand-read-rss", val("maxrss"), 0) }
/^demand: write: / {
	want("demand-write-minflt", val("minflt"), pages)
	rss = val("maxrss")
	want("demand-write-rss", rss <= pages * 4 && rss >= pages * 4 - 256, 1)
}
/^cow: parent wrote [0-9]+ pages: / { n = $4 }
/^cow: child read / { want("cow-child-read-minflt", val("minflt"), 0) }
/^cow: child wrote / { want("cow-child-write-minflt", val("minflt"), int((n + 1) / 2)) }
/^cow: parent wrote [0-9]+ pages again/ { want("cow-parent-rewrite-minflt", val("minflt"), n) }
/^brk: first touch of / { want("brk-first-touch", val("minflt"), 256 * 1024 / 4096) }
/^brk: second touch/ { want("brk-second-touch", val("minflt"), 0) }
/^brk: sbrk\(\+128 KiB\) again/ { want("brk-regrow", val("minflt"), 128 * 1024 / 4096) }
/^segv: parent [0-9]+ alive/ { want("segv-killed", $5 " of " $7, "4 of 4") }
