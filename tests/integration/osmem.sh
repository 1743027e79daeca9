#!/bin/sh
# Memory-pressure tier of the guest OS (issue 8): watermarks, overcommit,
# the OOM killer, the page cache and swap, each booted on mmulab (ended by
# --max-insns, never by a clock) and on QEMU when installed, each result
# checked by arithmetic on what the run printed (guests/os/tests/*.awk:
# Linux's formulas worked out there, never copied from a run):
#   wmark-M      no initrd, -m M: the boot's zone watermarks (wmark.awk);
#                with vm.min_free_kbytes= and vm.watermark_scale_factor=
#   zoneinfo     /proc/zoneinfo and MemTotal against the boot's zones
#   overcommit   user/overcommit.c, modes 0, 1, 2 (overcommit.awk)
#   oom          memhog without swap, oom_score_adj from the shell, oomtest
#                (oom.awk: victim, report and oom_score by oom_badness)
#   pagecache    user/pagecache.c (pagecache.awk)
#   swap         -m 32, a 128 MiB swap disk made by mkswap here: memhog
#                96 MiB three times, every word checked (swap.awk)
#   thrash       -m 32, 64 MiB of swap: a working set of 9/8 of RAM three
#                times (thrash.awk)
#   writeback    user/writeback.c: dirty file pages through MAP_SHARED and
#                write(2), kept by drop_caches, written by sync, dropped,
#                read back (writeback.awk)
#   oom-smp2     oom at -smp 2 (oom.awk; mmulab only: timing on QEMU)
#   swap-smp2    -smp 2, -m 32: memhog 36 MiB twice while kswapd reclaims
#                on the other CPU (swap.awk); mmulab only: QEMU's TCG takes
#                minutes over it (kswapd and the faulting task hand
#                mmap_lock and TLB shootdowns back and forth)
# On mmulab the transcripts of overcommit, oom, pagecache and swap must
# also equal guests/os/tests/mem-NAME.expect (masked by mask.sed and
# mask-user.sed and mask-mem.sed): mmulab is deterministic, QEMU's timer is
# not.
#   PASS|FAIL|SKIP osmem NAME mmulab|qemu|numbers-mmulab|numbers-qemu
build="$1"
mmulab="$build/mmulab"
kernel="$build/guests/os/kernel.bin"
initrd="$build/guests/os/initrd-mem.cpio"
dir=guests/os/tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu=$(command -v qemu-system-x86_64 2>/dev/null)

if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
	echo "FAIL osmem: no $kernel or $initrd"
	exit 0
fi

# numbers NAME WHO OUT AWK [AWK-ARGS...]: the awk checks must all say ok.
numbers() {
	name="$1" who="$2" out="$3" prog="$4"
	shift 4
	awk "$@" -f "$dir/check.awk" -f "$dir/$prog" "$out" >"$out.numbers"
	if grep -q '^ok ' "$out.numbers" && ! grep -q '^bad' "$out.numbers"; then
		echo "PASS osmem $name numbers-$who"
	else
		echo "FAIL osmem $name numbers-$who"
		grep -v '^ok ' "$out.numbers" | head -n 12 | sed 's/^/    /'
		tail -n 8 "$out" | sed 's/^/    /'
	fi
}

# transcript NAME OUT: the masked mmulab transcript equals mem-NAME.expect.
transcript() {
	sed -f "$dir/mask.sed" "$2" | sed -f "$dir/mask-user.sed" | sed -f "$dir/mask-mem.sed" >"$2.masked"
	if cmp -s "$dir/mem-$1.expect" "$2.masked"; then
		echo "PASS osmem $1 mmulab"
	else
		echo "FAIL osmem $1 mmulab"
		diff -u "$dir/mem-$1.expect" "$2.masked" | sed -n '3,22p' | sed 's/^/    /'
	fi
}

# boot WHO OUT MEM APPEND [DISK] [initrd]: one run, "exit status: N" appended.
boot() {
	who="$1" out="$2" mem="$3" append="$4" disk="$5" rd="$6"
	set --
	[ -n "$rd" ] && set -- -initrd "$initrd"
	[ -n "$disk" ] && set -- "$@" -drive "file=$disk,format=raw,index=0"
	if [ "$who" = mmulab ]; then
		"$mmulab" --max-insns 30000000000 -smp "$smp" -m "$mem" -append "$append" "$@" "$kernel" \
			>"$out" 2>"$out.err" </dev/null
	else
		timeout 300 "$qemu" -accel tcg -cpu max -smp "$smp" -m "$mem" -kernel "$kernel" -append "$append" "$@" \
			-serial stdio -display none -no-reboot -monitor none \
			-device isa-debug-exit,iobase=0xf4,iosize=4 >"$out" 2>"$out.err" </dev/null
	fi
	echo "exit status: $?" >>"$out"
}

# each NAME MEM APPEND DISK-MB INITRD AWK [AWK-ARGS...]: boot on both (or
# on $whos), with $smp CPUs, check.
smp=1 whos="mmulab qemu"
each() {
	name="$1" mem="$2" append="$3" disk_mb="$4" rd="$5" prog="$6"
	shift 6
	for who in $whos; do
		if [ "$who" = mmulab ] && [ ! -x "$mmulab" ]; then
			echo "SKIP osmem $name mmulab (no $mmulab)"
			continue
		fi
		if [ "$who" = qemu ] && [ -z "$qemu" ]; then
			echo "SKIP osmem $name qemu (qemu-system-x86_64 not installed)"
			continue
		fi
		disk=""
		if [ -n "$disk_mb" ]; then
			disk="$tmp/$name.$who.img"
			dd if=/dev/zero of="$disk" bs=1048576 count="$disk_mb" 2>/dev/null
			mkswap "$disk" >/dev/null 2>&1
		fi
		boot "$who" "$tmp/$name.$who" "$mem" "$append" "$disk" "$rd"
		numbers "$name" "$who" "$tmp/$name.$who" "$prog" "$@"
		if [ -n "$rd" ] && [ "$who" = mmulab ] && [ -f "$dir/mem-$name.expect" ]; then
			transcript "$name" "$tmp/$name.$who"
		fi
		rm -f "$disk"
	done
}

for m in 32 64 128 512 1024; do
	each "wmark-$m" "$m" "" "" "" wmark.awk
done
each wmark-min_free_kbytes 128 "vm.min_free_kbytes=4096" "" "" wmark.awk
each wmark-scale_factor 512 "vm.watermark_scale_factor=200" "" "" wmark.awk
each zoneinfo 128 "script=/wmark.sh" "" initrd wmark.awk
each overcommit 128 "script=/overcommit.sh" "" initrd overcommit.awk
each oom 64 "script=/oom.sh" "" initrd oom.awk
each pagecache 64 "script=/pagecache.sh" "" initrd pagecache.awk
each writeback 64 "script=/writeback.sh" "" initrd writeback.awk
# At -smp 2 only mmulab: on QEMU the two vCPUs run in real time, and how
# many allocations fail before the victim's memory is back (so whether a
# second kill is needed) depends on that timing.
smp=2 whos=mmulab
each oom-smp2 64 "script=/oom.sh" "" initrd oom.awk
smp=1 whos="mmulab qemu"
if command -v mkswap >/dev/null; then
	each swap 32 "script=/swap.sh" 128 initrd swap.awk -v disk_kb=131072 -v want_passes=3
	each thrash 32 "script=/thrash.sh" 64 initrd thrash.awk
	smp=2 whos=mmulab
	each swap-smp2 32 "script=/swap-smp.sh" 128 initrd swap.awk -v disk_kb=131072 -v want_passes=2
	smp=1 whos="mmulab qemu"
else
	echo "SKIP osmem swap (no mkswap to prepare the swap disk)"
fi
exit 0
