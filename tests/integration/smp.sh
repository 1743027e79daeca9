#!/bin/sh
# Integration tier: the multiprocessor PC (issue 4).
#   sh tests/integration/smp.sh BUILD_DIR
#   smp-N          guests/tests/smp.elf with -smp N against smp.expect (its
#                  "# cpus: 1" line made "# cpus: N")
#   smp-qemu-N     the same kernel on QEMU with the same -smp, equal output
#   determinism    two runs of one multi-CPU command: equal stdout, equal
#                  --stats and -d log (host seconds and MIPS left out)
#   disk           guests/tests/disk.elf with a 4 MiB -drive against
#                  tests/integration/disk-drive.expect, then the image
#                  holds the records the guest wrote; on QEMU too, and the
#                  two images are equal
#   bad-*          one "mmulab: " line and status 2 for each bad input
# Prints PASS/FAIL/SKIP lines (tests/run.sh).
B=${1:-build}
MMULAB=$B/mmulab
SMP=$B/guests/tests/smp.elf
DISK=$B/guests/tests/disk.elf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
QEMU=$(command -v qemu-system-x86_64)

pass() { echo "PASS smp $1"; }
fail() { echo "FAIL smp $1: $2"; }
skip() { echo "SKIP smp $1 $2"; }

if [ ! -x "$MMULAB" ]; then
	fail binary "$MMULAB not built"
	exit 0
fi

qemu_run() { # out args...
	out=$1; shift
	timeout 120 "$QEMU" -accel tcg -cpu max -serial stdio -display none \
		-no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4 \
		"$@" >"$out" 2>"$out.err" </dev/null
	echo "exit status: $?" >>"$out"
}

mmulab_run() { # out args...
	out=$1; shift
	"$MMULAB" --timeout 120 "$@" >"$out" 2>"$out.err" </dev/null
	echo "exit status: $?" >>"$out"
}

same() { # name want got
	if cmp -s "$2" "$3"; then pass "$1"; else
		fail "$1" "$(diff "$2" "$3" | head -8 | tr '\n' '|') $(tail -3 "$3.err" 2>/dev/null | tr '\n' '|')"
	fi
}

# ---- the SMP kernel ----
if [ -f "$SMP" ]; then
	for n in 2 4 8 64; do
		sed "s/^# cpus: 1\$/# cpus: $n/" guests/tests/smp.expect >"$T/want$n"
		mmulab_run "$T/m$n" -smp "$n" "$SMP"
		same "smp-$n" "$T/want$n" "$T/m$n"
		if [ -n "$QEMU" ] && [ "$n" -le 8 ]; then
			qemu_run "$T/q$n" -smp "$n" -kernel "$SMP"
			same "smp-qemu-$n" "$T/m$n" "$T/q$n"
		fi
	done
	[ -n "$QEMU" ] || skip smp-qemu "qemu-system-x86_64 not installed"

	# Determinism: the same command line twice, with statistics and the
	# IPI log; only host time (seconds, MIPS) may differ.
	for r in 1 2; do
		"$MMULAB" -smp 4 --quantum 777 --stats -d ipi,irq -D "$T/log$r" "$SMP" \
			>"$T/d$r.out" 2>"$T/d$r.err" </dev/null
		echo "exit status: $?" >>"$T/d$r.out"
		sed 's/ in [0-9.]* s ([0-9.]* MIPS)//' "$T/d$r.err" >"$T/d$r.stats"
	done
	if cmp -s "$T/d1.out" "$T/d2.out" && cmp -s "$T/d1.stats" "$T/d2.stats" &&
	   cmp -s "$T/log1" "$T/log2" && grep -q "virtual time" "$T/d1.stats" &&
	   grep -q " ipi: " "$T/log1"; then
		pass determinism
	else
		fail determinism "$(diff "$T/d1.stats" "$T/d2.stats" | head -4 | tr '\n' '|')"
	fi
	# Waiting in HLT for the APIC timer and the PIT jumps virtual time.
	if grep -q "ticks, [1-9][0-9]* jumps;" "$T/d1.stats"; then pass time-jumps; else
		fail time-jumps "no jump in: $(grep 'virtual time' "$T/d1.stats")"; fi
	# Timers are relative to --ips: the same transcript at 1 and 4000
	# virtual MIPS.
	for ips in 1000000 4000000000; do
		mmulab_run "$T/i$ips" -smp 3 --ips $ips "$SMP"
		sed "s/^# cpus: 1\$/# cpus: 3/" guests/tests/smp.expect >"$T/want3"
		same "ips-$ips" "$T/want3" "$T/i$ips"
	done
else
	skip smp "$SMP not built"
fi

# ---- the disk kernel ----
record() { # lba: the 512 bytes the guest writes to that sector
	i=0
	while [ $i -lt 16 ]; do
		printf 'mmulab disk test, sector %06d\n' "$1"
		i=$((i + 1))
	done
}
image_ok() { # image
	for lba in 10 13 300 555 8189 8191; do
		record $lba >"$T/want.sec"
		dd if="$1" bs=512 skip=$lba count=1 2>/dev/null >"$T/got.sec"
		cmp -s "$T/want.sec" "$T/got.sec" || return 1
	done
	dd if="$1" bs=512 skip=9 count=1 2>/dev/null | cmp -s - "$T/zero.sec"
}
if [ -f "$DISK" ]; then
	head -c 512 /dev/zero >"$T/zero.sec"
	head -c 4194304 /dev/zero >"$T/m.img"
	mmulab_run "$T/md" -drive "file=$T/m.img,format=raw,index=0" \
		-append sectors=8192 "$DISK"
	same disk tests/integration/disk-drive.expect "$T/md"
	if image_ok "$T/m.img"; then pass disk-image; else fail disk-image "records missing"; fi
	if [ -n "$QEMU" ]; then
		head -c 4194304 /dev/zero >"$T/q.img"
		qemu_run "$T/qd" -drive "file=$T/q.img,format=raw,index=0" \
			-append sectors=8192 -kernel "$DISK"
		same disk-qemu "$T/md" "$T/qd"
		if cmp -s "$T/m.img" "$T/q.img"; then pass disk-image-same-as-qemu; else
			fail disk-image-same-as-qemu "images differ"; fi
	else
		skip disk-qemu "qemu-system-x86_64 not installed"
	fi
else
	skip disk "$DISK not built"
fi

# ---- bad input: status 2 and exactly one "mmulab: " line ----
K=${SMP}
[ -f "$K" ] || K=/dev/null
bad() { # name pattern args...
	name=$1; pat=$2; shift 2
	"$MMULAB" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -q '^mmulab: ' "$T/err" && grep -qi -- "$pat" "$T/err"; then
		pass "bad-$name"
	else
		fail "bad-$name" "status $rc, stderr: $(head -c 300 "$T/err" | tr '\n' '|')"
	fi
}
bad smp-zero "CPU count from 1 to 64" -smp 0 "$K"
bad smp-65 "CPU count from 1 to 64" -smp 65 "$K"
bad smp-junk "CPU count" -smp lots "$K"
bad smp-topology "CPU count" -smp 4,sockets=2 "$K"
bad smp-missing "needs an argument" "$K" -smp
bad drive-missing-file "cannot open drive" -drive "file=$T/nonexistent.img,format=raw" "$K"
bad drive-directory "cannot open drive\|not a regular file" -drive "file=$T,format=raw" "$K"
: >"$T/empty.img"
bad drive-empty "512-byte sector" -drive "file=$T/empty.img,format=raw" "$K"
bad drive-format "only format=raw" -drive "file=$T/m.img,format=qcow2" "$K"
bad drive-no-file "expected file=PATH" -drive "format=raw" "$K"
bad drive-index "expected file=PATH" -drive "file=$T/m.img,format=raw,index=2" "$K"
bad drive-twice "already given" -drive "file=$T/m.img,index=0" \
	-drive "file=$T/m.img,index=0" "$K"
bad log-item "unknown log item" -d bogus "$K"
bad log-file "cannot open the log file" -d ipi -D "$T/no/such/dir/log" "$K"
bad ips-zero "positive number" --ips 0 "$K"

# ---- --version and --help ----
if "$MMULAB" --version 2>&1 | grep -q '^mmulab [0-9]'; then pass version; else
	fail version "no 'mmulab VERSION' line"; fi
"$MMULAB" --help >"$T/help" 2>&1
missing=
for o in -smp -drive --ips -d -D --version; do
	grep -q -- "  $o" "$T/help" || missing="$missing $o"
done
if [ -z "$missing" ]; then pass help; else fail help "missing:$missing"; fi
exit 0
