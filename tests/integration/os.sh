#!/bin/sh
# Guest-OS tier: boot the kernel $1/guests/os/kernel.bin in each
# configuration below on mmulab (ended by --max-insns, never by a clock)
# and on QEMU when installed; compare the transcript plus "exit status: N",
# masked by guests/os/tests/mask.sed, with guests/os/tests/NAME.expect; and
# check the buddyinfo the kernel printed against the free lists worked out
# from the memory map and reservations it printed (buddyinfo.awk).  Cases
# with an initrd boot into a user program: their transcripts are also
# masked by mask-user.sed.  "demo" runs /bin/init /demo.sh from
# $1/guests/os/initrd.cpio, and the numbers the workloads measured are
# checked against the ones worked out from their sizes (workloads.awk:
# demand 16384 minor faults per phase, cow N/2 COW faults...), and its
# memory views by views.awk (MemTotal = the frames of the memory map less
# the reservations, ps against pmap); "sched"
# runs guests/os/tests/sched.c from initrd-test.cpio (preemption, kill,
# wait4).
#   PASS|FAIL|SKIP os NAME mmulab|qemu|buddyinfo-mmulab|buddyinfo-qemu|
#                          numbers-mmulab|numbers-qemu|views-mmulab|views-qemu|
#                          frames-mmulab|frames-qemu
build="$1"
mmulab="$build/mmulab"
kernel="$build/guests/os/kernel.bin"
dir=guests/os/tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu=$(command -v qemu-system-x86_64 2>/dev/null)

# NAME|-append|-m|initrd: the boot with self-tests, two memory sizes, each
# on-purpose crash (lkdtm.c), the workloads of user/demo.sh run by init
# from the initrd, and the scheduler test.
cases="boot||128|
boot-512m||512|
lkdtm-access-null|lkdtm=ACCESS_NULL|128|
lkdtm-write-ro|lkdtm=WRITE_RO|128|
lkdtm-write-kern|lkdtm=WRITE_KERN|128|
lkdtm-exec-data|lkdtm=EXEC_DATA|128|
lkdtm-exception|lkdtm=EXCEPTION|128|
demo|script=/demo.sh|128|initrd.cpio
sched|init=/bin/sched|128|initrd-test.cpio
vm|init=/bin/vm|128|initrd-test.cpio"

check() {	# NAME WHO OUT INITRD
	if [ -n "$4" ]; then
		sed -f "$dir/mask.sed" "$3" | sed -f "$dir/mask-user.sed" >"$3.masked"
	else
		sed -f "$dir/mask.sed" "$3" >"$3.masked"
	fi
	if [ -n "$4" ]; then
		if [ "$(awk -f "$dir/frames.awk" "$3")" = ok ]; then
			echo "PASS os $1 frames-$2"
		else
			echo "FAIL os $1 frames-$2"
			awk -f "$dir/frames.awk" "$3" | sed 's/^/    /'
		fi
	fi
	if [ "$4" = initrd.cpio ]; then
		awk -f "$dir/check.awk" -f "$dir/workloads.awk" "$3" >"$3.numbers"
		if [ "$(grep -c '^ok ' "$3.numbers")" -eq 12 ] && ! grep -q '^bad ' "$3.numbers"; then
			echo "PASS os $1 numbers-$2"
		else
			echo "FAIL os $1 numbers-$2"
			grep -v '^ok ' "$3.numbers" | sed 's/^/    /'
		fi
		total=$(awk -f "$dir/buddyinfo.awk" "$3" |
			awk '{ for (o = 0; o <= 10; o++) n += $(5 + o) * 2 ^ o } END { print n * 4 }')
		awk -v total="$total" -f "$dir/check.awk" -f "$dir/views.awk" "$3" >"$3.views"
		if [ "$(grep -c '^ok ' "$3.views")" -eq 3 ] && ! grep -q '^bad ' "$3.views"; then
			echo "PASS os $1 views-$2"
		else
			echo "FAIL os $1 views-$2"
			grep -v '^ok ' "$3.views" | sed 's/^/    /'
		fi
	fi
	if cmp -s "$dir/$1.expect" "$3.masked"; then
		echo "PASS os $1 $2"
	else
		echo "FAIL os $1 $2"
		diff -u "$dir/$1.expect" "$3.masked" | sed -n '3,22p' | sed 's/^/    /'
		tail -n 5 "$3.err" 2>/dev/null | sed 's/^/    /'
	fi
	if grep -q '^buddyinfo:$' "$3"; then
		awk -f "$dir/buddyinfo.awk" "$3" >"$3.want"
		sed -n '/^buddyinfo:$/,/^selftest/p' "$3" | grep '^Node 0' >"$3.got"
		if [ -s "$3.want" ] && cmp -s "$3.want" "$3.got"; then
			echo "PASS os $1 buddyinfo-$2"
		else
			echo "FAIL os $1 buddyinfo-$2"
			diff "$3.want" "$3.got" | sed 's/^/    /'
		fi
	fi
}

if [ ! -f "$kernel" ]; then
	echo "FAIL os: no $kernel"
	exit 0
fi
echo "$cases" | while IFS='|' read -r name append mem rd; do
	set --
	if [ -n "$rd" ]; then
		if [ ! -f "$build/guests/os/$rd" ]; then
			echo "FAIL os $name: no $build/guests/os/$rd"
			continue
		fi
		set -- -initrd "$build/guests/os/$rd"
	fi
	if [ -x "$mmulab" ]; then
		"$mmulab" --max-insns 2000000000 -m "$mem" -append "$append" "$@" "$kernel" \
			>"$tmp/$name.m" 2>"$tmp/$name.m.err" </dev/null
		echo "exit status: $?" >>"$tmp/$name.m"
		check "$name" mmulab "$tmp/$name.m" "$rd"
	else
		echo "SKIP os $name mmulab (no $mmulab)"
	fi
	if [ -z "$qemu" ]; then
		echo "SKIP os $name qemu (qemu-system-x86_64 not installed)"
		continue
	fi
	timeout 60 "$qemu" -accel tcg -cpu max -m "$mem" -kernel "$kernel" -append "$append" "$@" \
		-serial stdio -display none -no-reboot -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$tmp/$name.q" 2>"$tmp/$name.q.err" </dev/null
	echo "exit status: $?" >>"$tmp/$name.q"
	check "$name" qemu "$tmp/$name.q" "$rd"
done

# The console as a terminal user drives it: commands typed on the UART
# (here a pipe), `exit N` powering off with isa-debug-exit's status
# (N << 1) | 1; "script=" alone is an interactive shell, poweroff=0 gives
# one after the script.  The input starts with two empty lines: QEMU
# feeds the pipe in real time, and a byte that reaches the UART between
# the kernel's last read of RBR and its FIFO reset (serial.c) is lost, as
# on the hardware; mmulab feeds it on virtual time and loses nothing.
#   PASS|FAIL|SKIP os console-NAME mmulab|qemu
console() {	# NAME APPEND INPUT N WANT-LINE
	for who in mmulab qemu; do
		out="$tmp/console-$1.$who"
		if [ "$who" = mmulab ]; then
			printf "$3" | "$mmulab" --max-insns 4000000000 -m 128 -append "$2" \
				-initrd "$build/guests/os/initrd.cpio" "$kernel" >"$out" 2>&1
		elif [ -n "$qemu" ]; then
			printf "$3" | timeout 60 "$qemu" -accel tcg -cpu max -m 128 -kernel "$kernel" \
				-append "$2" -initrd "$build/guests/os/initrd.cpio" -serial stdio \
				-display none -no-reboot -monitor none \
				-device isa-debug-exit,iobase=0xf4,iosize=4 >"$out" 2>&1
		else
			echo "SKIP os console-$1 qemu (qemu-system-x86_64 not installed)"
			continue
		fi
		s=$?
		if [ $s -eq $(($4 * 2 + 1)) ] && grep -qx "$5" "$out" &&
		   grep -qx "init: exited with status $4" "$out"; then
			echo "PASS os console-$1 $who"
		else
			echo "FAIL os console-$1 $who (status $s, want $(($4 * 2 + 1)) and a line '$5')"
			tail -n 5 "$out" | sed 's/^/    /'
		fi
	done
}
console shell "script=" '\n\necho typed at the console\nexit 4\n' 4 'typed at the console'
console after-script "script=/demo.sh poweroff=0" '\n\nexit 5\n' 5 \
	'init: the script ended with status 0; an interactive shell follows (exit N powers off with status N)'
exit 0
