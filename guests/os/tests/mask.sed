# What depends on the size of the kernel image (which changes with every
# edit of its code) is masked before the transcript is compared with
# NAME.expect; tests/integration/os.sh checks the buddyinfo lines by
# arithmetic instead.
s/^\(memblock: reserved \[mem 0x0000000000100000-\)0x[0-9a-f]*\] kernel image/\1...] kernel image/
s/^Memory: [0-9]*K\/\([0-9]*K\) available .*/Memory: ...K\/\1 available .../
s/^\(zone [A-Za-z0-9]* *present *[0-9]*\) managed.*/\1 managed .../
s/^Node 0, zone .*/Node 0, zone .../
s/^\(free frames after the self-tests:\) [0-9]*/\1 .../
s/^\(R[A-Z0-9][A-Z0-9]\|CR2\): .*/\1: .../
s/ffffffff8[0-9a-f]\{7\}/ffffffff8.../g
s/PTE [0-9a-f]*/PTE .../
s/^Command line: [^ ]*/Command line: KERNEL/
# PCID and INVPCID: mmulab has them, QEMU's TCG not (arch/x86/tlb.c).
s/^TLB: .*INVPCID; /TLB: ...; /
