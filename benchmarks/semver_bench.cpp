// Google Benchmark suite for callboard::semver on the benchmark corpus
// (tests/cases/semver/registry-corpus.json: every range and version of the
// Backstage packages on the registry; a generated stand-in if it is missing).
//
//   semver_bench [--corpus=PATH] [benchmark flags...]
//   CALLBOARD_SEMVER_CORPUS=PATH semver_bench
//
// Each iteration is one operation on the next corpus item, cycling, so
// items_per_second is the throughput over the corpus's own mix of inputs.
// For the comparison with node-semver see semver_vs_node.sh.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "callboard/semver.hpp"
#include "corpus.hpp"

namespace {

using callboard::bench::Corpus;
namespace semver = callboard::semver;

std::string g_corpus_arg;  // --corpus=PATH, before benchmark::Initialize

const Corpus& corpus() {
  static const Corpus c = callboard::bench::load_or_generate(g_corpus_arg);
  return c;
}

struct Parsed {
  std::vector<std::optional<semver::Range>> ranges;
  std::vector<std::optional<semver::Version>> versions;
  std::vector<Corpus::Check> checks;  // both sides valid
};

const Parsed& parsed() {
  static const Parsed p = [] {
    Parsed out;
    for (const auto& r : corpus().ranges) {
      auto x = semver::Range::parse(r);
      out.ranges.push_back(x.ok() ? std::optional<semver::Range>(std::move(x).value()) : std::nullopt);
    }
    for (const auto& v : corpus().versions) {
      auto x = semver::Version::parse(v);
      out.versions.push_back(x.ok() ? std::optional<semver::Version>(std::move(x).value()) : std::nullopt);
    }
    for (const auto& c : corpus().checks) {
      if (out.ranges[c.range] && out.versions[c.version]) out.checks.push_back(c);
    }
    return out;
  }();
  return p;
}

void BM_VersionParse(benchmark::State& state) {
  const auto& items = corpus().versions;
  std::size_t i = 0;
  for (auto _ : state) {
    auto v = semver::Version::parse(items[i]);
    benchmark::DoNotOptimize(v);
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_VersionParse);

void BM_VersionParseLoose(benchmark::State& state) {
  const auto& items = corpus().versions;
  std::size_t i = 0;
  for (auto _ : state) {
    auto v = semver::Version::parse(items[i], {.loose = true});
    benchmark::DoNotOptimize(v);
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_VersionParseLoose);

void BM_RangeParse(benchmark::State& state) {
  const auto& items = corpus().ranges;
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = semver::Range::parse(items[i]);
    benchmark::DoNotOptimize(r);
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeParse);

void BM_RangeParseIncludePrerelease(benchmark::State& state) {
  const auto& items = corpus().ranges;
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = semver::Range::parse(items[i], {.include_prerelease = true});
    benchmark::DoNotOptimize(r);
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeParseIncludePrerelease);

// Loose ranges take the regex-faithful path (range_exact.cpp).
void BM_RangeParseLoose(benchmark::State& state) {
  const auto& items = corpus().ranges;
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = semver::Range::parse(items[i], {.loose = true});
    benchmark::DoNotOptimize(r);
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeParseLoose);

// Ranges the fast parser declines (hyphen ranges, build metadata, `=`
// prefixes, 1.x.5, leading zeros in loose mode): the regex-faithful path.
void BM_RangeParseExactPath(benchmark::State& state) {
  static const std::vector<std::pair<std::string, semver::Options>> items = {
      {"1.2.3 - 2.3.4", {}},          {"1.2 - 2", {}},
      {"=1.2.3", {}},                 {">=1.2.3+build <2", {}},
      {"1.x.5", {}},                  {"^1.2.3-beta.1+exp.sha.5114f85", {}},
      {"01.02.03 - 2", {.loose = true}}, {"~> 1.2.3 || 1.2.3 - 2.0.0", {}},
  };
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = semver::Range::parse(items[i].first, items[i].second);
    benchmark::DoNotOptimize(r);
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeParseExactPath);

// A hostile 64 KiB range (the size bound) that only the exact path takes:
// hyphen ranges joined by `||`, one part at a time through every rewrite.
void BM_RangeParseHostile64KiB(benchmark::State& state) {
  std::string text;
  while (text.size() + 17 <= semver::kMaxRangeLength) text += "1.2.3 - 2.3.4 || ";
  for (auto _ : state) {
    auto r = semver::Range::parse(text);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_RangeParseHostile64KiB)->Unit(benchmark::kMillisecond);

void BM_SatisfiesParsed(benchmark::State& state) {
  const Parsed& p = parsed();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& c = p.checks[i];
    benchmark::DoNotOptimize(p.ranges[c.range]->satisfied_by(*p.versions[c.version]));
    if (++i == p.checks.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SatisfiesParsed);

// Membership in the exact VersionSet (what the solver uses) rather than
// node's per-comparator test.
void BM_VersionSetContains(benchmark::State& state) {
  const Parsed& p = parsed();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& c = p.checks[i];
    benchmark::DoNotOptimize(p.ranges[c.range]->versions().contains(*p.versions[c.version]));
    if (++i == p.checks.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_VersionSetContains);

void BM_SatisfiesString(benchmark::State& state) {
  const Corpus& c = corpus();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& check = c.checks[i];
    benchmark::DoNotOptimize(semver::satisfies(c.versions[check.version], c.ranges[check.range]));
    if (++i == c.checks.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SatisfiesString);

void BM_MaxSatisfying(benchmark::State& state) {
  const Corpus& c = corpus();
  std::size_t i = 0;
  std::size_t versions_seen = 0;
  for (auto _ : state) {
    const auto& pair = c.pairs[i];
    const auto& list = c.package_versions[pair.package];
    auto best = semver::max_satisfying(list, c.ranges[pair.range]);
    benchmark::DoNotOptimize(best);
    versions_seen += list.size();
    if (++i == c.pairs.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["versions_per_call"] =
      benchmark::Counter(static_cast<double>(versions_seen) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_MaxSatisfying);

void BM_RangeIntersect(benchmark::State& state) {
  const Parsed& p = parsed();
  std::vector<const semver::Range*> valid;
  for (const auto& r : p.ranges) {
    if (r) valid.push_back(&*r);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const semver::Range& a = *valid[i % valid.size()];
    const semver::Range& b = *valid[(i * 7 + 3) % valid.size()];
    benchmark::DoNotOptimize(a.versions().intersect(b.versions()));
    ++i;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeIntersect);

}  // namespace

int main(int argc, char** argv) {
  // Take --corpus=PATH out before Google Benchmark sees the flags.
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--corpus=", 9) == 0) {
      g_corpus_arg = argv[i] + 9;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const Corpus& c = corpus();
  benchmark::AddCustomContext("corpus", c.source);
  benchmark::AddCustomContext("corpus_size", std::to_string(c.ranges.size()) + " ranges, " +
                                                 std::to_string(c.versions.size()) + " versions, " +
                                                 std::to_string(c.checks.size()) + " (range, version) pairs");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
