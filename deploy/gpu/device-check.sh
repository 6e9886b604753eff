#!/usr/bin/env bash
# CURA on a real GPU: build DJL's PyTorch JNI against the device's libtorch, run the engine with a
# jlink'ed Java runtime and the engine's jars carried in, and measure it beside PyTorch eager.
#
#   deploy/gpu/device-check.sh prepare     # here (a machine with the JDK and the built CLI):
#                                          #   writes .cura/device-check/ (< 64 MiB, carried)
#   deploy/gpu/device-check.sh run         # there (GPU, Python torch, CUDA toolkit, no Java,
#                                          #   no network): build, parity, benches, peer
#   deploy/gpu/device-check.sh dry-run     # here: the run phase on the CPU against Debian's
#                                          #   libtorch 1.13 (checks everything but CUDA)
#
# The GPU machine has Python's PyTorch (CUDA) with torch/lib and torch/include, nvcc and CMake,
# transformers and peft, but no Java, no bitsandbytes, and DJL's CUDA natives for libtorch 2.7.1
# are not reachable. So: DJL's engines/pytorch/pytorch-native (v0.36.0, our DJL) is compiled there
# against that libtorch, DJL is pointed at it (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION,
# PYTORCH_FLAVOR; the JNI goes into DJL's cache dir under that version and flavor), and the
# engine runs from the carried runtime.
#
# run writes to $OUT (or ./device-check-out): device-check.log, one JSON line per measurement in
# results.jsonl, and summary.txt (the figures for the issue note and the README):
#   1. CUDA vs CPU logits parity on models/cura-tiny (float32 and bf16 on the GPU);
#   2. the measured bf16 and float32 matmul peak (8192³) of the GPU;
#   3. a QLoRA step (NF4 + DQ, bf16 compute, LoRA r=16 on all linears, per-layer recompute, paged
#      AdamW) on a 1B-shaped and a 7B-shaped synthetic Llama: peak GPU memory, step time,
#      tokens/s, MFU against the measured bf16 peak, and the memory plan's prediction;
#   4. the same steps in PyTorch eager: transformers' LlamaForCausalLM + peft LoRA, the NF4 base
#      dequantized by torch ops (torch_peer.py --impl hf), and the ratio.
# Environment knobs: SEQ (default 2048), STEPS (3), SHAPES ("1B 7B"), PYTHON (python3),
# SKIP_BUILD=1 (reuse a built JNI), OUT.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARRY="$ROOT/.cura/device-check"
DJL_TAG="v0.36.0"
DJL_VERSION="0.36.0"
JAVA_MODULES="java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.incubator.vector,jdk.management,jdk.unsupported"
PEER="$ROOT/cura-cli/src/main/resources/dev/cura/cli/bench/torch_peer.py"

log() {
  printf '[device-check %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
  [ -z "${OUTDIR:-}" ] || printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >> "$OUTDIR/device-check.log"
}
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# prepare: runtime, jars and DJL's JNI sources into $CARRY
# ---------------------------------------------------------------------------------------------
prepare() {
  local java_home djl_repo work
  java_home="$("$ROOT/bin/java-home")"
  djl_repo="${DJL_REPO:-/work/.mirror/deepjavalibrary+djl/repo}"
  [ -f "$ROOT/cura-cli/target/cura-cli.jar" ] || die "build the CLI first: ./mvnw -B -o install -DskipTests -pl cura-cli -am"
  [ -d "$djl_repo" ] || die "DJL sources not found at $djl_repo (set DJL_REPO to a clone of deepjavalibrary/djl)"
  rm -rf "$CARRY"
  mkdir -p "$CARRY"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN

  log "jlink: $JAVA_MODULES"
  "$java_home/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-man-pages \
    --compress zip-9 --output "$work/jre" 2>&1 | grep -v "incubator modules" || true
  [ -x "$work/jre/bin/java" ] || die "jlink failed"
  [ -f "$work/jre/include/jni.h" ] || die "the runtime has no include/jni.h (needed to compile the JNI)"

  log "jars: the engine's runtime classpath without the CPU libtorch, its JNI and tokenizers"
  mkdir -p "$work/lib"
  cp "$ROOT/cura-cli/target/cura-cli.jar" "$work/lib/"
  local jar
  for jar in "$ROOT"/cura-cli/target/lib/*.jar; do
    case "$(basename "$jar")" in
      cura-*|api-*|pytorch-engine-*|jna-*|gson-*|commons-compress-*|commons-io-*|jackson-core-*|\
      jackson-databind-*|jackson-annotations-*|slf4j-api-*|log4j-api-*|log4j-core-*|log4j-slf4j2-impl-*)
        cp "$jar" "$work/lib/" ;;
    esac
  done

  log "DJL $DJL_TAG engines/pytorch/pytorch-native sources + the JNI header"
  mkdir -p "$work/djl"
  git --git-dir="$djl_repo" archive "$DJL_TAG" engines/pytorch/pytorch-native/CMakeLists.txt \
      engines/pytorch/pytorch-native/src/main/native engines/pytorch/pytorch-native/src/main/patch \
      api/src/main/native 2>/dev/null | tar -x -C "$work/djl" \
    || git -C "$djl_repo" archive "$DJL_TAG" engines/pytorch/pytorch-native/CMakeLists.txt \
      engines/pytorch/pytorch-native/src/main/native engines/pytorch/pytorch-native/src/main/patch \
      api/src/main/native | tar -x -C "$work/djl"
  mkdir -p "$work/djl/src" "$work/djl/engines/pytorch/pytorch-native/build/include"
  git --git-dir="$djl_repo" archive "$DJL_TAG" engines/pytorch/pytorch-engine/src/main/java 2>/dev/null \
      | tar -x -C "$work/djl/src" \
    || git -C "$djl_repo" archive "$DJL_TAG" engines/pytorch/pytorch-engine/src/main/java \
      | tar -x -C "$work/djl/src"
  "$java_home/bin/javac" -h "$work/djl/engines/pytorch/pytorch-native/build/include" \
    -d "$work/classes" -cp "$(ls "$ROOT"/cura-cli/target/lib/api-*.jar)" \
    -sourcepath "$work/djl/src/engines/pytorch/pytorch-engine/src/main/java" \
    "$work/djl/src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
  rm -rf "$work/djl/src" "$work/classes"

  log "packing"
  tar -C "$work" -cJf "$CARRY/bundle.tar.xz" jre lib djl
  {
    echo "cura commit: $(git -C "$ROOT" rev-parse HEAD)"
    echo "java: $("$work/jre/bin/java" -version 2>&1 | head -1)"
    echo "djl: $DJL_TAG"
    echo "bundle bytes: $(stat -c %s "$CARRY/bundle.tar.xz")"
  } > "$CARRY/manifest.txt"
  cat "$CARRY/manifest.txt" >&2
  local size
  size=$(du -sb "$CARRY" | cut -f1)
  [ "$size" -lt $((60 * 1024 * 1024)) ] || die "carry is $size bytes; the device takes 64 MiB with the tree"
  log "ready: run with carry=[\".cura/device-check\"]: bash deploy/gpu/device-check.sh run"
}

# ---------------------------------------------------------------------------------------------
# run: on the device
# ---------------------------------------------------------------------------------------------
unpack() {
  [ -f "$CARRY/bundle.tar.xz" ] || die "no $CARRY/bundle.tar.xz: run 'prepare' here and carry .cura/device-check"
  STAGE="${STAGE:-/tmp/cura-device-check}"
  mkdir -p "$STAGE"
  if [ ! -x "$STAGE/jre/bin/java" ]; then
    tar -C "$STAGE" -xJf "$CARRY/bundle.tar.xz"
  fi
  JAVA="$STAGE/jre/bin/java"
  CP="$STAGE/lib/*"
}

# Finds the Python torch: sets TORCH_DIR, TORCH_VERSION, TORCH_CUDA.
find_torch() {
  PYTHON="${PYTHON:-python3}"
  local info
  info="$("$PYTHON" -c 'import os, torch; print(os.path.dirname(torch.__file__)); print(torch.__version__.split("+")[0]); print(torch.version.cuda or "")')" \
    || die "$PYTHON cannot import torch"
  TORCH_DIR="$(sed -n 1p <<<"$info")"
  TORCH_VERSION="$(sed -n 2p <<<"$info")"
  TORCH_CUDA="$(sed -n 3p <<<"$info")"
  log "torch $TORCH_VERSION (CUDA ${TORCH_CUDA:-none}) at $TORCH_DIR"
}

# Compiles libdjl_torch.so against $TORCH_DIR and installs it where DJL looks for it.
build_jni() {
  local src="$STAGE/djl/engines/pytorch/pytorch-native" build flavor pt_version="" use_cuda=""
  flavor="${PYTORCH_FLAVOR:-}"
  if [ -z "$flavor" ]; then
    if [ -n "$TORCH_CUDA" ]; then flavor="cu$(tr -d . <<<"$TORCH_CUDA")"; else flavor="cpu"; fi
  fi
  [ -n "$TORCH_CUDA" ] && use_cuda=1
  case "$TORCH_VERSION" in 1.13.*|2.0.*|2.1.*) pt_version=V1_13_X ;; esac
  export PYTORCH_VERSION="$TORCH_VERSION" PYTORCH_FLAVOR="$flavor"
  export PYTORCH_LIBRARY_PATH="${PYTORCH_LIBRARY_PATH:-$TORCH_DIR/lib}"
  export ENGINE_CACHE_DIR="$STAGE/djl-cache" DJL_CACHE_DIR="$STAGE/djl-cache"
  local dest="$ENGINE_CACHE_DIR/pytorch/$TORCH_VERSION-$flavor-linux-x86_64"
  JNI="$dest/$DJL_VERSION-libdjl_torch.so"
  if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$JNI" ]; then
    log "reusing $JNI"
    return
  fi
  build="$STAGE/jni-build"
  rm -rf "$build"
  mkdir -p "$build"
  log "cmake: DJL JNI against $TORCH_DIR (flavor $flavor${pt_version:+, $pt_version})"
  local prefix="$TORCH_DIR"
  [ -d "$TORCH_DIR/share/cmake/Torch" ] && prefix="$TORCH_DIR/share/cmake"
  local extra=()
  read -r -a extra <<<"${TORCH_CMAKE_EXTRA:-}"
  (
    cd "$build"
    JAVA_HOME="$STAGE/jre" cmake -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
      -DJAVA_HOME="$STAGE/jre" -DJAVA_INCLUDE_PATH="$STAGE/jre/include" \
      -DJAVA_INCLUDE_PATH2="$STAGE/jre/include/linux" -DJAVA_JVM_LIBRARY="$STAGE/jre/lib/server/libjvm.so" \
      -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded \
      ${pt_version:+-DPT_VERSION="$pt_version"} ${use_cuda:+-DUSE_CUDA=1} \
      "${extra[@]}" "$src"
    cmake --build . --config Release -- -j "$(nproc)"
  ) > "$OUTDIR/jni-build.log" 2>&1 || { tail -40 "$OUTDIR/jni-build.log" >&2; die "JNI build failed (jni-build.log)"; }
  mkdir -p "$dest"
  cp "$build/libdjl_torch.so" "$JNI"
  log "built $JNI ($(stat -c %s "$JNI") bytes)"
}

# Runs the engine with the carried runtime; prints the RESULT json.
java_run() {
  local main="$1"
  shift
  local cuda_rt jna_path="$TORCH_DIR/lib"
  for cuda_rt in "$TORCH_DIR"/../nvidia/cuda_runtime/lib /usr/local/cuda/lib64; do
    [ -d "$cuda_rt" ] && jna_path="$jna_path:$cuda_rt"
  done
  "$JAVA" -Xmx"${XMX:-6g}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Dai.djl.offline=true -Djna.library.path="$jna_path" \
    -Dai.djl.pytorch.num_interop_threads=1 -cp "$CP" "$main" "$@" 2>>"$OUTDIR/java-stderr.log" \
    | tee -a "$OUTDIR/java-stdout.log" | sed -n 's/^RESULT //p' | tail -1
}

record() { # name json
  [ -n "$2" ] || { log "$1: no result"; return; }
  printf '{"check":"%s","result":%s}\n' "$1" "$2" >> "$OUTDIR/results.jsonl"
  log "$1: $2"
}

json() { # json key
  "$PYTHON" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}

run() {
  local device="${1:-cuda}"
  OUTDIR="${OUT:-$PWD/device-check-out}"
  mkdir -p "$OUTDIR"
  : > "$OUTDIR/results.jsonl"
  : > "$OUTDIR/summary.txt"
  : > "$OUTDIR/device-check.log"
  unpack
  find_torch
  if [ "$device" = cuda ]; then
    [ -n "$TORCH_CUDA" ] || die "this torch has no CUDA"
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUTDIR/gpu.txt" >&2
  fi
  build_jni
  local seq="${SEQ:-2048}" steps="${STEPS:-3}" shapes="${SHAPES:-1B 7B}" dtype=bf16
  [ "$device" = cpu ] && dtype=fp32

  log "1/4 logits parity on cura-tiny ($device vs cpu)"
  record parity "$(java_run dev.cura.cli.engine.DeviceCheck parity "$ROOT/models/cura-tiny" "$device" || true)"

  log "2/4 matmul peaks"
  local n=8192 peak_bf16="" p
  [ "$device" = cpu ] && n=1024
  for p in bf16 fp32; do
    local r
    r="$(java_run dev.cura.cli.engine.DeviceCheck peak "$device" "$p" "$n" || true)"
    record "peak_$p" "$r"
    [ "$p" = "$dtype" ] && [ -n "$r" ] && peak_bf16="$(json "$r" gflops)"
  done

  log "3/4 and 4/4: QLoRA steps (seq $seq, $steps timed steps) and the PyTorch eager peer"
  local shape
  for shape in $shapes; do
    local cura peer
    cura="$(java_run dev.cura.cli.engine.BenchTrainWorker quant=nf4 "params=$shape" "seq=$seq" rank=16 batch=1 \
      warmup=1 "steps=$steps" half=false "dtype=$dtype" "device=$device" threads=0 || true)"
    record "cura_$shape" "$cura"
    local dims dim_args=()
    dims="$(java_run dev.cura.cli.engine.DeviceCheck shape "$shape" || true)"
    read -r -a dim_args <<<"$(json_args "$dims")"
    peer="$("$PYTHON" "$PEER" --impl "${PEER_IMPL:-hf}" --quant nf4 --dtype "$dtype" --device "$device" \
      "${dim_args[@]}" --seq-len "$seq" --rank 16 --warmup 1 --steps "$steps" 2>>"$OUTDIR/peer-stderr.log" \
      | tee -a "$OUTDIR/peer-stdout.log" | sed -n 's/^RESULT //p' | tail -1 || true)"
    record "torch_$shape" "$peer"
    summarize "$shape" "$cura" "$peer" "$peak_bf16" "$seq"
  done
  log "done: $OUTDIR/summary.txt"
  cat "$OUTDIR/summary.txt" >&2 || true
}

# --hidden H --layers L ... for the peer, from DeviceCheck shape's JSON.
json_args() {
  [ -n "$1" ] || return 0
  "$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); print(" ".join("--%s %s" % (k, d[k.replace("-", "_")]) for k in ["hidden","layers","heads","kv-heads","intermediate","vocab"]))' "$1"
}

summarize() { # shape cura peer peak seq
  "$PYTHON" - "$@" >> "$OUTDIR/summary.txt" <<'PY'
import json, sys
shape, cura, peer, peak, seq = sys.argv[1:6]
c = json.loads(cura) if cura else {}
p = json.loads(peer) if peer else {}
flops = c.get("step_flops")
def gib(b): return "%.2f GiB" % (b / 2**30) if b and b > 0 else "n/a"
line = ["%s-shaped synthetic Llama, seq %s, NF4 + bf16:" % (shape, seq)]
if c:
    t = c["median_step_seconds"]
    mfu = (flops / t / 1e9 / float(peak) * 100) if flops and peak else float("nan")
    line.append("  CURA  step %.3f s, %.0f tokens/s, peak GPU memory %s (plan %s), MFU %.1f%% of the measured bf16 peak"
                % (t, c["tokens_per_second"], gib(c.get("step_peak_device_bytes")), gib(c.get("plan_bytes")), mfu))
if p:
    line.append("  torch step %.3f s, %.0f tokens/s, peak allocated %s, reserved %s (%s, %s attention)"
                % (p["median_step_seconds"], p["tokens_per_second"], gib(p.get("peak_device_bytes")),
                   gib(p.get("peak_device_reserved_bytes")), p.get("impl"), p.get("attn_implementation", "eager")))
if c and p:
    line.append("  CURA / PyTorch eager step time = %.3f" % (c["median_step_seconds"] / p["median_step_seconds"]))
print("\n".join(line))
PY
}

dry_run() {
  # the run phase on this CPU: Debian's libtorch 1.13 (libtorch-dev) stands in for the device's
  local libs
  libs="$(mktemp -d)"
  local f
  for f in libtorch.so libtorch_cpu.so libc10.so; do
    ln -s "/usr/lib/x86_64-linux-gnu/$f" "$libs/$f"
  done
  export PYTORCH_LIBRARY_PATH="$libs" PYTHON="${PYTHON:-/usr/bin/python3}" PEER_IMPL=plain
  export SEQ="${SEQ:-64}" STEPS="${STEPS:-1}" SHAPES="${SHAPES:-20M}" XMX="${XMX:-2g}"
  export TORCH_CMAKE_EXTRA="-DTorch_DIR=/usr/lib/x86_64-linux-gnu/cmake/Torch"
  run cpu
}

case "${1:-}" in
  prepare) prepare ;;
  run) run cuda ;;
  dry-run) dry_run ;;
  *) echo "usage: $0 prepare|run|dry-run" >&2; exit 2 ;;
esac
