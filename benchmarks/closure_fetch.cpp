// closure_fetch: times Registry::fetch_closure against the registry the
// user's npm configuration names (as `callboard index` reaches it: the same
// transport options), into a SQLite database.
//
//   closure_fetch [--db sqlite:/path.db] [--concurrency N] [--refresh] <name>[@<range>]...
//
// Without --db a temporary database is used and removed afterwards; run it
// twice with the same --db to time a run where everything is stored. Prints
// the report's counts, wall and CPU time and peak RSS. Not run by ctest (it
// needs the network); the numbers are in benchmarks/RESULTS.md.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/backend/transport.hpp"
#include "callboard/npm_config.hpp"
#include "callboard/registry.hpp"
#include "callboard/version.hpp"

using namespace callboard;

namespace {

/// "<name>[@range]": the last '@' not at the start separates the range.
Requirement parse_root(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) return {std::string(text), "*", "command line"};
  return {std::string(text.substr(0, at)), std::string(text.substr(at + 1)), "command line"};
}

int usage() {
  std::cerr << "usage: closure_fetch [--db <storage url>] [--concurrency N] [--refresh] <name>[@<range>]...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::size_t concurrency = 32;  // the CLI's default for `callboard index`
  ClosureOptions options;
  std::vector<Requirement> roots;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if (arg == "--concurrency" && i + 1 < argc) {
      concurrency = static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--refresh") {
      options.refresh = true;
    } else if (arg.starts_with("--")) {
      return usage();
    } else {
      roots.push_back(parse_root(arg));
    }
  }
  if (roots.empty() || concurrency == 0) return usage();

  std::filesystem::path temp;
  if (db.empty()) {
    temp = std::filesystem::temp_directory_path() /
           ("closure-fetch-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(temp);
    db = "sqlite://" + (temp / "callboard.db").string();
  }
  int status = 0;
  {
    auto storage = backend::open_storage(db);
    if (!storage) {
      std::cerr << storage.error().to_string() << '\n';
      return 1;
    }
    auto npm = load_npm_config();
    if (!npm) {
      std::cerr << npm.error().to_string() << '\n';
      return 1;
    }
    backend::TransportOptions transport_options;
    transport_options.max_concurrency = concurrency;
    transport_options.user_agent = !npm->user_agent.empty() ? npm->user_agent : "callboard/" + std::string(version());
    transport_options.verify_tls = npm->strict_ssl;
    transport_options.ca_file = npm->cafile;
    transport_options.proxy = !npm->https_proxy.empty() ? npm->https_proxy : npm->http_proxy;
    transport_options.no_proxy = npm->no_proxy;
    auto transport = backend::make_curl_transport(transport_options);
    if (!transport) {
      std::cerr << transport.error().to_string() << '\n';
      return 1;
    }
    Registry registry(std::shared_ptr<backend::Storage>(std::move(*storage)),
                      std::shared_ptr<backend::Transport>(std::move(*transport)), std::move(*npm));

    const auto wall0 = std::chrono::steady_clock::now();
    const std::clock_t cpu0 = std::clock();
    auto report = registry.fetch_closure(roots, options);
    const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (!report) {
      std::cerr << report.error().to_string() << '\n';
      status = 1;
    } else {
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      std::printf("packages %zu\nfetched %zu\nstored_already %zu\nmissing %zu\nfailures %zu\nrequests %zu\n"
                  "bytes %llu\nwall_s %.2f\ncpu_s %.2f\npeak_rss_mb %.1f\n",
                  report->packages, report->fetched, report->stored_already, report->missing.size(),
                  report->failures.size(), report->requests, static_cast<unsigned long long>(report->bytes), wall,
                  cpu, static_cast<double>(usage.ru_maxrss) / 1024.0);
      for (const auto& m : report->missing) {
        std::printf("missing %s (%zu requirers, first: %s)\n", m.name.c_str(), m.requirers,
                    m.required_by.empty() ? "" : m.required_by.front().c_str());
      }
      for (const auto& f : report->failures) {
        std::printf("failure %s: %s\n", f.package.c_str(), f.error.to_string().c_str());
      }
    }
  }
  if (!temp.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp, ec);
  }
  return status;
}
