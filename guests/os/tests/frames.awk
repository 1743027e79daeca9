# frames.awk — no frame leaks out of the processes: between the kernel's
# "frames before init" and "frames at power-off" lines (kernel/proc.c),
# the free frames may only have gone down by what the page cache and the
# slab caches grew, by init's own kernel stack (THREAD_SIZE, 4 frames:
# init is still running on it when it powers off) and by the stacks of the
# two kernel threads started with init (kswapd0, oom_reaper, 4 frames
# each, for good); every anonymous frame,
# page table and kernel stack the other processes took must be free again.
# Prints "ok" or "bad: ...".
BEGIN { init_stack = 4; kthread_stacks = 2 * 4 }
function field(name,   a) {
	match($0, name " [0-9]+")
	split(substr($0, RSTART, RLENGTH), a, " ")
	return a[length(a)] + 0
}
/^frames before init: / { free0 = field("free"); cache0 = field("cache"); slab0 = field("slab"); seen++ }
/^frames at power-off: / { free1 = field("free"); cache1 = field("cache"); slab1 = field("slab"); seen++ }
END {
	if (seen != 2)
		print "bad: the frames lines are missing"
	else if (free0 - free1 != (cache1 - cache0) + (slab1 - slab0) + init_stack + kthread_stacks)
		print "bad: " free0 - free1 " frames gone, page cache +" cache1 - cache0 ", slab +" slab1 - slab0 ", init's stack " init_stack ", kernel threads' stacks " kthread_stacks
	else
		print "ok"
}
