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
# The number after "KEY +" in the current line.
/^demand: mmap [0-9]+ MiB = / { mib = $3; pages = mib * 1048576 / 4096; want("demand-pages", $6, pages) }
/^demand: read: / { want("demand-read-minflt", after("minflt"), pages); want("demand-read-rss", after("maxrss"), 0) }
/^demand: write: / {
	want("demand-write-minflt", after("minflt"), pages)
	rss = after("maxrss")
	want("demand-write-rss", rss <= pages * 4 && rss >= pages * 4 - 256, 1)
}
/^cow: parent wrote [0-9]+ pages: / { n = $4 }
/^cow: child read / { want("cow-child-read-minflt", after("minflt"), 0) }
/^cow: child wrote / { want("cow-child-write-minflt", after("minflt"), int((n + 1) / 2)) }
/^cow: parent wrote [0-9]+ pages again/ { want("cow-parent-rewrite-minflt", after("minflt"), n) }
/^brk: first touch of / { want("brk-first-touch", after("minflt"), 256 * 1024 / 4096) }
/^brk: second touch/ { want("brk-second-touch", after("minflt"), 0) }
/^brk: sbrk\(\+128 KiB\) again/ { want("brk-regrow", after("minflt"), 128 * 1024 / 4096) }
/^segv: parent [0-9]+ alive/ { want("segv-killed", $5 " of " $7, "4 of 4") }
