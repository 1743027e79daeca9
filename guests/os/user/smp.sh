# smp.sh: threads, PCIDs and TLB shootdowns (issue 7), one after the other.
# Run by init at boot with -append "script=/smp.sh", at any -smp N.
echo "== threads: clone, futex, exit_group"
threads
echo "== TLB shootdowns: mmap MAP_FIXED storm, readers on the other CPUs"
mmapstorm 200000
echo "== PCID slots: processes switching on one CPU"
pcidswitch
echo "== a shootdown skipped on purpose reads stale data (with tlb.skip_shootdown=1)"
tlbstale
