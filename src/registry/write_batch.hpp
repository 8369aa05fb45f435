#pragma once
// What the indexer and the closure fetch share about writing packages:
// batched transactions.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/error.hpp"

namespace callboard::registry_detail {

// Packages per transaction: large enough that commits (an fsync each in WAL
// mode at synchronous=NORMAL only on checkpoint) do not dominate, small
// enough that a crash loses little work.
inline constexpr std::size_t kCommitEvery = 64;
inline constexpr auto kCommitInterval = std::chrono::seconds(2);

/// Batches writes into transactions; see kCommitEvery. Used from one thread.
class WriteBatch {
 public:
  using Clock = std::chrono::steady_clock;
  explicit WriteBatch(backend::Storage& storage) : storage_(storage) {}

  Result<backend::Transaction*> txn() {
    if (!txn_) {
      auto t = storage_.begin();
      if (!t) return std::move(t).error();
      txn_ = std::move(*t);
      opened_ = Clock::now();
    }
    return txn_.get();
  }

  /// Counts one finished package and commits when the batch is full or old.
  Result<void> done_one() {
    ++pending_;
    if (pending_ >= kCommitEvery || Clock::now() - opened_ >= kCommitInterval) return flush();
    return {};
  }

  Result<void> flush() {
    if (!txn_) return {};
    auto t = std::move(txn_);
    pending_ = 0;
    return t->commit();
  }

 private:
  backend::Storage& storage_;
  std::unique_ptr<backend::Transaction> txn_;
  std::size_t pending_ = 0;
  Clock::time_point opened_{};
};

}  // namespace callboard::registry_detail
