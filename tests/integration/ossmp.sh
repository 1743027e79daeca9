#!/bin/sh
# Guest-OS SMP tier (issue 7): threads, PCIDs and TLB shootdowns.
#   sh tests/integration/ossmp.sh BUILD_DIR
# Boots $1/guests/os/kernel.bin with initrd.cpio running user/smp.sh
# (threads, mmapstorm 200000, pcidswitch, tlbstale) at -smp 1, 2 and 4:
#   smp-N mmulab       the CPU and TLB lines of the boot and everything the
#                      workloads print, exactly guests/os/tests/smp-N.expect
#                      (mmulab is deterministic: the counters are in it)
#   smp-N numbers-W    the numbers checked by guests/os/tests/smp.awk from
#                      the sizes and the PCID slots, every check made
#                      (25 at -smp 1, where tlbstale has no second CPU;
#                      30 above) and none bad (W: mmulab, qemu)
#   smp-N qemu         QEMU's transcript equals mmulab's once what depends
#                      on timing or on PCID is masked (mask-timing.sed)
#   determinism        -smp 4 twice: byte-identical output
#   tlbstale-skip-W    tlb.skip_shootdown=1 at -smp 2: the stale read is
#                      reported (mmulab, qemu)
#   mmapstorm-skip     tlb.skip_shootdown=5 at -smp 4: mmapstorm detects it
# Runs on mmulab end with --max-insns, never with a clock.
build="$1"
mmulab="$build/mmulab"
kernel="$build/guests/os/kernel.bin"
initrd="$build/guests/os/initrd.cpio"
dir=guests/os/tests
reads=200000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu=$(command -v qemu-system-x86_64 2>/dev/null)

if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
	echo "FAIL ossmp: no $kernel or $initrd"
	exit 0
fi
if [ ! -x "$mmulab" ]; then
	echo "SKIP ossmp (no $mmulab)"
	exit 0
fi

run_mmulab() {	# out smp append
	"$mmulab" --max-insns 6000000000 -smp "$2" -m 128 -append "$3" -initrd "$initrd" "$kernel" \
		>"$1" 2>"$1.err" </dev/null
	echo "exit status: $?" >>"$1"
}

run_qemu() {	# out smp append
	timeout 300 "$qemu" -accel tcg -cpu max -smp "$2" -m 128 -kernel "$kernel" -append "$3" -initrd "$initrd" \
		-serial stdio -display none -no-reboot -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$1" 2>"$1.err" </dev/null
	echo "exit status: $?" >>"$1"
}

# The part of a transcript issue 7 owns: CPUs, TLB, the workloads' output.
extract() {
	sed -n -e '/^TLB: /p' -e '/^smp: /p' -e '/^tlb: /p' -e '/^Run \/bin\/init/,/^init: exited/p' \
		-e '/^exit status: /p' "$1"
}

numbers() {	# name who file checks awk-args...: all `checks` of smp.awk made, none bad
	name=$1 who=$2 file=$3 want=$4
	shift 4
	awk "$@" -f "$dir/check.awk" -f "$dir/smp.awk" "$file" >"$file.numbers"
	if [ "$(grep -c '^ok ' "$file.numbers")" -eq "$want" ] && ! grep -q '^bad ' "$file.numbers"; then
		echo "PASS ossmp $name numbers-$who ($want checks)"
	else
		echo "FAIL ossmp $name numbers-$who ($(grep -c '^ok ' "$file.numbers") of $want checks ok)"
		grep -v '^ok ' "$file.numbers" | sed 's/^/    /'
		tail -n 5 "$file.err" 2>/dev/null | sed 's/^/    /'
	fi
}

same() {	# name want got
	if cmp -s "$2" "$3"; then
		echo "PASS ossmp $1"
	else
		echo "FAIL ossmp $1"
		diff -u "$2" "$3" | sed -n '3,22p' | sed 's/^/    /'
	fi
}

for n in 1 2 4; do
	run_mmulab "$tmp/m$n" "$n" "script=/smp.sh"
	extract "$tmp/m$n" >"$tmp/m$n.x"
	same "smp-$n mmulab" "$dir/smp-$n.expect" "$tmp/m$n.x"
	checks=$([ "$n" = 1 ] && echo 25 || echo 30)
	numbers "smp-$n" mmulab "$tmp/m$n" "$checks" -v cpus="$n" -v reads="$reads"
	if [ -z "$qemu" ]; then
		echo "SKIP ossmp smp-$n qemu (qemu-system-x86_64 not installed)"
		continue
	fi
	run_qemu "$tmp/q$n" "$n" "script=/smp.sh"
	numbers "smp-$n" qemu "$tmp/q$n" "$checks" -v cpus="$n" -v reads="$reads"
	extract "$tmp/q$n" | sed -f "$dir/mask.sed" | sed -f "$dir/mask-timing.sed" >"$tmp/q$n.x"
	sed -f "$dir/mask.sed" "$tmp/m$n.x" | sed -f "$dir/mask-timing.sed" >"$tmp/m$n.y"
	same "smp-$n qemu" "$tmp/m$n.y" "$tmp/q$n.x"
done

run_mmulab "$tmp/again" 4 "script=/smp.sh"
same determinism "$tmp/m4" "$tmp/again"

# One shootdown left out on purpose: tlbstale alone as init, then mmapstorm.
append="init=/bin/tlbstale script= tlb.skip_shootdown=1"
run_mmulab "$tmp/skip" 2 "$append"
numbers tlbstale-skip mmulab "$tmp/skip" 7 -v cpus=2 -v skip=1
if [ -n "$qemu" ]; then
	run_qemu "$tmp/qskip" 2 "$append"
	numbers tlbstale-skip qemu "$tmp/qskip" 7 -v cpus=2 -v skip=1
fi
run_mmulab "$tmp/storm" 4 "init=/bin/mmapstorm script= tlb.skip_shootdown=5"
numbers mmapstorm-skip mmulab "$tmp/storm" 9 -v cpus=4 -v reads="$reads" -v stale=1
exit 0
