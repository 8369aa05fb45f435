// `callboard index`, `search`, `info` and `releases`: the registry from the
// command line.
//
// Storage comes from --db (or CALLBOARD_DB), default `sqlite:callboard.db`
// in the current directory. The npm registry and its credentials come from
// the user's npm configuration, exactly as npm would read it.

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "callboard/backend/transport.hpp"
#include "callboard/codec.hpp"
#include "callboard/registry.hpp"
#include "callboard/session.hpp"
#include "callboard/version.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"

namespace callboard::cli {
namespace {


std::string human_bytes(std::uint64_t bytes) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1);
  if (bytes >= (1u << 20)) {
    out << static_cast<double>(bytes) / (1u << 20) << " MB";
  } else if (bytes >= 1024) {
    out << static_cast<double>(bytes) / 1024 << " KB";
  } else {
    out << bytes << " B";
  }
  return out.str();
}

std::string with_commas(std::size_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

// ---- Ctrl-C -> stop_source -----------------------------------------------

/// Blocks SIGINT/SIGTERM in every thread and turns the first one into a stop
/// request from a helper thread (sigwait), so the library sees an ordinary
/// std::stop_token and no code runs inside a signal handler.
class InterruptToStop {
 public:
  InterruptToStop() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    waiter_ = std::jthread([this](std::stop_token own) {
      while (!own.stop_requested()) {
        timespec timeout{0, 100'000'000};
        if (sigtimedwait(&set_, nullptr, &timeout) > 0) {
          interrupted_ = true;
          source_.request_stop();
          return;
        }
      }
    });
  }
  ~InterruptToStop() {
    waiter_.request_stop();
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  InterruptToStop(const InterruptToStop&) = delete;
  InterruptToStop& operator=(const InterruptToStop&) = delete;

  [[nodiscard]] std::stop_token token() const { return source_.get_token(); }
  [[nodiscard]] bool interrupted() const { return interrupted_; }

 private:
  sigset_t set_{};
  sigset_t old_{};
  std::stop_source source_;
  std::atomic<bool> interrupted_{false};
  std::jthread waiter_;
};

// ---- Progress bar ----------------------------------------------------------

class ProgressBar {
 public:
  ProgressBar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1) {}

  void update(const IndexProgress& p) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool final = p.phase == IndexPhase::kDone;
    if (!final && last_phase_ == p.phase && now - last_ < std::chrono::milliseconds(tty_ ? 100 : 2000)) return;
    last_ = now;
    last_phase_ = p.phase;
    const std::size_t total = p.done + p.queued;
    const double fraction = total == 0 ? 0.0 : static_cast<double>(p.done) / static_cast<double>(total);
    std::ostringstream line;
    if (p.phase == IndexPhase::kFetch || final) {
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(fraction * kWidth);
      line << '[' << std::string(static_cast<std::size_t>(filled), '#')
           << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << p.done << '/' << total
           << " packages, " << p.queued << " queued, " << human_bytes(p.bytes) << ", " << p.failed
           << (p.failed == 1 ? " error" : " errors");
      if (!final && !p.current.empty()) line << "  " << p.current;
    } else if (p.phase == IndexPhase::kPlugins) {
      line << "grouping packages into plugins and scoring them...";
    } else {
      line << "reading seed data...";
    }
    std::string text = line.str();
    if (tty_) {
      constexpr std::size_t kMax = 110;
      if (text.size() > kMax) text.resize(kMax);
      err_ << "\r\x1b[2K" << text << (final ? "\n" : "") << std::flush;
    } else {
      err_ << text << '\n';
    }
  }

 private:
  std::ostream& err_;
  bool enabled_;
  bool tty_;
  std::chrono::steady_clock::time_point last_{};
  std::optional<IndexPhase> last_phase_;
};

}  // namespace

// ---- index -----------------------------------------------------------------

void print_index_help(std::ostream& out) {
  out << "Usage: callboard index [options]\n"
         "\n"
         "Indexes Backstage plugins from the npm registry your npm configuration names\n"
         "(NPM_CONFIG_REGISTRY, .npmrc files, per-scope registries and tokens) into the\n"
         "database. Starts from the ecosystem list, the Backstage release manifests and the\n"
         "plugin directory shipped with callboard, and follows every Backstage link until\n"
         "closure. A second run asks only with conditional requests and rewrites only what\n"
         "changed. Ctrl-C stops cleanly; what was fetched is kept.\n"
         "\n"
         "Options:\n"
         "  --db URL            storage (default: $CALLBOARD_DB or sqlite:callboard.db)\n"
         "  --package NAME      also index this package (repeatable)\n"
         "  --local PATH        index a local folder or .tgz as a package (repeatable)\n"
         "  --no-seed           do not start from the shipped ecosystem seed data\n"
         "  --no-follow         do not follow links to other packages\n"
         "  --data DIR          seed data folder (default: callboard's share/callboard/data)\n"
         "  --concurrency N     requests in flight (default 32)\n"
         "  --quiet             no progress bar\n";
}

int run_index(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"db", "package", "local", "data", "concurrency"},
                               {"no-seed", "no-follow", "quiet", "help"});
  if (args.has("help")) {
    print_index_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "index", args.error);
  if (!args.positional.empty()) return usage_error(ctx, "index", "unexpected argument '" + args.positional[0] + "'");
  std::size_t concurrency = kDefaultIndexConcurrency;
  if (auto c = args.get("concurrency")) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(c->c_str(), &end, 10);
    if (end == c->c_str() || *end != '\0' || v == 0 || v > 256) {
      return usage_error(ctx, "index", "--concurrency takes a number from 1 to 256");
    }
    concurrency = v;
  }
  auto session = open_session(args, concurrency);
  if (!session) return report_error(ctx, session.error());

  IndexOptions options;
  options.seed_ecosystem = !args.has("no-seed");
  options.follow_links = !args.has("no-follow");
  options.packages = args.all("package");
  for (const auto& l : args.all("local")) options.local_sources.emplace_back(l);
  if (auto d = args.get("data")) options.data_dir = *d;

  ProgressBar bar(ctx.err, !args.has("quiet"));
  InterruptToStop interrupt;
  auto result = session->index(options, [&](const IndexProgress& p) { bar.update(p); }, interrupt.token());
  if (!result) return report_error(ctx, result.error());
  const IndexReport& r = *result;
  if (ctx.json) {
    ctx.out << codec::encode(r) << '\n';
  } else {
    ctx.out << "Indexed " << with_commas(r.packages) << " packages (" << with_commas(r.versions)
            << " versions) into " << session->storage_url() << " in " << std::fixed << std::setprecision(1)
            << static_cast<double>(r.elapsed.count()) / 1000.0 << " s\n"
            << "  fetched " << r.totals.done << ": " << r.totals.changed << " new or changed, " << r.totals.unchanged
            << " unchanged, " << r.totals.not_found << " not found, " << r.totals.failed << " failed ("
            << r.totals.requests << " requests, " << human_bytes(r.totals.bytes) << ")\n"
            << "  " << with_commas(r.plugins) << " plugins, " << r.releases << " Backstage releases, "
            << r.directory_entries << " plugin-directory entries\n";
    for (const auto& f : r.failures) {
      ctx.out << "  failed: " << f.package << ": " << f.error.message << '\n';
    }
    if (!r.missing.empty()) {
      ctx.out << "  not in the registry (" << r.missing.size() << "):";
      for (std::size_t i = 0; i < r.missing.size() && i < 8; ++i) ctx.out << ' ' << r.missing[i];
      if (r.missing.size() > 8) ctx.out << " ...";
      ctx.out << '\n';
    }
  }
  return r.failures.empty() ? 0 : static_cast<int>(ExitCode::kUnavailable);
}

// ---- search ----------------------------------------------------------------

void print_search_help(std::ostream& out) {
  out << "Usage: callboard search [<text>...] [options]\n"
         "\n"
         "Ranked full-text search over plugin names, titles, descriptions and keywords,\n"
         "with facets. The last word matches as a prefix.\n"
         "\n"
         "Options:\n"
         "  --role ROLE             frontend-plugin, backend-plugin, backend-plugin-module, ... (repeatable)\n"
         "  --category NAME         plugin-directory category (repeatable)\n"
         "  --backend-system S      legacy | new | transitional\n"
         "  --frontend-system S     legacy | new | transitional\n"
         "  --release V             supports Backstage release V (1.53 or 1.53.0)\n"
         "  --no-deprecated         leave deprecated plugins out\n"
         "  --limit N, --offset N   paging (default 20, 0)\n"
         "  --db URL                storage (default: $CALLBOARD_DB or sqlite:callboard.db)\n";
}

static std::optional<std::size_t> parse_count(const std::optional<std::string>& text, std::size_t fallback) {
  if (!text) return fallback;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text->c_str(), &end, 10);
  if (end == text->c_str() || *end != '\0' || v > 1'000'000) return std::nullopt;
  return static_cast<std::size_t>(v);
}

static std::string truncate(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(text.substr(0, cut)) + "...";
}

static std::string roles_of(const Plugin& p) {
  std::vector<std::string> roles;
  for (const auto& pkg : p.packages) roles.emplace_back(to_string(pkg.role));
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ", ") + r;
  return out;
}

int run_search(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(
      raw, {"db", "role", "category", "backend-system", "frontend-system", "release", "limit", "offset"},
      {"no-deprecated", "help"});
  if (args.has("help")) {
    print_search_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "search", args.error);
  backend::SearchQuery query;
  for (const auto& word : args.positional) query.text += (query.text.empty() ? "" : " ") + word;
  for (const auto& r : args.all("role")) {
    auto role = parse_package_role(r);
    if (!role) return usage_error(ctx, "search", "unknown role '" + r + "'");
    query.roles.push_back(*role);
  }
  query.categories = args.all("category");
  for (auto [name, field] : {std::pair{"backend-system", &query.backend_system},
                             std::pair{"frontend-system", &query.frontend_system}}) {
    if (auto s = args.get(name)) {
      auto system = parse_plugin_system(*s);
      if (!system) return usage_error(ctx, "search", "--" + std::string(name) + " takes legacy, new or transitional");
      *field = *system;
    }
  }
  query.supports_release = args.get("release").value_or("");
  query.include_deprecated = !args.has("no-deprecated");
  const auto limit = parse_count(args.get("limit"), 20);
  const auto offset = parse_count(args.get("offset"), 0);
  if (!limit || !offset) return usage_error(ctx, "search", "--limit and --offset take a number");
  query.limit = *limit;
  query.offset = *offset;

  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto page = session->search(query);
  if (!page) return report_error(ctx, page.error());

  if (ctx.json) {
    ctx.out << codec::encode(*page, query.offset) << '\n';
    return 0;
  }
  if (page->hits.empty()) {
    ctx.out << "No plugins match";
    if (!query.text.empty()) ctx.out << " '" << query.text << "'";
    ctx.out << ".\n";
    return static_cast<int>(ExitCode::kNegative);
  }
  ctx.out << page->total << (page->total == 1 ? " plugin" : " plugins") << " match";
  if (!query.text.empty()) ctx.out << " '" << query.text << "'";
  if (query.offset > 0 || page->hits.size() < page->total) {
    ctx.out << " (showing " << query.offset + 1 << "-" << query.offset + page->hits.size() << ")";
  }
  ctx.out << ":\n\n";
  std::size_t rank = query.offset;
  for (const auto& hit : page->hits) {
    const Plugin& p = hit.plugin;
    ctx.out << std::setw(3) << ++rank << ". " << p.id;
    if (!p.title.empty() && p.title != p.id) ctx.out << " - " << p.title;
    ctx.out << "  [score " << std::fixed << std::setprecision(0) << p.score.total << "]";
    if (p.deprecated) ctx.out << " (deprecated)";
    ctx.out << '\n';
    if (!p.description.empty()) ctx.out << "     " << truncate(p.description, 100) << '\n';
    std::string pkgs;
    for (const auto& pkg : p.packages) pkgs += (pkgs.empty() ? "" : ", ") + pkg.name;
    if (!pkgs.empty()) ctx.out << "     packages: " << truncate(pkgs, 100) << '\n';
    std::string meta = roles_of(p);
    if (p.backend_system != PluginSystem::kNotApplicable) {
      meta += std::string(meta.empty() ? "" : "; ") + "backend: " + std::string(to_string(p.backend_system));
    }
    if (p.frontend_system != PluginSystem::kNotApplicable) {
      meta += std::string(meta.empty() ? "" : "; ") + "frontend: " + std::string(to_string(p.frontend_system));
    }
    if (!p.supported_releases.empty()) {
      meta += "; Backstage " + p.supported_releases.front() + " - " + p.supported_releases.back();
    }
    if (!meta.empty()) ctx.out << "     " << meta << '\n';
  }
  for (const auto& facet : page->facets) {
    if (facet.counts.empty()) continue;
    ctx.out << '\n' << facet.name << ":";
    std::size_t shown = 0;
    for (const auto& c : facet.counts) {
      if (++shown > 8) {
        ctx.out << " ...";
        break;
      }
      ctx.out << ' ' << c.value << " (" << c.count << ')';
    }
  }
  ctx.out << '\n';
  return 0;
}

// ---- info ------------------------------------------------------------------

void print_info_help(std::ostream& out) {
  out << "Usage: callboard info <package | pluginId> [--db URL]\n"
         "\n"
         "Shows an indexed package (versions, dist-tags, Backstage metadata) and the plugin\n"
         "it belongs to: its packages and modules, directory entry, supported releases,\n"
         "and the quality score with every factor and its value.\n";
}

static std::string date_of(Timestamp t) {
  if (t == Timestamp{}) return "unknown";
  return format_timestamp(t).substr(0, 10);
}

int run_info(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"db"}, {"help"});
  if (args.has("help")) {
    print_info_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "info", args.error);
  if (args.positional.size() != 1) return usage_error(ctx, "info", "expected one package name or plugin id");
  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto info = session->info(InfoRequest{args.positional[0]});
  if (!info) return report_error(ctx, info.error());
  if (ctx.json) {
    ctx.out << codec::encode(*info) << '\n';
    return 0;
  }
  const PackageInfo& i = *info;
  const Packument& pk = i.packument;
  const Manifest* latest = pk.latest();
  ctx.out << pk.name;
  if (latest != nullptr) ctx.out << '@' << latest->version;
  ctx.out << '\n';
  if (!pk.description.empty()) ctx.out << "  " << pk.description << '\n';
  if (latest != nullptr) {
    ctx.out << "  role: " << to_string(detect_role(*latest));
    if (latest->backstage && latest->backstage->plugin_id) ctx.out << ", pluginId: " << *latest->backstage->plugin_id;
    ctx.out << '\n';
    if (!latest->license.empty()) ctx.out << "  license: " << latest->license << '\n';
    if (latest->deprecated) ctx.out << "  DEPRECATED: " << *latest->deprecated << '\n';
    if (latest->backstage && latest->backstage->moved) ctx.out << "  moved to: " << *latest->backstage->moved << '\n';
  }
  ctx.out << "  " << pk.versions.size() << " versions";
  if (!pk.versions.empty()) {
    ctx.out << ", " << pk.versions.front().version << " (" << date_of(pk.versions.front().published) << ") to "
            << pk.versions.back().version << " (" << date_of(pk.versions.back().published) << ")";
  }
  ctx.out << '\n';
  for (const auto& [tag, v] : pk.dist_tags) ctx.out << "  dist-tag " << tag << ": " << v << '\n';
  if (i.plugin) {
    const Plugin& p = *i.plugin;
    ctx.out << "\nPlugin " << p.id << (p.declared_id ? "" : " (id derived from the package name)");
    if (!p.title.empty()) ctx.out << " - " << p.title;
    ctx.out << '\n';
    if (!p.category.empty()) ctx.out << "  category: " << p.category << '\n';
    for (const auto& pkg : p.packages) {
      ctx.out << "  package " << pkg.name << '@' << pkg.latest_version << " (" << to_string(pkg.role) << ")\n";
    }
    for (const auto& m : p.modules) {
      ctx.out << "  module  " << m.name << '@' << m.latest_version << " (" << to_string(m.role) << ")\n";
    }
    ctx.out << "  backend system: " << to_string(p.backend_system)
            << ", frontend system: " << to_string(p.frontend_system) << '\n';
    if (p.supported_releases.empty()) {
      ctx.out << "  supports no stored Backstage release without duplicating a singleton\n";
    } else {
      ctx.out << "  supports " << p.supported_releases.size() << " Backstage releases, "
              << p.supported_releases.front() << " to " << p.supported_releases.back() << '\n';
    }
    if (p.directory) {
      ctx.out << "  directory: " << p.directory->id << ".yaml";
      if (!p.directory->status.empty()) ctx.out << ", status " << p.directory->status;
      if (!p.directory->author.empty()) ctx.out << ", by " << p.directory->author;
      ctx.out << '\n';
    }
    ctx.out << "  score " << std::fixed << std::setprecision(1) << p.score.total << "/100:\n";
    for (const auto& f : p.score.factors) {
      ctx.out << "    " << std::left << std::setw(28) << f.label << std::right << std::setprecision(2) << f.value
              << " x " << std::setprecision(2) << f.weight << "  " << f.detail << '\n';
    }
  }
  if (i.sync) {
    ctx.out << "\n  last checked " << (i.sync->checked == Timestamp{} ? "never" : format_timestamp(i.sync->checked))
            << ", last changed " << (i.sync->changed == Timestamp{} ? "never" : format_timestamp(i.sync->changed))
            << " (" << backend::to_string(i.sync->source) << ")\n";
  }
  return 0;
}

// ---- releases --------------------------------------------------------------

void print_releases_help(std::ostream& out) {
  out << "Usage: callboard releases list [--db URL]\n"
         "       callboard releases import <folder|url> [--db URL]\n"
         "\n"
         "Backstage release manifests (versions.backstage.io format). `import` reads every\n"
         "<version>.json or <version>/manifest.json in a folder, e.g. a checkout of\n"
         "backstage/versions' v1/releases, or fetches one manifest from an http(s) URL\n"
         "(v1/releases/<version>/manifest.json).\n";
}

int run_releases(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"db"}, {"help"});
  if (args.has("help")) {
    print_releases_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "releases", args.error);
  if (args.positional.empty()) return usage_error(ctx, "releases", "expected 'list' or 'import <folder|url>'");
  const std::string& sub = args.positional[0];
  if (sub != "import" && sub != "list") return usage_error(ctx, "releases", "unknown subcommand '" + sub + "'");
  auto session = open_session(args, 1);
  if (!session) return report_error(ctx, session.error());
  if (sub == "import") {
    if (args.positional.size() != 2) return usage_error(ctx, "releases", "'import' takes one folder or URL");
    const std::string& from = args.positional[1];
    auto report = session->import_releases(ReleaseImportRequest{from});
    if (!report) return report_error(ctx, report.error());
    if (ctx.json) {
      ctx.out << codec::encode(*report) << '\n';
    } else if (!report->versions.empty()) {
      ctx.out << "Imported the release manifest of Backstage " << report->versions.front() << " from "
              << backend::redact_url(from) << '\n';
    } else {
      ctx.out << "Imported " << report->imported << " release manifests from " << from << '\n';
    }
    return 0;
  }
  // `list` only reads: it must not leave an empty database behind (the
  // Session opens the storage for reading only).
  auto list = session->releases();
  if (!list) return report_error(ctx, list.error());
  if (ctx.json) {
    ctx.out << codec::encode(*list) << '\n';
  } else {
    for (const auto& v : list->versions) ctx.out << v << '\n';
  }
  return 0;
}


}  // namespace callboard::cli
