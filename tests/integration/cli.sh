#!/bin/sh
# Integration tier: mmulab's command line, bad input and exit statuses.
#   sh tests/integration/cli.sh BUILD_DIR
# Prints PASS/FAIL/SKIP lines (see tests/run.sh).  The malformed kernels
# are made here with printf, dd and head only; the tiny good kernels are a
# few bytes of hand-assembled 32-bit code behind a Multiboot header with
# the a.out kludge (flag 16), so no cross toolchain is needed.  Where
# qemu-system-x86_64 is installed, the kernels that QEMU can run too are
# run there as well and must give the same output and status.
B=${1:-build}
MMULAB=$B/mmulab
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

pass() { echo "PASS cli $1"; }
fail() { echo "FAIL cli $1: $2"; }

if [ ! -x "$MMULAB" ]; then
	fail binary "$MMULAB not built"
	exit 0
fi

# ---- byte writers ----
byte() { printf "\\$(printf '%03o' $(( $1 & 255 )))"; }
bytes() { for b in "$@"; do byte $((0x$b)); done; }
le16() { byte $(( $1 )); byte $(( $1 >> 8 )); }
le32() { le16 $(( $1 & 65535 )); le16 $(( ($1 >> 16) & 65535 )); }
zeros() { [ "$1" -gt 0 ] && head -c "$1" /dev/zero; true; }

# Multiboot header: magic, flags, checksum (+ extra to break it).
mbhdr() { # flags [checksum_delta]
	le32 0x1BADB002; le32 "$1"
	le32 $(( (-(0x1BADB002 + $1) + ${2:-0}) & 0xffffffff ))
}

# a.out-kludge kernel: header at file offset 0, loaded at 0x100000, code at
# 0x100020 (file offset 0x20), then `code` hex bytes, padded to 0x60.
aout() { # file load_addr hexbytes...
	f=$1; la=$2; shift 2
	{
		mbhdr 0x10000
		le32 "$la"; le32 "$la"; le32 0; le32 0; le32 $(( la + 0x20 ))
		bytes "$@"
	} >"$f"
	n=$(wc -c <"$f")
	zeros $(( 0x60 - n )) >>"$f"
}

# ELF32 with one PT_LOAD at p_paddr `addr` of 0x80 bytes holding a Multiboot
# header (flags 0) at offset 0x60.
elf32() { # file machine addr [class]
	{
		bytes 7f 45 4c 46; byte "${4:-1}"; bytes 01 01; zeros 9
		le16 2; le16 "$2"; le32 1; le32 "$3"; le32 52; le32 0; le32 0
		le16 52; le16 32; le16 1; le16 0; le16 0; le16 0
		le32 1; le32 0; le32 "$3"; le32 "$3"; le32 0x80; le32 0x80; le32 7; le32 4
		zeros $(( 0x60 - 84 ))
		mbhdr 0
		zeros $(( 0x80 - 0x6c ))
	} >"$1"
}

# ---- bad input: status 2 and exactly one "mmulab: " line on stderr ----
bad() { # name pattern args...
	name=$1; pat=$2; shift 2
	"$MMULAB" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -q '^mmulab: ' "$T/err" && grep -qi -- "$pat" "$T/err"; then
		pass "$name"
	else
		fail "$name" "status $rc, stderr: $(head -c 300 "$T/err" | tr '\n' '|')"
	fi
}

aout "$T/ok.bin" 0x100000 \
	66 ba f8 03  b0 4f ee  b0 4b ee  b0 0a ee \
	66 ba f4 00  b8 10 00 00 00  ef  f4

bad no-kernel "no kernel"
bad unknown-option "unknown option" --frobnicate "$T/ok.bin"
bad missing-argument "needs an argument" "$T/ok.bin" -m
bad missing-argument-append "needs an argument" "$T/ok.bin" -append
bad m-unparsable "not a size" -m lots "$T/ok.bin"
bad m-too-small "between" -m 1 "$T/ok.bin"
bad m-too-large "between" -m 64G "$T/ok.bin"
bad m-suffix "not a size" -m 12Q "$T/ok.bin"
bad quantum-zero "positive number" --quantum 0 "$T/ok.bin"
bad max-insns-junk "positive number" --max-insns x "$T/ok.bin"
bad timeout-junk "positive number" --timeout -1 "$T/ok.bin"
bad two-kernels "more than one" "$T/ok.bin" "$T/ok.bin"
bad device-unknown "unsupported device" -device e1000 "$T/ok.bin"
bad serial-unknown "unknown backend" -serial tcp:1234 "$T/ok.bin"
bad display-bogus "expected none, sdl or png:DIR" -display bogus "$T/ok.bin"
bad missing-file "cannot open kernel" "$T/nonexistent.elf"
bad directory "not a regular file" "$T"
if [ "$(id -u)" != 0 ]; then
	cp "$T/ok.bin" "$T/noread.bin" && chmod 000 "$T/noread.bin"
	bad unreadable-file "cannot open kernel" "$T/noread.bin"
else
	echo "SKIP cli unreadable-file running as root"
fi
: >"$T/empty.bin"
bad empty-file "no Multiboot header" "$T/empty.bin"
zeros 16384 >"$T/zeros.bin"
bad no-header "no Multiboot header" "$T/zeros.bin"
{ zeros 8192; mbhdr 0; } >"$T/late.bin"
bad header-past-8k "no Multiboot header" "$T/late.bin"
{ zeros 64; mbhdr 0 1; zeros 64; } >"$T/sum.bin"
bad bad-checksum "checksum" "$T/sum.bin"
{ zeros 64; mbhdr 0; zeros 64; } >"$T/notelf.bin"
bad not-elf "not an ELF" "$T/notelf.bin"
elf32 "$T/elf64.elf" 62 0x100000
bad elf-x86-64 "x86-64" "$T/elf64.elf"
elf32 "$T/elfppc.elf" 20 0x100000
bad elf-wrong-machine "i386" "$T/elfppc.elf"
elf32 "$T/high.elf" 3 0x10000000
bad elf-segment-outside-ram "outside RAM" "$T/high.elf"
elf32 "$T/trunc.elf" 3 0x100000 && head -c 112 "$T/trunc.elf" >"$T/trunc2.elf"
bad elf-truncated "past the end\|truncated" "$T/trunc2.elf"
aout "$T/aouthigh.bin" 0x8000000 f4
bad aout-outside-ram "outside RAM" "$T/aouthigh.bin"
aout "$T/aout3m.bin" 0x300000 f4
bad aout-outside-small-ram "outside RAM" -m 2 "$T/aout3m.bin"
{ mbhdr 0x10000; le32 0x100000; le32 0x100010; le32 0; le32 0; le32 0; } >"$T/aoutbad.bin"
bad aout-header-before-load "header_addr" "$T/aoutbad.bin"
{ mbhdr 0x10000; } >"$T/aoutcut.bin"
bad aout-header-cut "cut off" "$T/aoutcut.bin"
bad missing-module "cannot open module" -initrd "$T/nope.bin arg" "$T/ok.bin"
bad serial-file-unwritable "cannot open" -serial "file:$T/no/such/dir/out" "$T/ok.bin"

# ---- --help ----
"$MMULAB" --help >"$T/help" 2>&1
rc=$?
missing=
for o in -kernel -append -initrd -m -serial -device -display -no-reboot \
	 --max-insns --timeout --quantum --help "Exit status"; do
	grep -q -- "$o" "$T/help" || missing="$missing $o"
done
if [ $rc -eq 0 ] && [ -z "$missing" ]; then pass help; else
	fail help "status $rc, missing:$missing"; fi

# ---- running kernels: output and exit status ----
runs() { # name want_status want_stdout want_stderr_pattern args...
	name=$1; want=$2; wout=$3; werr=$4; shift 4
	"$MMULAB" "$@" >"$T/out" 2>"$T/err" <"${IN:-/dev/null}"
	rc=$?
	got=$(cat "$T/out")
	if [ $rc -eq "$want" ] && [ "$got" = "$wout" ] &&
	   { [ -z "$werr" ] || grep -q -- "$werr" "$T/err"; }; then
		pass "$name"
	else
		fail "$name" "status $rc (want $want), stdout '$got', stderr: $(head -c 300 "$T/err" | tr '\n' '|')"
	fi
}

runs debug-exit 33 OK "" "$T/ok.bin"
if [ -s "$T/err" ]; then fail debug-exit-quiet "stderr not empty"; else pass debug-exit-quiet; fi
runs qemu-command-line 33 OK "" -accel tcg -kernel "$T/ok.bin" -serial stdio \
	-display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4
runs serial-none 33 "" "" -serial none "$T/ok.bin"
runs serial-file 33 "" "" -serial "file:$T/serial.txt" "$T/ok.bin"
if [ "$(cat "$T/serial.txt" 2>/dev/null)" = OK ]; then pass serial-file-content; else
	fail serial-file-content "file has '$(cat "$T/serial.txt" 2>/dev/null)'"; fi
runs with-module 33 OK "" -initrd "$T/ok.bin a b,$T/ok.bin" -append "x y" "$T/ok.bin"

# Serial input: poll LSR.DR, read RBR, echo it, exit.
aout "$T/echo.bin" 0x100000 66 ba fd 03 ec a8 01 74 fb 66 ba f8 03 ec ee \
	66 ba f4 00 b8 10 00 00 00 ef
printf x >"$T/in.txt"
IN=$T/in.txt
runs serial-input 33 x "" --timeout 10 "$T/echo.bin"
IN=

aout "$T/e9.bin" 0x100000 b0 45 e6 e9 b0 0a e6 e9 fa f4
runs port-e9 8 E "guest halted" -serial none "$T/e9.bin"
aout "$T/halt.bin" 0x100000 fa f4
runs halt-cli 8 "" "^mmulab: guest halted" "$T/halt.bin"
aout "$T/loop.bin" 0x100000 eb fe
runs max-insns 4 "" "^mmulab: instruction limit" --max-insns 1000 "$T/loop.bin"
runs max-insns-small-quantum 4 "" "1000 instructions" --quantum 7 --max-insns 1000 "$T/loop.bin"
runs timeout 4 "" "^mmulab: timeout" --timeout 0.3 "$T/loop.bin"
# lidt with a zero limit, then ud2: #UD cannot be delivered -> #GP -> #DF ->
# shutdown.
aout "$T/triple.bin" 0x100000 0f 01 1d 40 00 10 00 0f 0b
runs triple-fault 6 "" "^mmulab: triple fault" "$T/triple.bin"
if grep -q "RIP=" "$T/err" && grep -q "ud2" "$T/err" && grep -q "lidt" "$T/err"; then
	pass triple-fault-report
else
	fail triple-fault-report "no register dump or disassembly: $(head -c 300 "$T/err" | tr '\n' '|')"
fi

# Ctrl-C: a clean stop with statistics and status 130.
"$MMULAB" "$T/loop.bin" >"$T/out" 2>"$T/err" </dev/null &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && grep -q "^mmulab: interrupted" "$T/err" &&
   grep -q "^mmulab: stats: " "$T/err"; then
	pass sigint
else
	fail sigint "status $rc, stderr: $(head -c 300 "$T/err" | tr '\n' '|')"
fi

# ---- the same kernels under QEMU, where it is installed ----
QEMU=$(command -v qemu-system-x86_64)
if [ -z "$QEMU" ]; then
	echo "SKIP cli qemu-oracle qemu-system-x86_64 not installed"
	exit 0
fi
oracle() { # name kernel [args...]
	name=$1; kernel=$2; shift 2
	"$MMULAB" "$@" -kernel "$kernel" >"$T/m.out" 2>/dev/null <"${IN:-/dev/null}"
	mrc=$?
	timeout 30 "$QEMU" -accel tcg -serial stdio -display none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$kernel" "$@" \
		>"$T/q.out" 2>/dev/null <"${IN:-/dev/null}"
	qrc=$?
	if [ $mrc -eq $qrc ] && cmp -s "$T/m.out" "$T/q.out"; then
		pass "qemu-oracle-$name"
	else
		fail "qemu-oracle-$name" "mmulab $mrc '$(cat "$T/m.out")', qemu $qrc '$(cat "$T/q.out")'"
	fi
}
oracle debug-exit "$T/ok.bin"
# The Multiboot information, memory map, command lines and modules.
P=$B/tests/integration/mbprobe.elf
if [ -f "$P" ]; then
	printf 'module one' >"$T/mod1"
	printf 'module two, longer' >"$T/mod2"
	oracle mbinfo-plain "$P"
	oracle mbinfo-args "$P" -m 256 -append "a,b,,c  d" \
		-initrd "$T/mod1 x,,y z,$T/mod2"
	oracle mbinfo-2m "$P" -m 2
	oracle mbinfo-3g "$P" -m 3G -initrd "$T/mod2"
else
	echo "SKIP cli qemu-oracle-mbinfo $P not built"
fi
IN=$T/in.txt
oracle serial-input "$T/echo.bin"
IN=

# Ctrl-A X typed at a terminal ends the run with status 0, as in QEMU (the
# terminal comes from script(1); piped input has no escapes).
BENCH=$B/guests/bench/bench.elf
if command -v script >/dev/null 2>&1 && [ -f "$BENCH" ]; then
	(sleep 1; printf '\001x') | timeout 30 script -qfec \
		"$MMULAB --timeout 20 -append iters=100000 $BENCH" /dev/null \
		>"$T/ctrla.out" 2>&1
	st=$?
	if [ $st -eq 0 ] && grep -q 'mmulab: quit (Ctrl-A X)' "$T/ctrla.out"; then
		pass ctrl-a-x-quits
	else
		fail ctrl-a-x-quits "status $st: $(tail -1 "$T/ctrla.out")"
	fi
else
	echo "SKIP cli ctrl-a-x-quits (no script(1) or no bench kernel)"
fi
exit 0
