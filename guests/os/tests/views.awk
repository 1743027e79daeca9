# views.awk — the memory views of user/demo.sh checked by arithmetic:
#   meminfo  MemTotal is every frame the buddy allocator was given: the
#            usable frames of the memory map less the memblock
#            reservations, in kB (the caller passes it as -v total=KB,
#            summed from buddyinfo.awk's free lists at boot);
#   ps/pmap  init (pid 1, waiting for the shell) has the same VSZ and RSS
#            in `ps` as the totals of `pmap 1`.
# Prints "ok NAME" or "bad NAME: ..." per check; the caller wants no "bad".
/^MemTotal: / { want("meminfo-memtotal", $2, total) }
/^    PID COMMAND / { inps = 1; next }
inps && $1 == 1 && $2 == "init" { vsz = $3; rss = $4 }
/^1:   init$/ { inps = 0; inpmap = 1 }
inpmap && /^total kB / { want("pmap-ps-vsz", $3, vsz); want("pmap-ps-rss", $4, rss); inpmap = 0 }
