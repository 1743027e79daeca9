# oom.sh: the OOM killer without swap — memhog alone, then oomtest's
# victim chosen by oom_score_adj; oom_score_adj from the shell.
meminfo
echo "== memhog of almost all the RAM, no swap"
memhog 59m
echo "== oom_score_adj from the shell (cat inherits it)"
echo 500 > /proc/self/oom_score_adj
cat /proc/self/oom_score_adj
echo 2000 > /proc/self/oom_score_adj
echo 0 > /proc/self/oom_score_adj
cat /proc/self/oom_score_adj
echo "== oomtest"
oomtest
echo "== the kernel is still up"
vmstat
