// LatencyHistogram: an HdrHistogram-like log-linear histogram of non-negative
// integer values (microseconds for `twinsock bench`) in fixed memory.
//
// Values below 128 have a bucket each; above, every power-of-two range is split
// into 64 equal buckets, so a reported value is within 1/64 (1.6 %) of the
// recorded one. Values up to 2^40 (about 12 days in microseconds) are kept;
// larger ones are clamped. Recording is O(1) and allocation-free; merging adds
// bucket counts. Not thread-safe: one histogram per thread, merged at the end.
#pragma once

#include <array>
#include <cstdint>

namespace twinsock::cli {

class LatencyHistogram {
 public:
  static constexpr int kLinearBits = 7;                       // 0..127 exact
  static constexpr std::uint64_t kHalf = 1u << (kLinearBits - 1);  // 64 sub-buckets per octave
  static constexpr int kMaxBits = 40;                         // largest value kept: 2^40 - 1
  static constexpr std::size_t kBuckets = (1u << kLinearBits) + (kMaxBits - kLinearBits) * kHalf;

  void record(std::uint64_t value);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
  /// The value at `quantile` (0..1, e.g. 0.999): the highest value equivalent to
  /// the bucket holding the ceil(quantile * count)-th smallest value, capped at max().
  /// 0 when empty.
  std::uint64_t percentile(double quantile) const;

  /// Bucket index of `value` and the highest value of bucket `index` (for tests).
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t highest_of(std::size_t index);

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  std::uint64_t sum_ = 0;
};

}  // namespace twinsock::cli
