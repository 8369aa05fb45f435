// The `callboard` command: global options, the subcommand table, dispatch.
//
//   callboard [--json] <command> [<args>...]
//
// Hand-written parsing on purpose: each subcommand owns its own grammar (the
// `semver` one copies node-semver's quirks exactly), so a generic option
// library would only get in the way.

#include <array>
#include <exception>
#include <iostream>
#include <new>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/codec.hpp"
#include "callboard/json.hpp"
#include "callboard/version.hpp"

#include "cli/cli.hpp"

namespace callboard::cli {
namespace {

constexpr std::array kCommands = {
    Command{"semver", "node-semver's command line: sort, filter by range, increment, coerce",
            &run_semver, &print_semver_help},
    Command{"index", "index Backstage plugins from the configured npm registry", &run_index, &print_index_help},
    Command{"search", "ranked full-text search over indexed plugins, with facets", &run_search,
            &print_search_help},
    Command{"info", "an indexed package or plugin: versions, metadata, score factors", &run_info,
            &print_info_help},
    Command{"releases", "list or import Backstage release manifests", &run_releases, &print_releases_help},
    Command{"solve", "versions to install for adding, upgrading or removing plugins, or why none fit",
            &run_solve, &print_solve_help},
    Command{"check", "after an install: does the lockfile hold the plan solve --apply wrote?", &run_check,
            &print_check_help},
    Command{"scan", "does a plugin version work on a Backstage release (or an app); upgrade blockers",
            &run_scan, &print_scan_help},
    Command{"matrix", "every version of a plugin x every Backstage release -> compatibility tier", &run_matrix,
            &print_matrix_help},
    Command{"verify", "download a package tarball, verify its integrity, extract it safely, list what it holds",
            &run_verify, &print_verify_help},
    Command{"changelog", "a package's CHANGELOG entries between two versions, breaking changes flagged",
            &run_changelog, &print_changelog_help},
};

void print_main_help(std::ostream& out) {
  out << "callboard " << callboard::version()
      << " - manage Backstage plugins for internal developer portals\n"
         "\n"
         "Usage: callboard [--json] <command> [<args>...]\n"
         "       callboard <command> --help\n"
         "       callboard --help | --version\n"
         "\n"
         "Global options (before or after the command):\n"
         "  --json          machine-readable output: one JSON document on stdout;\n"
         "                  human messages (warnings, errors) go to stderr\n"
         "  -h, --help      show this help, or `callboard help <command>` for one command\n"
         "  -V, --version   print callboard's version\n"
         "\n"
         "Commands:\n";
  for (const Command& command : kCommands) {
    out << "  " << command.name;
    for (std::size_t i = command.name.size(); i < 10; ++i) out << ' ';
    out << ' ' << command.summary << '\n';
  }
  out << "\n"
         "Exit codes (stable; scripts may branch on them):\n"
         "  0   ok\n"
         "  1   no match / negative answer (as node-semver's CLI)\n"
         "  2   usage error (unknown command or option, missing argument)\n"
         "  3   invalid input (malformed version, range, file, manifest)\n"
         "  4   not found (no such package, plugin, release)\n"
         "  5   unavailable (network, registry or backend unreachable; retry may help)\n"
         "  6   unsatisfiable (no set of versions fits the request)\n"
         "  7   policy denied (a governance policy forbids the action)\n"
         "  8   data loss (a stored or downloaded document is damaged: re-index or re-fetch)\n"
         "  9   permission denied (the registry or a file refused access: check credentials)\n"
         "  70  internal error (a bug in callboard: please report it)\n";
}

int print_version(Context& ctx) {
  if (ctx.json) {
    JsonWriter w;
    w.begin_object();
    w.field("name", "callboard");
    w.field("version", callboard::version());
    w.end_object();
    ctx.out << w.take() << '\n';
  } else {
    ctx.out << "callboard " << callboard::version() << '\n';
  }
  return static_cast<int>(ExitCode::kOk);
}

int run(std::span<const std::string> argv) {
  Context ctx{false, std::cout, std::cerr};

  // `--json` is global: take it out wherever it stands, so every subcommand
  // honours it without parsing it. (node-semver would treat a literal
  // `--json` as an invalid version and drop it, so nothing is lost.)
  std::vector<std::string> args;
  args.reserve(argv.size());
  for (const std::string& arg : argv) {
    if (arg == "--json") {
      ctx.json = true;
    } else {
      args.push_back(arg);
    }
  }

  if (args.empty()) {
    print_main_help(ctx.err);
    return report_failure(ctx, ExitCode::kUsage, "usage", "no command given");
  }
  const std::string_view first = args.front();
  if (first == "-h" || first == "--help") {
    print_main_help(ctx.out);
    return static_cast<int>(ExitCode::kOk);
  }
  if (first == "-V" || first == "--version") {
    return print_version(ctx);
  }
  if (first == "help") {
    if (args.size() == 1) {
      print_main_help(ctx.out);
      return static_cast<int>(ExitCode::kOk);
    }
    if (const Command* command = find_command(args[1])) {
      command->print_help(ctx.out);
      return static_cast<int>(ExitCode::kOk);
    }
    return report_failure(ctx, ExitCode::kUsage, "usage",
                          "unknown command '" + args[1] + "'; run 'callboard --help'");
  }
  if (!first.empty() && first.front() == '-') {
    return report_failure(ctx, ExitCode::kUsage, "usage",
                          "unknown option '" + args.front() + "'; run 'callboard --help'");
  }
  const Command* command = find_command(first);
  if (command == nullptr) {
    return report_failure(ctx, ExitCode::kUsage, "usage",
                          "unknown command '" + args.front() + "'; run 'callboard --help'");
  }
  return command->run(ctx, std::span<const std::string>(args).subspan(1));
}

}  // namespace

std::span<const Command> commands() noexcept { return kCommands; }

const Command* find_command(std::string_view name) noexcept {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

ExitCode exit_code_for(ErrorCode code) noexcept { return static_cast<ExitCode>(codec::exit_code_for(code)); }

int report_failure(Context& ctx, ExitCode exit_code, std::string_view code_name,
                   std::string_view message) {
  ctx.err << "callboard: " << message << '\n';
  if (ctx.json) {
    JsonWriter w;
    w.begin_object();
    w.key("error");
    w.begin_object();
    w.field("code", code_name);
    w.key("exit_code");
    w.uint(static_cast<std::uint64_t>(exit_code));
    w.field("message", message);
    w.end_object();
    w.end_object();
    ctx.out << w.take() << '\n';
  }
  return static_cast<int>(exit_code);
}

int report_error(Context& ctx, const Error& error) {
  ctx.err << "callboard: " << error.to_string() << '\n';
  if (ctx.json) ctx.out << codec::encode(error) << '\n';
  return codec::exit_code_for(error.code);
}

}  // namespace callboard::cli

int main(int argc, char** argv) {
  using callboard::cli::ExitCode;
  try {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    const int code = callboard::cli::run(args);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "callboard: could not write to standard output\n";
      return static_cast<int>(ExitCode::kInternal);
    }
    return code;
  } catch (const std::bad_alloc&) {
    std::cerr << "callboard: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "callboard: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "callboard: internal error: unknown exception\n";
  }
  return static_cast<int>(ExitCode::kInternal);
}
