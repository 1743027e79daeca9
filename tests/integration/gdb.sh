#!/bin/sh
# Integration tier: mmulab's gdbstub driven by the real gdb in batch mode.
#   sh tests/integration/gdb.sh BUILD_DIR
# Prints PASS/FAIL/SKIP lines (see tests/run.sh); SKIP when gdb is missing.
#
# The guest is guests/tests/gdbtarget (gdb reads the .elf64 beside the
# image).  mmulab starts stopped (-S) on a free loopback port; gdb sets a
# software breakpoint and a hardware one, continues, reads registers (the
# control registers too) and memory through the guest's page tables, runs
# `monitor walk/stats/tlb`, writes a variable the guest prints, steps
# single instructions, is interrupted with Ctrl-C (SIGINT to gdb, which
# sends 0x03) and lets the guest run to its end.  A second session ends
# the run with `kill`; then bad -gdb input.  Every process started here is
# killed on exit, and both programs run under timeouts.
B=${1:-build}
MMULAB=$B/mmulab
K=$B/guests/tests/gdbtarget
T=$(mktemp -d)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS gdb $1"; }
fail() { echo "FAIL gdb $1: $2"; }

if ! command -v gdb >/dev/null 2>&1; then
	echo "SKIP gdb all: gdb is not installed"
	exit 0
fi
if [ ! -x "$MMULAB" ] || [ ! -f "$K.elf" ] || [ ! -f "$K.elf64" ]; then
	fail build "$MMULAB or $K.elf/.elf64 not built"
	exit 0
fi

# A loopback port nobody listens on (python when there, else from the pid).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $(( 20000 + $$ % 20000 ))
}

# Wait until something listens on loopback port $1 (Linux /proc).
wait_listen() {
	hex=$(printf '%04X' "$1")
	i=0
	while [ $i -lt 100 ]; do
		grep -q "0100007F:$hex 00000000:0000 0A" /proc/net/tcp 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# check NAME PATTERN FILE [WHY]: PASS when grep -E finds PATTERN in FILE.
check() {
	if grep -Eq -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "${4:-no match for '$2'}"
	fi
}

# ---- session 1: breakpoints, registers, memory, monitor, step, Ctrl-C ----
PORT=$(free_port)
"$MMULAB" -S -gdb tcp::"$PORT" -serial file:"$T/serial" --timeout 60 \
	"$K.elf" >"$T/mm.out" 2>"$T/mm.err" </dev/null &
MM=$!
PIDS="$PIDS $MM"
if ! wait_listen "$PORT"; then
	fail listen "mmulab -S -gdb tcp::$PORT does not listen: $(head -c 300 "$T/mm.err")"
	exit 0
fi
pass listen

# The same port again: one "mmulab: " line, status 2.
"$MMULAB" -gdb tcp::"$PORT" --max-insns 1000 "$K.elf" >/dev/null 2>"$T/busy.err" </dev/null
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$T/busy.err")" -eq 1 ] &&
   grep -q '^mmulab: .*port already in use' "$T/busy.err"; then
	pass port-in-use
else
	fail port-in-use "status $rc, stderr: $(head -c 300 "$T/busy.err" | tr '\n' '|')"
fi

ALIAS=0xffff800000042000
cat >"$T/cmds" <<EOF
set pagination off
set confirm off
set tcp connect-timeout 20
target remote 127.0.0.1:$PORT
echo @start\n
info registers rip
break gdb_stop_here
hbreak gdb_step
continue
echo @bp1\n
info registers rip
p/x (\$cr0 >> 31) & 1
p/x (\$efer >> 10) & 1
p/x \$cr3 == boot_pml4
echo @stats1\n
monitor stats
echo @read\n
x/4xb $ALIAS
x/4xb $ALIAS
echo @stats2\n
monitor stats
echo @walk\n
monitor walk $ALIAS
echo @tlb\n
monitor tlb
echo @threads\n
info threads
set var gdb_poke = 0x600d
p/x gdb_poke
continue
echo @bp2\n
info registers rip
stepi
stepi
stepi
echo @stepped\n
p/x \$rax
p \$pc == (char *)gdb_step + 17
delete
set var spin_limit = -1
echo @spin\n
continue
echo @interrupted\n
info symbol \$pc
set var spin_limit = 0
continue
echo @end\n
EOF
# Not under timeout(1): it would pass our SIGINT on to its process group
# as well, and a second Ctrl-C makes gdb give up on the target.
gdb -batch -nx -x "$T/cmds" "$K.elf64" >"$T/gdb.out" 2>&1 </dev/null &
GDB=$!
(sleep 60 & echo $! >"$T/dog"; wait; kill -9 $GDB) >/dev/null 2>&1 &
DOG=$!
PIDS="$PIDS $GDB $DOG"
# Ctrl-C: once the guest says it spins, interrupt gdb as a user would.
i=0
while [ $i -lt 200 ] && ! grep -q '^# spinning' "$T/serial" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.3
kill -INT $GDB 2>/dev/null
wait $GDB
wait $MM
mmrc=$?
kill $DOG 2>/dev/null
[ -s "$T/dog" ] && kill "$(cat "$T/dog")" 2>/dev/null
G=$T/gdb.out
# section NAME: the lines gdb printed after "@NAME" up to the next "@".
section() { sed -n "/^@$1\$/,/^@/p" "$G"; }

check start-stopped 'rip +0x[0-9a-f]+ +0x[0-9a-f]+ <_start>' "$G" "not stopped at _start"
section bp1 >"$T/bp1"
check breakpoint 'Breakpoint 1, .*gdb_stop_here' "$G"
check registers-cr0-efer '^\$1 = 0x1' "$T/bp1" "CR0.PG not 1"
check registers-cr3 '^\$3 = 0x1' "$T/bp1" "\$cr3 is not boot_pml4"
section read >"$T/read"
check read-virtual "$ALIAS:[[:space:]]+0x01[[:space:]]+0x08[[:space:]]+0x0f[[:space:]]+0x16" \
	"$T/read" "memory through the alias: $(tr '\n' '|' <"$T/read")"
section stats1 | grep -v '^@' >"$T/s1"
section stats2 | grep -v '^@' >"$T/s2"
if grep -q 'walks' "$T/s1" && cmp -s "$T/s1" "$T/s2"; then
	pass reads-leave-mmu-stats
else
	fail reads-leave-mmu-stats "$(tr '\n' '|' <"$T/s1") vs $(tr '\n' '|' <"$T/s2")"
fi
section walk >"$T/walk"
if grep -q 'PML4E' "$T/walk" && grep -q 'PDPTE' "$T/walk" &&
   grep -q 'PDE ' "$T/walk" && grep -Eq 'PTE +\[ *66\]' "$T/walk" &&
   ! grep -Eq 'PTE +\[ *66\].* A( |$)' "$T/walk" &&
   grep -q -- '-> 4 KiB page, .*not executable (XD)' "$T/walk"; then
	pass monitor-walk
else
	fail monitor-walk "$(tr '\n' '|' <"$T/walk")"
fi
check monitor-tlb '^  itlb2m .*pcid 0' "$T/gdb.out"
check threads 'Thread 1 \(CPU 0' "$G"
check poke-write '^# poke = 0x600d' "$T/serial" "the guest did not see gdb's write"
check no-side-effect '^ok 2 - A is still clear' "$T/serial" "A was set by gdb's reads"
check hw-breakpoint 'Breakpoint 2, .*gdb_step' "$G"
section stepped >"$T/step"
check stepi-rax '= 0x3333' "$T/step" "RAX after three steps: $(tr '\n' '|' <"$T/step")"
check stepi-pc '^\$[0-9]+ = 1' "$T/step" "PC after three steps"
check ctrl-c 'Program received signal SIGINT' "$G"
section interrupted >"$T/int"
check ctrl-c-where 'spin' "$T/int" "not stopped in spin()"
check exit-reported 'exited with code 01' "$G"
if [ $mmrc -eq 1 ] && grep -q '^# 6 passed, 0 failed' "$T/serial"; then
	pass guest-ends
else
	fail guest-ends "mmulab status $mmrc; $(tail -c 300 "$T/mm.err")"
fi

# ---- session 2: kill from gdb ends the run (status 10) ----
PORT=$(free_port)
"$MMULAB" -S -gdb tcp::"$PORT" -serial none --timeout 60 "$K.elf" \
	>/dev/null 2>"$T/mm2.err" </dev/null &
MM=$!
PIDS="$PIDS $MM"
wait_listen "$PORT"
timeout 60 gdb -batch -nx -ex "set tcp connect-timeout 20" \
	-ex "target remote 127.0.0.1:$PORT" -ex "stepi" -ex "kill" \
	"$K.elf64" >"$T/gdb2.out" 2>&1 </dev/null
wait $MM
rc=$?
if [ $rc -eq 10 ] && grep -q '^mmulab: killed from gdb' "$T/mm2.err"; then
	pass kill
else
	fail kill "status $rc, stderr: $(head -c 300 "$T/mm2.err" | tr '\n' '|')"
fi

# ---- bad input: one "mmulab: " line, status 2 ----
bad() { # name pattern args...
	name=$1; pat=$2; shift 2
	"$MMULAB" "$@" >/dev/null 2>"$T/bad.err" </dev/null
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/bad.err")" -eq 1 ] &&
	   grep -q "^mmulab: .*$pat" "$T/bad.err"; then
		pass "$name"
	else
		fail "$name" "status $rc, stderr: $(head -c 300 "$T/bad.err" | tr '\n' '|')"
	fi
}
bad bad-gdb-device 'expected tcp::PORT' -gdb udp::1 "$K.elf"
bad bad-gdb-port 'expected tcp::PORT' -gdb tcp::70000 "$K.elf"
bad S-without-gdb '-S needs' -S "$K.elf"
exit 0
