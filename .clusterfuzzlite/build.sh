#!/bin/bash -eu
# ClusterFuzzLite (and OSS-Fuzz) build of savefuzz's fuzzers. Honours what their build
# environment sets: $CC $CXX $CFLAGS $CXXFLAGS (sanitizer and coverage flags included),
# $LIB_FUZZING_ENGINE, $OUT, and $WORK for intermediate files. Puts beside each binary in $OUT
# its <fuzzer>.dict, <fuzzer>_seed_corpus.zip (corpus/seeds/<fuzzer> and the grown
# corpus/coverage/<fuzzer>) and <fuzzer>.options (libFuzzer flags `savefuzz fuzz` would use).
# Run from the repository's root (the Dockerfile's WORKDIR), or from anywhere with
# SAVEFUZZ_SRC set to it.
src=${SAVEFUZZ_SRC:-$PWD}
[ -f "$src/CMakeLists.txt" ] && [ -d "$src/corpus" ] || src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${WORK:-/tmp}/savefuzz-build
fuzzers=(save_path_fuzzer protocol_fuzzer scenario_fuzzer)

# The distribution's C++ libraries (Boost.Filesystem) are built against libstdc++: link the
# fuzzers against it too, not against the libc++ OSS-Fuzz images add for MemorySanitizer builds.
export CXXFLAGS="${CXXFLAGS//-stdlib=libc++/}"

# CMake takes the flags from $CFLAGS / $CXXFLAGS itself on a first configure; the build type is
# left empty so that it adds no optimisation flags of its own.
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DSAVEFUZZ_FUZZ=ON -DSAVEFUZZ_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" -DSAVEFUZZ_TESTS=OFF \
  -DSAVEFUZZ_BENCH=OFF -DSAVEFUZZ_SANITIZE=OFF -DSAVEFUZZ_STATIC_SERVER=OFF
cmake --build "$build" --target "${fuzzers[@]}"

zip_dirs() {  # zip_dirs ZIP DIR...: every file of the DIRs, flat, with the standard library's zip
  python3 - "$@" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for d in sys.argv[2:]:
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                if os.path.isfile(path):
                    z.write(path, name)
PY
}
for f in "${fuzzers[@]}"; do
  cp "$build/bin/$f" "$OUT/"
  cp "$src/corpus/dict/$f.dict" "$OUT/$f.dict"
  zip_dirs "$OUT/${f}_seed_corpus.zip" "$src/corpus/seeds/$f" "$src/corpus/coverage/$f"
  {
    echo "[libfuzzer]"
    echo "dict = $f.dict"
    # The scenario fuzzer's comparisons (a text length, a version) guide it: as `savefuzz fuzz`.
    [ "$f" = save_path_fuzzer ] && echo "use_value_profile = 1"
    echo "timeout = 30"
  } > "$OUT/$f.options"
done
echo "savefuzz: built ${fuzzers[*]} into $OUT"
