// semver_throughput: ops/s of callboard::semver on the benchmark corpus, in
// the same loops benchmarks/semver_node_throughput.mjs runs on node-semver.
// benchmarks/semver_vs_node.sh runs both and prints the comparison.
//
//   semver_throughput [--corpus PATH] [--seconds S] [--write-corpus PATH] [--limit-pairs N]
//
// --limit-pairs N keeps only the first N (range, package) pairs: for smoke
// tests, not for measurements.
//
// Prints one JSON object per line: first the corpus, then one per operation
// {"impl","op","ops","seconds","ops_per_sec","checksum"}. The checksum is what
// the operation computed (how many versions parsed, how many pairs satisfied,
// ...): it must equal node-semver's, or the two did not do the same thing.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <time.h>

#include "callboard/semver.hpp"
#include "corpus.hpp"

namespace {

using callboard::bench::Corpus;
namespace semver = callboard::semver;
using Clock = std::chrono::steady_clock;

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Runs `pass` once to warm up, then repeatedly until `seconds` have passed,
/// and prints ops/s. Every pass must return the same checksum.
/// CPU time of the whole process (this driver is single-threaded).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Runs `pass` once to warm up, then repeatedly until `seconds` of wall time
/// have passed, and prints ops per wall-clock second and per CPU second (the
/// machine may be shared). Every pass must return the same checksum.
template <typename Pass>
void measure(const char* op, std::size_t ops_per_pass, double seconds, Pass pass) {
  const std::string checksum = pass();
  std::size_t passes = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  double elapsed = 0;
  do {
    if (pass() != checksum) {
      std::fprintf(stderr, "%s: checksum changed between passes\n", op);
      std::exit(3);
    }
    ++passes;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  const double cpu = cpu_seconds() - cpu_start;
  const double ops = static_cast<double>(passes) * static_cast<double>(ops_per_pass);
  std::printf(
      "{\"impl\":\"callboard\",\"op\":\"%s\",\"ops\":%.0f,\"seconds\":%.3f,\"cpu_seconds\":%.3f,"
      "\"ops_per_sec\":%.1f,\"ops_per_cpu_sec\":%.1f,\"checksum\":%s}\n",
      op, ops, elapsed, cpu, ops / elapsed, ops / cpu, json_string(checksum).c_str());
  std::fflush(stdout);
}

/// The first ranges whose `||` parts number at most 900 in total, so that
/// node-semver's 1000-entry parse cache holds them all ("warm").
std::vector<std::string> warm_subset(const std::vector<std::string>& ranges) {
  std::vector<std::string> out;
  std::size_t parts = 0;
  for (const std::string& r : ranges) {
    std::size_t n = 1;
    for (std::size_t at = r.find("||"); at != std::string::npos; at = r.find("||", at + 2)) ++n;
    if (parts + n > 900) break;
    parts += n;
    out.push_back(r);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus_arg;
  std::string write_path;
  double seconds = 2.0;
  long limit_pairs = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--corpus") corpus_arg = value();
    else if (arg == "--seconds") seconds = std::atof(value().c_str());
    else if (arg == "--write-corpus") write_path = value();
    else if (arg == "--limit-pairs") limit_pairs = std::atol(value().c_str());
    else {
      std::fprintf(stderr,
                   "usage: semver_throughput [--corpus PATH] [--seconds S] [--write-corpus PATH] "
                   "[--limit-pairs N]\n");
      return 2;
    }
  }

  Corpus corpus = callboard::bench::load_or_generate(corpus_arg);
  if (limit_pairs >= 0 && static_cast<std::size_t>(limit_pairs) < corpus.pairs.size()) {
    corpus.pairs.resize(static_cast<std::size_t>(limit_pairs));
    corpus.checks.clear();
    for (const Corpus::Pair& p : corpus.pairs) {
      for (std::uint32_t v = corpus.package_offset[p.package]; v < corpus.package_offset[p.package + 1]; ++v) {
        corpus.checks.push_back({p.range, v});
      }
    }
  }
  if (!write_path.empty()) {
    std::ofstream(write_path, std::ios::binary) << callboard::bench::corpus_to_json(corpus);
    return 0;
  }
  std::printf("{\"corpus\":%s,\"ranges\":%zu,\"packages\":%zu,\"versions\":%zu,\"pairs\":%zu,\"checks\":%zu}\n",
              json_string(corpus.source).c_str(), corpus.ranges.size(), corpus.package_names.size(),
              corpus.versions.size(), corpus.pairs.size(), corpus.checks.size());

  measure("version_parse", corpus.versions.size(), seconds, [&] {
    std::size_t ok = 0;
    for (const std::string& v : corpus.versions) ok += semver::Version::parse(v).ok() ? 1 : 0;
    return std::to_string(ok);
  });

  measure("range_parse", corpus.ranges.size(), seconds, [&] {
    std::size_t ok = 0;
    for (const std::string& r : corpus.ranges) ok += semver::Range::parse(r).ok() ? 1 : 0;
    return std::to_string(ok);
  });

  // Loose mode: every range takes the regex-faithful path (range_exact.cpp).
  measure("range_parse_loose", corpus.ranges.size(), seconds, [&] {
    std::size_t ok = 0;
    for (const std::string& r : corpus.ranges) ok += semver::Range::parse(r, {.loose = true}).ok() ? 1 : 0;
    return std::to_string(ok);
  });

  const std::vector<std::string> warm = warm_subset(corpus.ranges);
  measure("range_parse_warm_subset", warm.size(), seconds, [&] {
    std::size_t ok = 0;
    for (const std::string& r : warm) ok += semver::Range::parse(r).ok() ? 1 : 0;
    return std::to_string(ok);
  });

  measure("satisfies_string", corpus.checks.size(), seconds, [&] {
    std::size_t yes = 0;
    for (const auto& c : corpus.checks) {
      yes += semver::satisfies(corpus.versions[c.version], corpus.ranges[c.range]) ? 1 : 0;
    }
    return std::to_string(yes);
  });

  // Pre-parsed: what a resolver does once it holds Range and Version objects.
  std::vector<std::optional<semver::Range>> ranges;
  for (const std::string& r : corpus.ranges) {
    auto parsed = semver::Range::parse(r);
    ranges.push_back(parsed.ok() ? std::optional<semver::Range>(std::move(parsed).value()) : std::nullopt);
  }
  std::vector<std::optional<semver::Version>> versions;
  for (const std::string& v : corpus.versions) {
    auto parsed = semver::Version::parse(v);
    versions.push_back(parsed.ok() ? std::optional<semver::Version>(std::move(parsed).value()) : std::nullopt);
  }
  std::vector<Corpus::Check> parsed_checks;
  for (const auto& c : corpus.checks) {
    if (ranges[c.range] && versions[c.version]) parsed_checks.push_back(c);
  }
  measure("satisfies_parsed", parsed_checks.size(), seconds, [&] {
    std::size_t yes = 0;
    for (const auto& c : parsed_checks) yes += ranges[c.range]->satisfied_by(*versions[c.version]) ? 1 : 0;
    return std::to_string(yes);
  });

  measure("max_satisfying", corpus.pairs.size(), seconds, [&] {
    std::size_t found = 0;
    std::size_t length = 0;
    for (const auto& p : corpus.pairs) {
      if (auto best = semver::max_satisfying(corpus.package_versions[p.package], corpus.ranges[p.range])) {
        ++found;
        length += best->size();
      }
    }
    return std::to_string(found) + "/" + std::to_string(length);
  });
  return 0;
}
