// Solver benchmarks (Google Benchmark).
//
// Pathological generators, after pubgrub-rs benches/backtracking.rs, all
// with single-copy semantics (every package a singleton) so conflicts are
// real, plus one with npm semantics:
//   BM_BacktrackingChains/P/V   root -> p1 *; p(n)@v -> p(n+1)@=v; the last
//                               package does not exist, so every chain
//                               fails until p1's dependency-free 0.0.0
//   BM_DisjointVersions/P/V     root -> every p *; p(i)@v -> p(i+1)@=v; the
//                               last package exists only at 0.0.0
//   BM_WideRanges/P/V           p(i)@v -> three later packages >=k (solvable)
//   BM_WideRangesNpm/P/V        the same with npm semantics (nothing is a singleton)
//   BM_Ranges/P/V               p(n)@v -> p(n+1) >=V-v (pubgrub-rs backtracking_ranges)
//
// Real instance (only with --db=<sqlite url> or CALLBOARD_SOLVER_DB, e.g. the
// database `callboard index` filled): every plugin package in the index
// against every Backstage minor release x.y.0 from 1.20.0 on, on an empty
// app with the release's pins: which version fits. BM_RealMatrix solves the
// whole matrix per iteration; the first run prints a summary to stderr and,
// with --matrix-csv=<file>, writes every cell (package,release,version).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/semver.hpp"
#include "callboard/solver.hpp"

using namespace callboard;
using namespace callboard::solver;

namespace {

std::string db_url;
std::string matrix_csv;  // --matrix-csv=<file>: package,release,fitting version ("" = none)

Manifest version(const std::string& name, int v) {
  Manifest m;
  m.name = name;
  m.version = std::to_string(v) + ".0.0";
  return m;
}

std::string pkg(int i) { return "p" + std::to_string(i); }

/// Adds packages pkg(first) .. pkg(end - 1) to `source`, `count(n)`
/// versions 0.0.0, 1.0.0, ... each; `link(manifest, n, v)` adds dependencies.
template <typename Count, typename Link>
void add_packages(MemoryPackageSource& source, int first, int end, Count count, Link link) {
  for (int n = first; n < end; ++n) {
    Packument p;
    p.name = pkg(n);
    for (int v = 0; v < count(n); ++v) {
      Manifest m = version(p.name, v);
      link(m, n, v);
      p.versions.push_back(std::move(m));
    }
    source.add(std::move(p));
  }
}

void run(benchmark::State& state, MemoryPackageSource& source, SolveRequest request, bool expect_ok) {
  std::size_t decisions = 0, conflicts = 0;
  for (auto _ : state) {
    auto out = solve(request, source);
    if (!out || out->ok() != expect_ok) {
      state.SkipWithError("unexpected outcome");
      return;
    }
    const SolveStats& s = out->plan ? out->plan->stats : out->conflict->stats;
    decisions = s.decisions;
    conflicts = s.conflicts;
    benchmark::DoNotOptimize(out);
  }
  state.counters["decisions"] = static_cast<double>(decisions);
  state.counters["conflicts"] = static_cast<double>(conflicts);
}

void BM_BacktrackingChains(benchmark::State& state) {
  const int packages = static_cast<int>(state.range(0));
  const int versions = static_cast<int>(state.range(1));
  MemoryPackageSource source;
  add_packages(
      source, 1, packages, [&](int) { return versions; },
      [](Manifest& m, int n, int v) {
        if (!(n == 1 && v == 0)) m.dependencies[pkg(n + 1)] = "=" + std::to_string(v) + ".0.0";
      });
  SolveRequest request;
  request.options.all_singletons = true;
  request.changes.push_back({ChangeKind::kAdd, pkg(1), "*", {}});
  run(state, source, request, true);
}

void BM_DisjointVersions(benchmark::State& state) {
  const int packages = static_cast<int>(state.range(0));
  const int versions = static_cast<int>(state.range(1));
  MemoryPackageSource source;
  add_packages(
      source, 0, packages, [&](int n) { return n + 1 == packages ? 1 : versions; },
      [&](Manifest& m, int n, int v) {
        if (n + 1 < packages) m.dependencies[pkg(n + 1)] = "=" + std::to_string(v) + ".0.0";
      });
  SolveRequest request;
  request.options.all_singletons = true;
  for (int n = 0; n < packages; ++n) request.changes.push_back({ChangeKind::kAdd, pkg(n), "*", {}});
  run(state, source, request, true);
}

void wide(benchmark::State& state, bool npm) {
  const int packages = static_cast<int>(state.range(0));
  const int versions = static_cast<int>(state.range(1));
  MemoryPackageSource source;
  add_packages(
      source, 0, packages, [&](int) { return versions; },
      [&](Manifest& m, int n, int v) {
        for (int k = 1; k <= 3 && n + k < packages; ++k) {
          m.dependencies[pkg(n + k)] = ">=" + std::to_string(v / (k + 1)) + ".0.0";
        }
      });
  SolveRequest request;
  request.options.all_singletons = !npm;
  if (npm) request.options.singletons.clear();
  request.changes.push_back({ChangeKind::kAdd, pkg(0), "*", {}});
  run(state, source, request, true);
}
void BM_WideRanges(benchmark::State& state) { wide(state, false); }
void BM_WideRangesNpm(benchmark::State& state) { wide(state, true); }

void BM_Ranges(benchmark::State& state) {
  const int packages = static_cast<int>(state.range(0));
  const int versions = static_cast<int>(state.range(1));
  MemoryPackageSource source;
  add_packages(
      source, 0, packages, [&](int) { return versions; },
      [&](Manifest& m, int n, int v) { m.dependencies[pkg(n + 1)] = ">=" + std::to_string(versions - v) + ".0.0"; });
  add_packages(
      source, packages, packages + 1, [&](int) { return versions; }, [](Manifest&, int, int) {});
  SolveRequest request;
  request.options.all_singletons = true;
  request.changes.push_back({ChangeKind::kAdd, pkg(0), "*", {}});
  run(state, source, request, true);
}

// ---- Real instance -----------------------------------------------------------

/// Packuments read once from the database; each solve copies from memory.
struct RealData {
  std::unique_ptr<MemoryPackageSource> source = std::make_unique<MemoryPackageSource>();
  std::vector<std::string> plugin_packages;
  std::vector<Release> releases;
};

const RealData* real_data() {
  static std::unique_ptr<RealData> data = [] {
    std::unique_ptr<RealData> d;
    if (db_url.empty()) return d;
    auto storage = backend::open_storage(db_url);
    if (!storage) {
      std::cerr << "solver_bench: " << storage.error().to_string() << '\n';
      return d;
    }
    d = std::make_unique<RealData>();
    auto names = (*storage)->package_names();
    for (const std::string& name : names.value_or(std::vector<std::string>{})) {
      auto p = (*storage)->packument(name);
      if (p && *p) d->source->add(std::move(**p));
    }
    auto ids = (*storage)->plugin_ids();
    for (const std::string& id : ids.value_or(std::vector<std::string>{})) {
      auto plugin = (*storage)->plugin(id);
      if (!plugin || !*plugin) continue;
      for (const PluginPackage& pp : (*plugin)->packages) {
        if (is_plugin_role(pp.role)) d->plugin_packages.push_back(pp.name);
      }
    }
    std::sort(d->plugin_packages.begin(), d->plugin_packages.end());
    d->plugin_packages.erase(std::unique(d->plugin_packages.begin(), d->plugin_packages.end()),
                             d->plugin_packages.end());
    const auto floor = *semver::Version::parse("1.20.0");
    for (const std::string& v : (*storage)->release_versions().value_or(std::vector<std::string>{})) {
      auto parsed = semver::Version::parse(v);
      if (!parsed || parsed->is_prerelease() || *parsed < floor || parsed->patch() != 0) continue;
      auto r = (*storage)->release(v);
      if (r && *r) d->releases.push_back(std::move(**r));
    }
    return d;
  }();
  return data.get();
}

void BM_RealMatrix(benchmark::State& state) {
  const RealData* data = real_data();
  if (!data) {
    state.SkipWithError("no database: pass --db=<url> or set CALLBOARD_SOLVER_DB");
    return;
  }
  static bool printed = false;
  std::size_t fits = 0, cells = 0, decisions = 0;
  for (auto _ : state) {
    fits = cells = decisions = 0;
    std::map<std::string, std::size_t> fitting_releases;
    std::map<std::pair<std::string, std::string>, std::string> matrix;
    Solver solver(*data->source);  // shares parsed packages across the matrix
    for (const Release& release : data->releases) {
      SolveRequest request;
      request.release = release;
      request.options.unknown_packages = UnknownPackages::kAssumeExternal;
      request.changes.push_back({ChangeKind::kAdd, "", "", {}});
      for (const std::string& name : data->plugin_packages) {
        request.changes[0].name = name;
        auto out = solver.solve(request);
        if (!out) {
          state.SkipWithError(out.error().to_string().c_str());
          return;
        }
        ++cells;
        std::string& cell = matrix[{name, release.version}];
        if (out->plan) {
          for (const PlannedPackage& p : out->plan->packages) {
            if (p.name == name && p.host_level) cell = p.version;
          }
          ++fits;
          ++fitting_releases[name];
          decisions += out->plan->stats.decisions;
        } else {
          decisions += out->conflict->stats.decisions;
        }
      }
    }
    if (!printed) {
      printed = true;
      if (!matrix_csv.empty()) {
        std::ofstream csv(matrix_csv);
        csv << "package,release,version\n";
        for (const auto& [cell, version] : matrix) csv << cell.first << ',' << cell.second << ',' << version << '\n';
      }
      std::size_t everywhere = 0, nowhere = 0;
      for (const std::string& name : data->plugin_packages) {
        const std::size_t n = fitting_releases[name];
        everywhere += n == data->releases.size() ? 1 : 0;
        nowhere += n == 0 ? 1 : 0;
      }
      std::cerr << "real matrix: " << data->plugin_packages.size() << " plugin packages x " << data->releases.size()
                << " releases (" << data->releases.front().version << " .. " << data->releases.back().version
                << ") = " << cells << " solves; " << fits << " fit; " << everywhere << " packages fit every release, "
                << nowhere << " fit none\n";
    }
  }
  state.counters["solves"] = static_cast<double>(cells);
  state.counters["fits"] = static_cast<double>(fits);
  state.counters["solves_per_s"] =
      benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_BacktrackingChains)->Args({100, 500})->Args({20, 100})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DisjointVersions)->Args({100, 500})->Args({300, 200})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WideRanges)->Args({100, 500})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WideRangesNpm)->Args({100, 500})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Ranges)->Args({5, 200})->Args({100, 500})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RealMatrix)->Unit(benchmark::kMillisecond)->Iterations(1);

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.starts_with("--db=")) {
      db_url = a.substr(5);
    } else if (a.starts_with("--matrix-csv=")) {
      matrix_csv = a.substr(13);
    } else {
      args.push_back(argv[i]);
    }
  }
  if (db_url.empty()) {
    if (const char* env = std::getenv("CALLBOARD_SOLVER_DB")) db_url = env;
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
