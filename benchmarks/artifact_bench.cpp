// Artifact costs per tarball: streaming integrity verification, the
// validating scan, read_package_contents, extraction to disk, and
// CHANGELOG parsing, on the real tarballs in tests/fixtures/artifact/real/.
//
//   artifact_bench [--benchmark_filter=...]
//
// Results and how they were taken: benchmarks/artifact_RESULTS.md.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "callboard/artifact.hpp"

namespace {

namespace fs = std::filesystem;
using namespace callboard;

const fs::path kFixtures = fs::path(CALLBOARD_ARTIFACT_FIXTURES);

const std::vector<std::string> kTarballs = {
    "backstage-plugin-proxy-backend-0.2.41.tgz",
    "backstage-plugin-proxy-backend-0.6.20.tgz",
    "backstage-community-plugin-jenkins-backend-0.29.0.tgz",
    "janus-idp-backstage-plugin-keycloak-backend-1.9.14.tgz",
};

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void BM_Verify(benchmark::State& state) {
  const auto algorithm = static_cast<HashAlgorithm>(state.range(0));
  const std::string data(16u << 20, 'x');
  const Integrity expected = compute_integrity(data, algorithm);
  for (auto _ : state) {
    IntegrityVerifier v(expected);
    // The chunk size curl hands the transport's sink.
    for (std::size_t i = 0; i < data.size(); i += 16384) v.update(std::string_view(data).substr(i, 16384));
    auto r = v.finish();
    if (!r) state.SkipWithError("mismatch");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
  state.SetLabel(std::string(to_string(algorithm)));
}
BENCHMARK(BM_Verify)->Arg(0)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

void BM_Scan(benchmark::State& state) {
  const std::string bytes = read(kFixtures / "real" / kTarballs[static_cast<std::size_t>(state.range(0))]);
  for (auto _ : state) {
    auto r = scan_tarball(bytes);
    if (!r) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(kTarballs[static_cast<std::size_t>(state.range(0))]);
}
BENCHMARK(BM_Scan)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

void BM_ReadPackageContents(benchmark::State& state) {
  const std::string bytes = read(kFixtures / "real" / kTarballs[static_cast<std::size_t>(state.range(0))]);
  for (auto _ : state) {
    auto r = read_package_contents(bytes);
    if (!r) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(kTarballs[static_cast<std::size_t>(state.range(0))]);
}
BENCHMARK(BM_ReadPackageContents)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

void BM_Extract(benchmark::State& state) {
  const std::string bytes = read(kFixtures / "real" / kTarballs[static_cast<std::size_t>(state.range(0))]);
  char tmpl[] = "/tmp/callboard-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    state.SkipWithError("mkdtemp");
    return;
  }
  const fs::path root = tmpl;
  std::size_t n = 0;
  for (auto _ : state) {
    auto r = extract_tarball(bytes, root / std::to_string(n++));
    if (!r) state.SkipWithError(r.error().message.c_str());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(kTarballs[static_cast<std::size_t>(state.range(0))]);
  std::error_code ec;
  fs::remove_all(root, ec);
}
BENCHMARK(BM_Extract)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

void BM_ParseChangelog(benchmark::State& state) {
  const std::string text = read(kFixtures / "changelog" / "plugin-scaffolder-backend-2.1.1.CHANGELOG.md");
  for (auto _ : state) {
    auto log = parse_changelog(text);
    auto between = changelog_between(*log, "1.33.0", "2.1.1");
    benchmark::DoNotOptimize(between);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseChangelog)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
