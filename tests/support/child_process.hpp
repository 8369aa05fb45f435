#pragma once
/// \file
/// A child process for tests: spawn with extra environment, read its stdout
/// line by line with a timeout, signal it, wait for it. Test-only code.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace callboard::test {

class ChildProcess {
 public:
  /// Starts argv[0] (searched on PATH) with the current environment plus
  /// `env` ("NAME=value" entries override). stdout is captured; stderr is
  /// inherited unless `stderr_to_stdout`. Throws std::runtime_error on failure.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
               bool stderr_to_stdout = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The next stdout line (without '\n'), or nullopt at EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  /// Everything left on stdout until EOF.
  std::string read_all();
  void kill(int signal);
  /// Waits for exit; returns the exit status, or 128 + signal number.
  int wait();
  [[nodiscard]] int pid() const noexcept { return pid_; }

 private:
  int pid_ = -1;
  int out_ = -1;
  std::string pending_;
  std::optional<int> status_;
};

/// True when `name_or_path` can be run: a path (it holds '/') that is
/// executable, or a name found executable in a PATH directory.
bool executable_available(const std::string& name_or_path);

/// The node to run test servers and oracles with: $CALLBOARD_NODE, or "node".
std::string node_command();

/// Runs a command to completion; returns {exit status, stdout}.
std::pair<int, std::string> run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

}  // namespace callboard::test
