// The input format of save_path_fuzzer: bytes become a scenario through the op table and the
// step drawer, so every input is a sequence of mostly valid steps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "harness/core/model.h"
#include "harness/core/scenario.h"

namespace savefuzz {

// A record is a tag byte, a 3-byte little-endian body length, then the body. The first record
// sizes the world (the set-up preamble), or with tag 255 asks for none; each later record is one
// step:
//   tag   0..207  a request of op (tag % kOpCount), its arguments drawn from the body's bytes
//   tag 208..247  8 tags per step kind in StepKind order: 208..215 restart, 216..223 crash,
//                 224..231 crash_during of a drawn write (at an exact sync or not, drawn),
//                 232..239 (reset's slot, never drawn) a request with a storage fault, its op drawn
//                 from the body, 240..247 power_loss
//   tag 248..255  a literal step: the body is the step's JSON as a scenario file writes it
//                 (its "expect" is dropped: the model is the oracle)
// So inputs written before a new control kind decode as they did, except records in its 8 tags
// (a literal there becomes the new control step); a new op re-maps tags 0..207. Seeds are
// written with literal records only (encode_scenario), which no new op or control moves.
// A short last record keeps the bytes it has, so every byte string decodes.
struct FuzzRecord {
  std::uint8_t tag = 0;
  std::string body;
  bool operator==(const FuzzRecord&) const = default;
};

inline constexpr std::uint8_t kRequestTags = 208;  // tags below: requests
inline constexpr std::uint8_t kTagsPerControl = 8;
inline constexpr std::size_t kControlSlots = 5;   // one per control kind
inline constexpr std::uint8_t kLiteralTag = kRequestTags + kTagsPerControl * kControlSlots;  // 248
inline constexpr std::uint8_t kNoWorldTag = 255;
static_assert(kControlKindCount <= kControlSlots, "no tags left for another control step kind");
inline constexpr std::size_t kMaxFuzzSteps = 256;  // later records are ignored: bounded executions

std::vector<FuzzRecord> split_records(std::span<const std::uint8_t> data);
std::string join_records(const std::vector<FuzzRecord>& records);

// Total and deterministic: the same bytes and limits give the same scenario.
Scenario decode_fuzz_input(std::span<const std::uint8_t> data, const Limits& limits);
// The same, decoded into `s`, whose steps' storage it reuses: save_path_fuzzer decodes every input
// into one scenario. A step is about 4 KB, so the steps of a long input take more than 128 KiB,
// which ASan maps afresh for each allocation and unmaps on free.
void decode_fuzz_input(std::span<const std::uint8_t> data, const Limits& limits, Scenario& s);

// The scenario a save_path_fuzzer input file stands for, decoded with `limits` (the fuzzer's:
// the in-process reference target's). Throws SetupError when the file cannot be read.
Scenario decode_fuzz_file(const std::filesystem::path& input, const Limits& limits);

// The input that decodes to exactly `s`'s steps (without their expects): an empty world, then
// one literal record each.
std::string encode_scenario(const Scenario& s);

// Mutations that keep an input record-shaped, for LLVMFuzzerCustomMutator: change one record's
// body with `mutate_bytes` (LLVMFuzzerMutate), or its tag; duplicate, delete, swap or insert a
// record; write a burst of 2 to kMaxBurst fresh records over the records from one on. Returns the
// new size, at most `max_size`.
inline constexpr std::size_t kMaxBurst = 8;
using ByteMutator = std::size_t (*)(std::uint8_t* data, std::size_t size, std::size_t max_size);
std::size_t mutate_fuzz_input(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                              ByteMutator mutate_bytes);

// For LLVMFuzzerCustomCrossOver: the first records of `a` followed by the last records of `b`.
std::size_t cross_over_fuzz_inputs(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                                   std::uint8_t* out, std::size_t max_out, unsigned seed);

}  // namespace savefuzz
