#!/usr/bin/env bash
# dream4j (java-cpu) vs llama.cpp's diffusion example on the same synthetic Qwen2.5-0.5B-shaped Dream checkpoint,
# one thread each, CPU time (user + sys from /usr/bin/time). Manual: not run by CI, needed by no test.
#
#   LLAMA_CPP_SRC=/path/to/llama.cpp benchmarks/llama-cpp/compare.sh
#
# Environment (defaults in brackets):
#   LLAMA_CPP_SRC    llama.cpp source tree: convert_hf_to_gguf.py and gguf-py/ (required)
#   LLAMA_CPP_BUILD  its CMake build dir with bin/llama-diffusion-cli and bin/llama-quantize [$LLAMA_CPP_SRC/build]
#   WORK             scratch dir for the checkpoints and GGUF files, ~5 GB [/tmp/dream4j-vs-llama-cpp]
#   TYPES            weight types, dream4j names [bf16 q8_0 q4_0] (llama.cpp: BF16, Q8_0, Q4_0)
#   REPEATS          runs per per-step figure; the table shows the median and the spread (min-max) [3]
#   GEN_REPEATS      runs per generation figure [$REPEATS] (one generation is ~2 CPU minutes per side and type)
#   CANVAS           canvas of the per-step figure [256]
#   STEPS_LO/HI      forwards in the short and the long run of a per-step pair [1 / 3]
#   GEN_TOKENS       tokens (= steps) of the generation figure [64]
#   PROMPT           the user message of the generation, rendered with the checkpoint's chat template on both sides
#   PYTHON           a Python with numpy, torch, safetensors, sentencepiece and transformers for the converter [python3]
#
# Per step: each side runs twice, once with STEPS_LO and once with STEPS_HI forwards over a CANVAS-token canvas with
# every row through lm_head (llama.cpp's example asks for logits at every position, so dream4j's bench gets
# --logit-rows CANVAS); the CPU-time difference divided by STEPS_HI - STEPS_LO is one forward without start-up,
# loading and JIT warm-up. llama.cpp's example also samples in each step: its own "sampling time per step" is
# subtracted, so both columns are forwards. Generation: the whole command's CPU time (start-up, load, 64 steps and
# sampling; the JVM's JIT threads count), the figure a user waits for.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/benchmarks/llama-cpp"
: "${LLAMA_CPP_SRC:?set LLAMA_CPP_SRC to a llama.cpp source tree (see benchmarks/llama-cpp/README.md)}"
LLAMA_CPP_BUILD="${LLAMA_CPP_BUILD:-$LLAMA_CPP_SRC/build}"
WORK="${WORK:-/tmp/dream4j-vs-llama-cpp}"
TYPES="${TYPES:-bf16 q8_0 q4_0}"
REPEATS="${REPEATS:-3}"
GEN_REPEATS="${GEN_REPEATS:-$REPEATS}"
CANVAS="${CANVAS:-256}"
STEPS_LO="${STEPS_LO:-1}"
STEPS_HI="${STEPS_HI:-3}"
GEN_TOKENS="${GEN_TOKENS:-64}"
PROMPT="${PROMPT:-Write a Python function that returns the n-th Fibonacci number.}"
PYTHON="${PYTHON:-python3}"
dream4j="$root/dream4j"
diffusion="$LLAMA_CPP_BUILD/bin/llama-diffusion-cli"
quantize="$LLAMA_CPP_BUILD/bin/llama-quantize"
for f in "$diffusion" "$quantize" "$LLAMA_CPP_SRC/convert_hf_to_gguf.py" /usr/bin/time; do
  [ -e "$f" ] || { echo "compare.sh: $f not found" >&2; exit 2; }
done
(( STEPS_HI > STEPS_LO )) || { echo "compare.sh: STEPS_HI ($STEPS_HI) must exceed STEPS_LO ($STEPS_LO)" >&2; exit 2; }
mkdir -p "$WORK/logs"
logs="$WORK/logs"

ckpt="$WORK/d05"
gguf_type() { case "$1" in bf16) echo BF16 ;; q8_0) echo Q8_0 ;; q4_0) echo Q4_0 ;; *) echo "compare.sh: unknown type $1 (bf16, q8_0, q4_0)" >&2; exit 2 ;; esac; }
dream_dir() { case "$1" in bf16) echo "$ckpt" ;; *) echo "$ckpt-$1" ;; esac; }
for t in $TYPES; do gguf_type "$t" >/dev/null; done

# 1. The checkpoints: synthetic bf16 (Qwen2.5-0.5B shape), dream4j's q8_0 / q4_0 files, the GGUF conversions.
if [ ! -f "$ckpt/config.json" ]; then
  "$dream4j" synth-checkpoint --out "$ckpt" --layers 24 --hidden 896 --intermediate 4864 --heads 14 --kv-heads 2 \
    --vocab 151936 --max-positions 32768 --rope-theta 1000000 >"$logs/synth.log" 2>&1
fi
for t in $TYPES; do
  case "$t" in
    bf16) ;;
    *) [ -f "$(dream_dir "$t")/model.safetensors" ] || "$dream4j" quantize --model "$ckpt" --out "$(dream_dir "$t")" \
         --type "$t" --no-eval >"$logs/quantize-$t.log" 2>&1 ;;
  esac
done
[ -f "$WORK/d05-BF16.gguf" ] || "$PYTHON" "$here/convert_synthetic.py" "$LLAMA_CPP_SRC" "$ckpt" --outtype bf16 \
  --outfile "$WORK/d05-BF16.gguf" >"$logs/convert.log" 2>&1
for t in $TYPES; do
  g="$(gguf_type "$t")"
  case "$g" in
    BF16) ;;
    *) [ -f "$WORK/d05-$g.gguf" ] || "$quantize" "$WORK/d05-BF16.gguf" "$WORK/d05-$g.gguf" "$g" 1 \
         >"$logs/quantize-$g.log" 2>&1 ;;
  esac
done

# CPU seconds (user + sys) of one command; its output goes to the log file named first.
cpu() {
  local log="$1" tf
  shift
  tf="$(mktemp)"
  if ! /usr/bin/time -f '%U %S' -o "$tf" "$@" >"$log" 2>&1; then
    echo "compare.sh: failed ($log): $*" >&2
    tail -5 "$log" >&2
    rm -f "$tf"
    exit 1
  fi
  tail -1 "$tf" | awk '{printf "%.3f", $1 + $2}'
  rm -f "$tf"
}
# Median and min-max of the numbers given ("nan" three times for none: REPEATS=0 or GEN_REPEATS=0 skips a figure).
stats() { [ $# -gt 0 ] || { echo "nan nan nan"; return; }; printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
  printf "%.3f %.3f %.3f", m, v[1], v[NR]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "nan" || b == "nan" || b + 0 == 0) print "-"; else printf "%.2f", a / b}'; }

dream_bench() { # type, iterations
  cpu "$logs/dream-step-$1-$2.log" "$dream4j" bench --model "$(dream_dir "$1")" --threads 1 --canvas "$CANVAS" \
    --logit-rows "$CANVAS" --small-rows 0 --warmup 1 --iterations "$2"
}
llama_step() { # type, steps; prints "cpu sampling-seconds-per-step"
  local log="$logs/llama-step-$1-$2.log" c
  c="$(cpu "$log" "$diffusion" -m "$WORK/d05-$(gguf_type "$1").gguf" -t 1 -tb 1 -c "$CANVAS" -b "$CANVAS" \
    -ub "$CANVAS" --diffusion-steps "$2" --diffusion-eps 0.001 --temp 0 -p "def f(x):")"
  echo "$c $(grep -o 'sampling time per step: [0-9.]*ms' "$log" | awk '{print $5 / 1000}')"
}

# Prompt length with the chat template, from dream4j (the same tokenizer.json and template are in the GGUF).
"$dream4j" generate --model "$ckpt" --chat "$PROMPT" --max-new-tokens 1 --steps 1 --json --threads 1 \
  >"$logs/prompt.json" 2>"$logs/prompt.log"
n_prompt="$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["prompt_ids"]))' "$logs/prompt.json")"
gen_canvas=$((n_prompt + GEN_TOKENS))

echo "dream4j vs llama.cpp, one thread, CPU seconds (user + sys); median (min-max) of $REPEATS per-step and $GEN_REPEATS generation runs"
echo "checkpoint: $ckpt (Qwen2.5-0.5B shape: 24 layers, hidden 896, intermediate 4864, 14/2 heads, vocab 151936)"
echo "llama.cpp: $LLAMA_CPP_BUILD; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-6s | %-28s | %-28s | %-7s | %-26s | %-26s | %-7s\n' type "dream4j s/step (canvas $CANVAS)" "llama.cpp s/step" ratio \
  "dream4j s/${GEN_TOKENS}-tok gen" "llama.cpp s/${GEN_TOKENS}-tok gen" ratio
for t in $TYPES; do
  ds=(); lls=(); dg=(); lg=()
  for ((r = 1; r <= REPEATS; r++)); do
    lo="$(dream_bench "$t" "$STEPS_LO")"; hi="$(dream_bench "$t" "$((STEPS_HI))")"
    ds+=("$(awk -v a="$lo" -v b="$hi" -v n=$((STEPS_HI - STEPS_LO)) 'BEGIN {printf "%.4f", (b - a) / n}')")
    read -r lo slo <<<"$(llama_step "$t" "$STEPS_LO")"; read -r hi shi <<<"$(llama_step "$t" "$STEPS_HI")"
    lls+=("$(awk -v a="$lo" -v b="$hi" -v s="${shi:-0}" -v n=$((STEPS_HI - STEPS_LO)) 'BEGIN {printf "%.4f", (b - a) / n - s}')")
  done
  for ((r = 1; r <= GEN_REPEATS; r++)); do
    dg+=("$(cpu "$logs/dream-gen-$t-$r.log" "$dream4j" generate --model "$(dream_dir "$t")" --chat "$PROMPT" \
      --max-new-tokens "$GEN_TOKENS" --steps "$GEN_TOKENS" --threads 1)")
    lg+=("$(cpu "$logs/llama-gen-$t-$r.log" "$diffusion" -m "$WORK/d05-$(gguf_type "$t").gguf" -t 1 -tb 1 \
      -c "$gen_canvas" -b "$gen_canvas" -ub "$gen_canvas" --diffusion-steps "$GEN_TOKENS" --diffusion-eps 0.001 \
      --temp 0 -p "$PROMPT")")
  done
  read -r dsm dsl dsh <<<"$(stats "${ds[@]+"${ds[@]}"}")"; read -r lsm lsl lsh <<<"$(stats "${lls[@]+"${lls[@]}"}")"
  read -r dgm dgl dgh <<<"$(stats "${dg[@]+"${dg[@]}"}")"; read -r lgm lgl lgh <<<"$(stats "${lg[@]+"${lg[@]}"}")"
  printf '%-6s | %-28s | %-28s | %-7s | %-26s | %-26s | %-7s\n' "$t/$(gguf_type "$t")" \
    "$dsm ($dsl-$dsh)" "$lsm ($lsl-$lsh)" "$(ratio "$dsm" "$lsm")" \
    "$dgm ($dgl-$dgh)" "$lgm ($lgl-$lgh)" "$(ratio "$dgm" "$lgm")"
  echo "raw $t: dream4j step ${ds[*]} | llama.cpp step ${lls[*]} | dream4j gen ${dg[*]} | llama.cpp gen ${lg[*]}" >>"$logs/raw.txt"
done
echo
echo "ratio = dream4j / llama.cpp (below 1: dream4j faster). Generation canvas: $n_prompt prompt + $GEN_TOKENS tokens."
echo "Raw figures: $logs/raw.txt; every command's output: $logs/"
