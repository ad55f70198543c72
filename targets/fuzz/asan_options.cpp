// Linked into every fuzzer of the ASan + UBSan build (cmake/SavefuzzHelpers.cmake).
//
// ASan keeps each freed block in a quarantine (256 MB by default) before reusing it, so that a
// use after free reads poisoned memory. A save_path_fuzzer input makes about 2,000 allocations and
// frees them all, so the default quarantine makes every allocation land on memory last touched
// hundreds of megabytes ago: half the fuzzer's RSS, and in a profile 17% of its time in page faults.
// 64 MB is what ClusterFuzz gives its fuzzing runs. $ASAN_OPTIONS, read after this, overrides it
// (quarantine_size_mb=256 restores the default).
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=64"; }
