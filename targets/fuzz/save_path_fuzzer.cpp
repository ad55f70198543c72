// libFuzzer over structured op sequences: each input decodes (harness/core/fuzz_input.h) to a world and
// a sequence of mostly valid steps, run against the target and the model: the in-process reference,
// or the program $SAVEFUZZ_TARGET_CMD names (fuzz_oracle.h). Honours $SAVEFUZZ_MUTANT. The custom mutator keeps inputs record-shaped: one mutation, one step
// (or one burst of fresh steps).
#include <cstddef>
#include <cstdint>

#include "harness/core/fuzz_input.h"
#include "targets/fuzz/fuzz_oracle.h"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  savefuzz::fuzz::target_limits();  // a bad target or mutant stops here, before any input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One scenario for every input, whose steps' storage is kept (see decode_fuzz_input). The steps
  // themselves go before the input ends: an input that frees what it allocated is not run a
  // second time by LeakSanitizer's check.
  static savefuzz::Scenario s;
  savefuzz::decode_fuzz_input({data, size}, savefuzz::fuzz::target_limits(), s);
  savefuzz::fuzz::check_or_abort(
      s, "make it a scenario file with: savefuzz decode CRASH_FILE -o SCENARIO.json");
  s.steps.clear();
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return savefuzz::mutate_fuzz_input(data, size, max_size, seed, LLVMFuzzerMutate);
}

extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* a, std::size_t a_size, const std::uint8_t* b,
                                                 std::size_t b_size, std::uint8_t* out, std::size_t max_out,
                                                 unsigned int seed) {
  return savefuzz::cross_over_fuzz_inputs({a, a_size}, {b, b_size}, out, max_out, seed);
}
