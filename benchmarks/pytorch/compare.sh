#!/usr/bin/env bash
# dream4j bench vs the plain-PyTorch forward of demo_step.py on the demo model: one denoising-step forward at each
# canvas, per thread count. Manual: not run by CI, needed by no test; needs python3 with torch and safetensors.
#
#   benchmarks/pytorch/compare.sh            # env: CANVAS="64 256" THREADS="1 2" REPEATS=3 LO=10 HI=60 PYTHON=python3
#
# Figures are CPU seconds per forward (all threads' CPU time, so at 2 threads it is the work, not the latency):
# dream4j's is the /usr/bin/time difference between a bench run of HI and one of LO timed forwards (after the same
# warm-up) divided by HI - LO, which leaves out JVM start-up, loading and JIT warm-up; PyTorch's is
# time.process_time over its timed forwards (after warm-up). Wall-clock best of each side is printed too; on a
# loaded machine only the CPU figures are steady.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CANVAS="${CANVAS:-64 256}"
THREADS="${THREADS:-1 2}"
REPEATS="${REPEATS:-3}"
LO="${LO:-10}"
HI="${HI:-60}"
PYTHON="${PYTHON:-python3}"
(( HI > LO )) || { echo "compare.sh: HI ($HI) must exceed LO ($LO)" >&2; exit 2; }
"$PYTHON" -c 'import torch, safetensors' 2>/dev/null || { echo "compare.sh: $PYTHON lacks torch or safetensors" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cpu_bench() { # canvas threads iterations -> "cpu-seconds best-wall"
  /usr/bin/time -f '%U %S' -o "$tmp/t" "$root/dream4j" bench --model demo --canvas "$1" --threads "$2" \
    --small-rows 0 --warmup 5 --iterations "$3" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  echo "$(tail -1 "$tmp/t" | awk '{print $1 + $2}') $(awk '/^forward/ {print $3}' "$tmp/out")"
}
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
  printf "%.4f (%.4f-%.4f)", m, v[1], v[NR]}'; }

echo "demo model, CPU seconds per forward, median (min-max) of $REPEATS; lm_head over the second half of the canvas"
printf '%-7s %-6s | %-26s | %-26s | %-6s | %-18s | %-18s\n' threads canvas "dream4j cpu s/forward" \
  "pytorch cpu s/forward" ratio "dream4j best wall" "pytorch best wall"
for th in $THREADS; do
  for c in $CANVAS; do
    d=(); p=(); dw=(); pw=()
    for ((r = 1; r <= REPEATS; r++)); do
      read -r lo _ <<<"$(cpu_bench "$c" "$th" "$LO")"
      read -r hi wall <<<"$(cpu_bench "$c" "$th" "$HI")"
      d+=("$(awk -v a="$lo" -v b="$hi" -v n=$((HI - LO)) 'BEGIN {printf "%.5f", (b - a) / n}')"); dw+=("$wall")
      line="$("$PYTHON" "$root/benchmarks/pytorch/demo_step.py" --canvas "$c" --threads "$th" --iterations "$HI" \
        --warmup 5 | tail -1)"
      p+=("$(echo "$line" | awk '{print $6}')"); pw+=("$(echo "$line" | awk '{print $4}')")
    done
    dm="$(stats "${d[@]}")"; pm="$(stats "${p[@]}")"
    printf '%-7s %-6s | %-26s | %-26s | %-6s | %-18s | %-18s\n' "$th" "$c" "$dm" "$pm" \
      "$(awk -v a="${dm%% *}" -v b="${pm%% *}" 'BEGIN {printf "%.2f", a / b}')" \
      "$(printf '%s\n' "${dw[@]}" | sort -g | head -1)" "$(printf '%s\n' "${pw[@]}" | sort -g | head -1)"
  done
done
echo "ratio = dream4j / PyTorch CPU time per forward (goal: within 2x)"
