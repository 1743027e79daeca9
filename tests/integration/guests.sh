#!/bin/sh
# Guest-kernel tier: boot every test kernel $1/guests/tests/NAME.elf and
# compare what it prints on COM1 plus its exit status with the transcript
# guests/tests/NAME.expect (whose last line is "exit status: N").
#   PASS|FAIL|SKIP guest NAME mmulab        mmulab against NAME.expect
#   PASS|FAIL|SKIP guest NAME qemu          QEMU against NAME.qemu.expect if
#                                           present (QEMU 7.2 departs from the
#                                           SDM there), else NAME.expect
#   PASS|FAIL|SKIP guest NAME same-as-qemu  mmulab's and QEMU's transcripts equal
# On a mismatch the first lines of the diff follow the FAIL line.
build="$1"
mmulab="$build/mmulab"
timeout_s=60
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

qemu=$(command -v qemu-system-x86_64 2>/dev/null)

# run_kernel OUT CMD...: stdout and "exit status: N" into OUT, stderr into OUT.err.
run_kernel() {
	out="$1"
	shift
	"$@" >"$out" 2>"$out.err" </dev/null
	rc=$?
	echo "exit status: $rc" >>"$out"
}

# compare NAME WHAT EXPECTED GOT
compare() {
	if cmp -s "$3" "$4"; then
		echo "PASS guest $1 $2"
	else
		echo "FAIL guest $1 $2"
		diff -u "$3" "$4" | sed -n '3,22p' | sed 's/^/    /'
		if [ -s "$4.err" ]; then
			echo "    stderr:"
			tail -n 5 "$4.err" | sed 's/^/    /'
		fi
	fi
}

found=0
for k in "$build"/guests/tests/*.elf; do
	[ -f "$k" ] || continue
	found=1
	name=$(basename "$k" .elf)
	expect="guests/tests/$name.expect"
	qexpect="guests/tests/$name.qemu.expect"
	if [ ! -f "$expect" ]; then
		echo "SKIP guest $name (no $expect)"
		continue
	fi

	if [ -x "$mmulab" ]; then
		run_kernel "$tmp/$name.mmulab" "$mmulab" --timeout "$timeout_s" "$k"
		compare "$name" mmulab "$expect" "$tmp/$name.mmulab"
	else
		echo "SKIP guest $name mmulab (no $mmulab)"
	fi

	if [ -z "$qemu" ]; then
		echo "SKIP guest $name qemu (qemu-system-x86_64 not installed)"
		echo "SKIP guest $name same-as-qemu (qemu-system-x86_64 not installed)"
		continue
	fi
	run_kernel "$tmp/$name.qemu" timeout "$timeout_s" "$qemu" -accel tcg -cpu max -kernel "$k" \
		-serial stdio -display none -no-reboot -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=4
	if [ -f "$qexpect" ]; then
		compare "$name" qemu "$qexpect" "$tmp/$name.qemu"
		echo "SKIP guest $name same-as-qemu (QEMU 7.2 departs from the SDM here: see $qexpect)"
	else
		compare "$name" qemu "$expect" "$tmp/$name.qemu"
		if [ -x "$mmulab" ]; then
			compare "$name" same-as-qemu "$tmp/$name.qemu" "$tmp/$name.mmulab"
		else
			echo "SKIP guest $name same-as-qemu (no $mmulab)"
		fi
	fi
done
[ "$found" = 1 ] || echo "SKIP guest kernels (none built under $build/guests/tests)"
exit 0
