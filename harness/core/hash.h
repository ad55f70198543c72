// The one RNG mixer and the one hash of the harness: crash points, per-case seeds, fuzz-input
// choices and storage-fault rolls all come from these, so the same input gives the same run.
#pragma once

#include <cstdint>
#include <string_view>

namespace savefuzz {

inline constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ull;

// splitmix64's output function: a well-mixed 64-bit value from any 64-bit state.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The n-th value of the splitmix64 stream that starts at `seed`: any value of it on its own.
constexpr std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t n) { return mix64(seed + kGoldenGamma * (n + 1)); }

// The same stream, one value after another.
class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed) : state_(seed) {}
  constexpr std::uint64_t next() { return mix64(state_ += kGoldenGamma); }

 private:
  std::uint64_t state_;
};

// FNV-1a, 64 bits.
class Fnv1a {
 public:
  static constexpr std::uint64_t kOffset = 0xcbf29ce484222325ull;
  explicit constexpr Fnv1a(std::uint64_t start = kOffset) : h_(start) {}
  constexpr void add(unsigned char c) { h_ = (h_ ^ c) * 0x100000001b3ull; }
  constexpr void add(std::string_view s) {
    for (unsigned char c : s) add(c);
  }
  constexpr std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_;
};

}  // namespace savefuzz
