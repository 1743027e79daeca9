# wmark.sh: the watermarks as /proc/zoneinfo and the vm sysctls show them.
zoneinfo
meminfo
sysctl vm.min_free_kbytes vm.watermark_scale_factor vm.swappiness vm.page-cluster
