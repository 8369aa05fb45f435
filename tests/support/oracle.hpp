#pragma once
/// \file
/// Client for tests/oracle/semver_oracle.js: node-semver answering questions
/// over JSON lines, used as the reference the C++ engine is compared against.
///
/// Test-only code: it may use Boost.JSON in its interface.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

namespace callboard::test {

/// Whether the oracle could be started, and if not, why.
enum class OracleState {
  kReady,
  kNodeMissing,    ///< no `node` executable: tests that need it are skipped
  kSemverMissing,  ///< node_modules/semver absent: skipped
  kWrongVersion,   ///< semver is installed but not the pinned version: a failure
  kBroken,         ///< the process died or spoke garbage: a failure
};

/// One `node semver_oracle.js` child process. Not thread-safe: one caller at a time.
class OracleProcess {
 public:
  /// Starts `node <script>`. On failure returns null and sets `state`/`message`.
  static std::unique_ptr<OracleProcess> spawn(const std::string& script, OracleState& state,
                                              std::string& message, std::string& semver_version);
  ~OracleProcess();
  OracleProcess(const OracleProcess&) = delete;
  OracleProcess& operator=(const OracleProcess&) = delete;

  /// Sends one batch and returns node's results, one per case. Throws
  /// std::runtime_error if the child fails.
  boost::json::array call(std::string_view op, const boost::json::array& cases,
                          const boost::json::object& opts);

 private:
  OracleProcess() = default;
  void write_all(std::string_view data);
  std::string read_line();

  int pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string pending_;
};

/// A pool of oracle processes (one per core by default, CALLBOARD_ORACLE_JOBS
/// to override); call() splits a batch across them.
class Oracle {
 public:
  /// Starts the pool for `script` (default: the repository's
  /// tests/oracle/semver_oracle.js). Never throws; check state().
  explicit Oracle(std::string script = default_script(), std::size_t processes = 0);
  ~Oracle();

  [[nodiscard]] OracleState state() const noexcept { return state_; }
  [[nodiscard]] bool ready() const noexcept { return state_ == OracleState::kReady; }
  /// Why the oracle is not ready (empty when it is).
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  /// The semver version the oracle reported (also when it is the wrong one).
  [[nodiscard]] const std::string& semver_version() const noexcept { return semver_version_; }
  [[nodiscard]] std::size_t processes() const noexcept { return procs_.size(); }

  /// Asks node-semver `op` for every case; the result has one entry per case.
  boost::json::array call(std::string_view op, const boost::json::array& cases,
                          const boost::json::object& opts = {});
  /// Like call(), on process `index` only (so its range cache is reused).
  /// Calls on different processes may run concurrently; calls on the same
  /// process must not.
  boost::json::array call_on(std::size_t index, std::string_view op, const boost::json::array& cases,
                             const boost::json::object& opts = {});

  /// The shared instance used by the differential tests (started on first use).
  static Oracle& shared();
  static std::string default_script();

 private:
  std::vector<std::unique_ptr<OracleProcess>> procs_;
  OracleState state_ = OracleState::kBroken;
  std::string message_;
  std::string semver_version_;
};

/// The node-semver options bag for callboard options.
boost::json::object to_node_options(bool loose, bool include_prerelease);

}  // namespace callboard::test
