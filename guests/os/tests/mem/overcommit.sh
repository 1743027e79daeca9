# overcommit.sh: the three overcommit modes (user/overcommit.c), no swap.
meminfo
overcommit
echo "== the kernel is still up"
meminfo
