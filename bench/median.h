// The median the benchmarks report: shared machines are noisy, so figures are medians of runs.
#pragma once

#include <algorithm>
#include <vector>

namespace savefuzz::bench {

// The middle value (the mean of the middle two for an even count); `if_empty` for no values.
inline double median(std::vector<double> v, double if_empty = 0) {
  if (v.empty()) return if_empty;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace savefuzz::bench
