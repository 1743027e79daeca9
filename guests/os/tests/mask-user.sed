# What moves when the user programs or their C library change (code and
# data sizes, stack frames) is masked in the transcripts of runs with an
# initrd, after mask.sed; the numbers the workloads measure stay, and
# tests/integration/os.sh checks them by arithmetic too (workloads.awk).
# The number of files in the archive changes with every program added.
s/^\(RAMDISK: \[mem \).*/\1...]/
s/^\(memblock: reserved \[mem \).*\] initrd/\1...] initrd/
s/0x4[0-9a-f]\{5\}\([^0-9a-f]\)/0x4.....\1/g
s/0x4[0-9a-f]\{5\}$/0x4...../
s/^0000004[0-9a-f]\{5\}-0000004[0-9a-f]\{5\} /0000004.....-0000004..... /
s/ ip [0-9a-f]* sp [0-9a-f]* / ip ... sp ... /
s/segfault at \(4\|7fff\)[0-9a-f]* /segfault at \1... /
s/ in \([a-z]*\)\[401000+[0-9a-f]*\]$/ in \1[401000+...]/
s/^\(7fffffff[0-9a-f]\{4\}-7fffffff\)[0-9a-f]\{4\} rw-p \[stack\]/\1.... rw-p [stack]/
s/^\(demand: write: minflt +[0-9]*, maxrss +\)[0-9]* KiB/\1... KiB/
s/^vmstat: .*/vmstat: .../
s/^\(frames [a-z -]*:\) .*/\1 .../
# the memory views of demo.sh: meminfo (KernelStack counts tasks and
# stays), vmstat, ps (pid and name stay), pmap -x (the stack's line stays
# apart from the figures); views.awk checks MemTotal and ps against pmap.
/^KernelStack:/!s/^\([A-Za-z_()]*: \{1,16\}\)[ 0-9]\{8\} kB$/\1     ... kB/
s/^\(nr_free_pages\|pgfault\|pgmajfault\|cow_fault\|zero_page_fault\|anon_fault\|file_fault\|nr_tlb_[a-z0-9_]*\) [0-9]*$/\1 .../
s/^\( *[0-9]\{1,7\} [a-z ]\{16\}\) [ 0-9]\{8\} [ 0-9]\{8\} [ 0-9]\{6\} [ 0-9]\{6\}$/\1      ...      ...    ...    .../
s/^\([0-9a-f]\{16\}\) [ 0-9]\{7\} [ 0-9]\{7\} [ 0-9]\{7\} \([-rwxs]\{5\} \)/\1     ...     ...     ... \2/
s/^00000000004[0-9a-f]\{5\} /00000000004..... /
s/^\(total kB         \).*/\1    ...     ...     .../
s/^\(Unpacking initramfs:\) [0-9]* files$/\1 ... files/
