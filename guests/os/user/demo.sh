# demo.sh: the memory demonstrations of issue 5, one after the other.
# Run by the user-level shell (guests/os/user/sh.c): `init /demo.sh` at boot.
echo "== demand paging: 64 MiB, read then write one byte per page"
demand
echo "== copy-on-write after fork"
cow
echo "== the heap follows the program break"
brk
echo "== malloc: brk below 128 KiB, mmap above"
mmapthr
echo "== where everything lives"
maps
echo "== bad accesses kill only the process that made them"
segv
segv -x null
echo "== the shell survived"
echo "== the memory views, as /proc shows them"
meminfo
buddyinfo
vmstat
ps
pmap 1
