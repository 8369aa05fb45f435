// The compatibility scanner's throughput: the full support matrix of every
// indexed plugin version x every Backstage release, on one core.
//
//   build/<dir>/bin/callboard index --db sqlite:/tmp/callboard-bench.db
//   build/<dir>/benchmarks/compat_bench --db=sqlite:/tmp/callboard-bench.db
//
// Without --db (or CALLBOARD_BENCH_DB) it runs on the packument fixtures in
// tests/fixtures/packuments (4 real packages, 56 versions): enough for a
// smoke test, too small for a measurement. Releases come from the database,
// else from data/releases.
//
// Counters: "checks/s" is plugin-version x release cells per second (the
// issue's goal: over one million on one core); "cells" is their number per
// iteration.
//
//   BM_MatrixCold   a fresh MatrixBuilder per iteration: every distinct
//                   (package, specifier) pair is resolved against every
//                   release again, so this is the whole cost of a matrix
//   BM_MatrixColdWithApp  the same with examples/sample-app as the host
//   BM_MatrixWarm   one builder across iterations (a long-lived server)
//   BM_ScanFindings scan() with findings and messages, one cell at a time
//                   (what `callboard scan` does; the slow, explaining path)
//   BM_CatalogBuild pre-resolving every release manifest into the flat table

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/compat.hpp"
#include "callboard/model.hpp"

namespace {

using namespace callboard;

std::string g_db;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Data {
  std::vector<Release> releases;
  std::vector<Packument> packuments;
  std::size_t versions = 0;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    if (!g_db.empty()) {
      auto storage = backend::open_storage(g_db);
      if (!storage) {
        std::cerr << "compat_bench: " << storage.error().to_string() << '\n';
        std::exit(2);
      }
      auto names = (*storage)->package_names();
      if (names) {
        for (const auto& n : *names) {
          auto p = (*storage)->packument(n);
          if (p && *p) out.packuments.push_back(std::move(**p));
        }
      }
      auto versions = (*storage)->release_versions();
      if (versions) {
        for (const auto& v : *versions) {
          auto r = (*storage)->release(v);
          if (r && *r) out.releases.push_back(std::move(**r));
        }
      }
    } else {
      for (const auto& e : std::filesystem::directory_iterator(CALLBOARD_PACKUMENT_FIXTURES)) {
        auto p = parse_packument(read_text(e.path()));
        if (p) out.packuments.push_back(std::move(*p));
      }
    }
    if (out.releases.empty()) {
      for (const auto& e : std::filesystem::directory_iterator(
               std::filesystem::path(CALLBOARD_DATA_DIR) / "releases")) {
        if (e.path().extension() != ".json") continue;
        auto r = parse_release(read_text(e.path()));
        if (r) out.releases.push_back(std::move(*r));
      }
    }
    std::sort(out.packuments.begin(), out.packuments.end(),
              [](const Packument& a, const Packument& b) { return a.name < b.name; });
    for (const auto& p : out.packuments) out.versions += p.versions.size();
    std::cerr << "compat_bench: " << out.packuments.size() << " packages, " << out.versions
              << " versions, " << out.releases.size() << " releases ("
              << (g_db.empty() ? "fixtures" : g_db) << ")\n";
    return out;
  }();
  return d;
}

const compat::ReleaseCatalog& catalog() {
  static const compat::ReleaseCatalog c(data().releases);
  return c;
}

void set_counters(benchmark::State& state, std::size_t cells_per_iteration) {
  state.counters["cells"] = static_cast<double>(cells_per_iteration);
  state.counters["checks/s"] = benchmark::Counter(
      static_cast<double>(cells_per_iteration) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

/// One support matrix per packument; returns the cells built.
std::size_t build_all(compat::MatrixBuilder& builder, const Data& d) {
  std::size_t cells = 0;
  for (const auto& p : d.packuments) {
    compat::SupportMatrix m = builder.build(p);
    cells += m.tiers.size();
    benchmark::DoNotOptimize(m.tiers.data());
  }
  return cells;
}

void BM_MatrixCold(benchmark::State& state) {
  const Data& d = data();
  const compat::ReleaseCatalog& c = catalog();
  std::size_t cells = 0;
  for (auto _ : state) {
    compat::MatrixBuilder builder(c);
    cells = build_all(builder, d);
  }
  set_counters(state, cells);
}
BENCHMARK(BM_MatrixCold)->Unit(benchmark::kMillisecond);

void BM_MatrixColdWithApp(benchmark::State& state) {
  // The same with the sample app as host: role, engines, peers and plugin
  // systems are checked too.
  const Data& d = data();
  auto app = load_app_profile(CALLBOARD_SAMPLE_APP);
  if (!app) {
    state.SkipWithError(app.error().to_string().c_str());
    return;
  }
  const compat::HostProfile host = compat::host_from_app(*app);
  compat::ScanOptions options;
  options.host = &host;
  std::size_t cells = 0;
  for (auto _ : state) {
    compat::MatrixBuilder builder(catalog(), options);
    cells = build_all(builder, d);
  }
  set_counters(state, cells);
}
BENCHMARK(BM_MatrixColdWithApp)->Unit(benchmark::kMillisecond);

void BM_MatrixWarm(benchmark::State& state) {
  const Data& d = data();
  compat::MatrixBuilder builder(catalog());
  for (const auto& p : d.packuments) benchmark::DoNotOptimize(builder.build(p).tiers.size());
  std::size_t cells = 0;
  for (auto _ : state) {
    cells = build_all(builder, d);
  }
  set_counters(state, cells);
}
BENCHMARK(BM_MatrixWarm)->Unit(benchmark::kMillisecond);

void BM_ScanFindings(benchmark::State& state) {
  // Every version of every package against one release per iteration step,
  // cycling through the releases so all of them are covered.
  const Data& d = data();
  const compat::ReleaseCatalog& c = catalog();
  std::vector<const Manifest*> manifests;
  for (const auto& p : d.packuments) {
    for (const auto& m : p.versions) manifests.push_back(&m);
  }
  std::size_t i = 0;
  std::size_t cells = 0;
  for (auto _ : state) {
    const Manifest& m = *manifests[i % manifests.size()];
    const std::string& release = c.releases()[(i / manifests.size() + i) % c.releases().size()];
    auto r = compat::scan(m, c, release);
    benchmark::DoNotOptimize(r.ok());
    ++i;
    cells = 1;
  }
  set_counters(state, cells);
}
BENCHMARK(BM_ScanFindings);

void BM_CatalogBuild(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    compat::ReleaseCatalog c(d.releases);
    benchmark::DoNotOptimize(c.releases().size());
  }
}
BENCHMARK(BM_CatalogBuild)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (const char* env = std::getenv("CALLBOARD_BENCH_DB"); env != nullptr) g_db = env;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--db=", 5) == 0) {
      g_db = argv[i] + 5;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  data();  // load before timing, and print what was loaded
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
