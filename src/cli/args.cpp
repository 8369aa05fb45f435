#include "cli/args.hpp"

#include <algorithm>
#include <cstdlib>

namespace callboard::cli {

std::optional<std::string> ParsedArgs::get(std::string_view name) const {
  std::optional<std::string> last;
  for (const auto& [k, v] : options) {
    if (k == name) last = v;
  }
  return last;
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : options) {
    if (k == name) out.push_back(v);
  }
  return out;
}

ParsedArgs parse_args(std::span<const std::string> args, std::initializer_list<std::string_view> value_options,
                      std::initializer_list<std::string_view> flags) {
  ParsedArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      for (++i; i < args.size(); ++i) parsed.positional.push_back(args[i]);
      break;
    }
    if (arg == "-h") {
      parsed.options.emplace_back("help", "");
      continue;
    }
    if (arg.size() > 2 && arg.starts_with("--")) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (const auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (std::find(value_options.begin(), value_options.end(), name) != value_options.end()) {
        if (inline_value) {
          parsed.options.emplace_back(name, *inline_value);
        } else if (i + 1 < args.size()) {
          parsed.options.emplace_back(name, args[++i]);
        } else {
          parsed.error = "option --" + name + " needs a value";
          return parsed;
        }
      } else if (std::find(flags.begin(), flags.end(), name) != flags.end() && !inline_value) {
        parsed.options.emplace_back(name, "");
      } else {
        parsed.error = "unknown option '" + arg + "'";
        return parsed;
      }
    } else {
      parsed.positional.push_back(arg);
    }
  }
  return parsed;
}

int usage_error(Context& ctx, std::string_view command, const std::string& message) {
  return report_failure(ctx, ExitCode::kUsage, "usage",
                        message + "; run 'callboard " + std::string(command) + " --help'");
}

std::string db_url(const std::optional<std::string>& db_option) {
  return db_option ? *db_option : default_storage_url();
}

Result<Session> open_session(const std::optional<std::string>& db, std::size_t concurrency) {
  SessionOptions options;
  options.storage = db_url(db);
  options.max_concurrency = concurrency;
  return Session::open(std::move(options));
}

}  // namespace callboard::cli
