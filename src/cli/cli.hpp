#pragma once
/// \file
/// The `callboard` command line: exit codes, the context every subcommand
/// runs in, and the table of subcommands. Private to src/cli/.

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "callboard/error.hpp"

namespace callboard::cli {

/// Stable process exit codes, documented in `callboard --help`. Scripts
/// branch on these; never renumber one.
enum class ExitCode : std::uint8_t {
  kOk = 0,
  kNegative = 1,       ///< no match / a "no" answer (as node-semver's CLI exits 1)
  kUsage = 2,          ///< the command line itself is wrong
  kInvalidInput = 3,   ///< an input (file, version, manifest) is malformed
  kNotFound = 4,       ///< a named thing does not exist
  kUnavailable = 5,    ///< network, registry or backend unreachable; retry may help
  kUnsatisfiable = 6,  ///< no set of versions fits the request
  kPolicyDenied = 7,   ///< a governance policy forbids the action (nothing else)
  kDataLoss = 8,       ///< stored or downloaded data is damaged
  kPermissionDenied = 9,  ///< the registry or a file refused access (credentials)
  kInternal = 70,      ///< a bug in callboard (EX_SOFTWARE)
};

/// The exit code a library error maps to.
ExitCode exit_code_for(ErrorCode code) noexcept;

/// Where a subcommand writes. With `json`, machine output (one JSON document)
/// goes to `out` and everything meant for humans to `err`; without it, `out`
/// carries the human-readable result.
struct Context {
  bool json = false;
  std::ostream& out;
  std::ostream& err;
};

/// One subcommand. `run` receives the arguments after the subcommand name
/// (the global `--json` already removed) and returns the process exit code.
struct Command {
  std::string_view name;
  std::string_view summary;  ///< one line for `callboard --help`
  int (*run)(Context& ctx, std::span<const std::string> args);
  void (*print_help)(std::ostream& out);
};

/// Every subcommand, in the order `callboard --help` lists them.
std::span<const Command> commands() noexcept;
const Command* find_command(std::string_view name) noexcept;

/// Reports a failure: a human line `callboard: <message>` on stderr and, in
/// JSON mode, `{"error":{"code":...,"exit_code":...,"message":...}}` on stdout.
/// Returns the exit code to return from the subcommand.
int report_failure(Context& ctx, ExitCode exit_code, std::string_view code_name,
                   std::string_view message);
/// The same for a library Error (its context is included in the JSON object).
int report_error(Context& ctx, const Error& error);

// Subcommands (one file each).
int run_semver(Context& ctx, std::span<const std::string> args);
void print_semver_help(std::ostream& out);
int run_index(Context& ctx, std::span<const std::string> args);
void print_index_help(std::ostream& out);
int run_search(Context& ctx, std::span<const std::string> args);
void print_search_help(std::ostream& out);
int run_info(Context& ctx, std::span<const std::string> args);
void print_info_help(std::ostream& out);
int run_releases(Context& ctx, std::span<const std::string> args);
void print_releases_help(std::ostream& out);
int run_solve(Context& ctx, std::span<const std::string> args);
void print_solve_help(std::ostream& out);
int run_check(Context& ctx, std::span<const std::string> args);
void print_check_help(std::ostream& out);
int run_scan(Context& ctx, std::span<const std::string> args);
void print_scan_help(std::ostream& out);
int run_matrix(Context& ctx, std::span<const std::string> args);
void print_matrix_help(std::ostream& out);
int run_verify(Context& ctx, std::span<const std::string> args);
void print_verify_help(std::ostream& out);
int run_changelog(Context& ctx, std::span<const std::string> args);
void print_changelog_help(std::ostream& out);

}  // namespace callboard::cli
