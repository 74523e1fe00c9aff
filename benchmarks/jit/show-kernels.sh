#!/usr/bin/env bash
# What C2 emits for java-cpu's hot kernels. First DotProductIdioms.java (which dot-product instructions pure Java
# reaches), then `dream4j bench` on the demo model with -XX:+PrintAssembly for the GEMM micro-kernels and the weight
# converters; each method's innermost vector loops are printed as an instruction mix (benchmarks/jit/decode_asm.py).
# Needs objdump (binutils). HotSpot prints raw hex when no hsdis plug-in decodes for it; the script disassembles that
# hex itself, so hsdis is not required.
#   benchmarks/jit/show-kernels.sh [WEIGHTS] [OUT.txt]     WEIGHTS: native (bf16), q8_0 or q4_0 (default: all three)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v objdump >/dev/null || { echo "show-kernels.sh needs objdump (apt-get install binutils)" >&2; exit 1; }
formats=("${1:-native}")
[ -z "${1:-}" ] && formats=(native q8_0 q4_0)
out="${2:-$(mktemp -t dream4j-asm-XXXX.txt)}"
methods=(
  'dev.dream4j.backend.cpu.Gemm::kernel6x4'
  'dev.dream4j.backend.cpu.Gemm::panel4'
  'dev.dream4j.backend.cpu.MatrixSource$Bf16::readRow'
  'dev.dream4j.backend.cpu.MatrixSource$Q8::block'
  'dev.dream4j.backend.cpu.MatrixSource$Q4::block'
)
opts="-XX:+UnlockDiagnosticVMOptions -XX:PrintAssemblyOptions=intel"
for m in "${methods[@]}"; do opts="$opts -XX:CompileCommand=print,$m"; done
echo "== dot-product idioms (benchmarks/jit/DotProductIdioms.java)" >&2
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -XX:+UnlockDiagnosticVMOptions -XX:PrintAssemblyOptions=intel \
  -XX:CompileCommand=print,DotProductIdioms::int16PairsIntoInt32 -XX:CompileCommand=print,DotProductIdioms::fp32Fma \
  -XX:CompileCommand=print,DotProductIdioms::int16PairsReduction \
  "$root/benchmarks/jit/DotProductIdioms.java" > "$out" 2>&1
grep "G/s" "$out" | tail -1
python3 "$root/benchmarks/jit/decode_asm.py" "$out"
for f in "${formats[@]}"; do
  echo "== weights $f" >&2
  DREAM4J_AOT=0 DREAM4J_JAVA_OPTS="$opts" "$root/dream4j" bench --model demo --canvas 256 --iterations 20 --warmup 10 \
    --threads 1 --small-rows 8 --weights "$f" > "$out" 2>&1
  python3 "$root/benchmarks/jit/decode_asm.py" "$out"
done
