// The input format of save_path_fuzzer: bytes become a scenario through the op table and the
// step drawer, so every input is a sequence of mostly valid steps.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/model.h"
#include "harness/scenario.h"

namespace savefuzz {

// A record is a tag byte, a 3-byte little-endian body length, then the body. The first record
// sizes the world (the set-up preamble), or with tag 255 asks for none; each later record is one
// step:
//   tag   0..207  a request of op (tag % 13), its arguments drawn from the body's bytes
//   tag 208..215  restart;  216..223 crash;  224..231 crash_during of a drawn write
//   tag 232..255  a literal step: the body is the step's JSON as a scenario file writes it
//                 (its "expect" is dropped: the model is the oracle)
// A short last record keeps the bytes it has, so every byte string decodes.
struct FuzzRecord {
  std::uint8_t tag = 0;
  std::string body;
  bool operator==(const FuzzRecord&) const = default;
};

inline constexpr std::uint8_t kLiteralTag = 232;
inline constexpr std::uint8_t kNoWorldTag = 255;
inline constexpr std::size_t kMaxFuzzSteps = 256;  // later records are ignored: bounded executions

std::vector<FuzzRecord> split_records(std::span<const std::uint8_t> data);
std::string join_records(const std::vector<FuzzRecord>& records);

// Total and deterministic: the same bytes and limits give the same scenario.
Scenario decode_fuzz_input(std::span<const std::uint8_t> data, const Limits& limits);

// The input that decodes to exactly `s`'s steps (without their expects): an empty world, then
// one literal record each.
std::string encode_scenario(const Scenario& s);

// Mutations that keep an input record-shaped, for LLVMFuzzerCustomMutator: change one record's
// body with `mutate_bytes` (LLVMFuzzerMutate), or its tag; duplicate, delete, swap or insert a
// record. Returns the new size, at most `max_size`.
using ByteMutator = std::size_t (*)(std::uint8_t* data, std::size_t size, std::size_t max_size);
std::size_t mutate_fuzz_input(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                              ByteMutator mutate_bytes);

// For LLVMFuzzerCustomCrossOver: the first records of `a` followed by the last records of `b`.
std::size_t cross_over_fuzz_inputs(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                                   std::uint8_t* out, std::size_t max_out, unsigned seed);

}  // namespace savefuzz
