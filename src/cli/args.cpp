#include "callboard/backend/transport.hpp"
#include "callboard/npm_config.hpp"
#include "callboard/version.hpp"
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
  if (db_option) return *db_option;
  if (const char* env = std::getenv("CALLBOARD_DB"); env != nullptr && *env != '\0') return env;
  return std::string(kDefaultDb);
}

Result<std::shared_ptr<backend::Storage>> open_db(const ParsedArgs& args) {
  auto storage = backend::open_storage(db_url(args));
  if (!storage) return std::move(storage).error();
  return std::shared_ptr<backend::Storage>(std::move(*storage));
}

Result<std::shared_ptr<backend::Storage>> open_existing_db(const ParsedArgs& args) {
  const std::string url = db_url(args);
  backend::StorageOpenOptions options;
  options.create_if_missing = false;
  auto storage = backend::open_storage(url, options);
  if (!storage) {
    Error error = std::move(storage).error();
    // Only a backend's missing-database error names a "database"; the path
    // it names is the one the user gave (never credentials).
    if (error.code == ErrorCode::kNotFound && !error.detail("database").empty()) {
      const std::string where(error.detail("database"));
      error.message = "there is no index at " + where +
                      "; run 'callboard index' to make one, or name an existing one with --db or CALLBOARD_DB";
    }
    return error;
  }
  return std::shared_ptr<backend::Storage>(std::move(*storage));
}

Result<Session> open_session(const std::optional<std::string>& db, std::size_t concurrency) {
  SessionOptions options;
  options.storage = db_url(db);
  options.max_concurrency = concurrency;
  return Session::open(std::move(options));
}

Result<Registry> open_registry(const ParsedArgs& args, std::size_t concurrency) {
  auto storage = open_db(args);
  if (!storage) return std::move(storage).error();
  auto npm = load_npm_config();
  if (!npm) return std::move(npm).error();
  backend::TransportOptions options;
  options.max_concurrency = concurrency;
  options.user_agent = "callboard/" + std::string(callboard::version());
  if (!npm->user_agent.empty()) options.user_agent = npm->user_agent;
  options.verify_tls = npm->strict_ssl;
  options.ca_file = npm->cafile;
  options.proxy = !npm->https_proxy.empty() ? npm->https_proxy : npm->http_proxy;
  options.no_proxy = npm->no_proxy;
  auto transport = backend::make_curl_transport(options);
  if (!transport) return std::move(transport).error();
  return Registry(std::move(*storage), std::shared_ptr<backend::Transport>(std::move(*transport)),
                  std::move(*npm));
}

}  // namespace callboard::cli
