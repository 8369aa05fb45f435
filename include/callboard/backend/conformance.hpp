#pragma once
/// \file
/// The storage conformance suite, as a library (target
/// `callboard::conformance`): every storage backend, built-in or an
/// embedder's own, runs the same cases by passing a factory, and gets a
/// report it can print or assert on. It needs no test framework.
///
///   callboard::backend::conformance::Backend backend;
///   backend.name = "my-backend";
///   backend.new_location = [] { return std::string("mine://test-1"); };
///   backend.open = [](std::string_view url) { return open_my_storage(url); };
///   backend.shared = true;  // open(url) twice reaches the same data
///   auto report = callboard::backend::conformance::run(backend);
///   std::cout << report.summary();
///   return report.ok() ? 0 : 1;
///
/// The cases:
///  - catalog.*: the package catalog (callboard/backend/storage.hpp): every
///    value round-trips, puts overwrite, transactions (commit, rollback, read
///    transactions, one writer), the checks on every write, the plugin table
///    and its search: matching, prefixes, hostile text, filters, facets,
///    paging, ranking by field (a name match above a description mention);
///  - tenant.*: the tenant-scoped stores (callboard/backend/tenant.hpp):
///    every rule of each store, input bounds, transactions, tenant isolation
///    for every store and the administrative handle;
///  - processes.*, tenant.persisted: with a shared backend, persistence
///    across opens and compare-and-swap, append and lease semantics between
///    processes (POSIX: the suite forks).

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/error.hpp"

namespace callboard::backend::conformance {

struct Backend {
  std::string name;
  /// The location of a new, empty store (a URL the factory below opens).
  std::function<Result<std::string>()> new_location;
  /// Opens the store at a location.
  std::function<Result<std::unique_ptr<Storage>>(std::string_view location)> open;
  /// True when opening one location twice, or from another process,
  /// reaches the same data (SQLite files, PostgreSQL). Enables the
  /// persistence and multi-process cases.
  bool shared = false;
  /// True when the backend keeps the package catalog (packuments, sync
  /// records, releases, directory entries, plugins and search, artifact
  /// records, the index state). Enables the catalog cases.
  bool catalog = true;
};

struct Options {
  /// Only cases whose name contains this text; empty for all.
  std::string filter;
  /// Processes in the multi-process cases (at least 2).
  int processes = 2;
  /// Operations per process in the multi-process cases.
  int iterations = 40;
};

struct Failure {
  std::string test;    ///< the case
  std::string check;   ///< what was checked (the expression)
  std::string detail;  ///< what happened instead (an error's text, values)
  std::string where;   ///< file:line in the suite
};

struct Report {
  std::string backend;
  std::vector<std::string> passed;   ///< names of cases that passed
  std::vector<std::string> skipped;  ///< "<case>: why"
  std::vector<Failure> failures;
  std::size_t checks = 0;  ///< checks evaluated
  [[nodiscard]] bool ok() const noexcept { return failures.empty() && !passed.empty(); }
  /// One line per failure and skip, then "<backend>: N cases passed, M
  /// failed, K skipped (C checks)".
  [[nodiscard]] std::string summary() const;
};

/// The names of every case, in run order.
[[nodiscard]] std::vector<std::string> case_names();

/// Runs the cases. Never throws; a case that throws fails with the text.
[[nodiscard]] Report run(const Backend& backend, const Options& options = {});

}  // namespace callboard::backend::conformance
