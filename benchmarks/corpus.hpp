#pragma once
/// \file
/// The semver benchmark corpus: real ranges and versions (Backstage packages
/// on the registry, recorded in tests/cases/semver/registry-corpus.json) or,
/// when that file is missing, a generated stand-in with a similar shape.
///
/// JSON format (extra keys are ignored):
///   {"ranges": [string...], "versions": {package: [string...]},
///    "pairs": [[rangeIndex, package]...]}
/// A pair means "this range was written against this package": satisfies is
/// measured on the range against every version of the package.
///
/// benchmarks/semver_node_throughput.mjs reads the same file and derives the
/// same lists in the same order (package names sorted, pairs whose package
/// has no versions dropped), so both sides do identical work.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callboard::bench {

struct Corpus {
  /// Where it came from: a path, or "generated (seed N)".
  std::string source;
  std::vector<std::string> ranges;
  /// Package names, sorted; package_versions[i] belongs to package_names[i].
  std::vector<std::string> package_names;
  std::vector<std::vector<std::string>> package_versions;
  /// Every package's versions, concatenated in package_names order.
  std::vector<std::string> versions;
  /// Index in `versions` of package i's first version; one extra entry at the end.
  std::vector<std::uint32_t> package_offset;

  struct Pair {
    std::uint32_t range;
    std::uint32_t package;
  };
  /// The recorded pairs whose package has versions, in file order.
  std::vector<Pair> pairs;

  struct Check {
    std::uint32_t range;
    std::uint32_t version;  ///< index in `versions`
  };
  /// Every (range, version of the paired package): what satisfies is run on.
  std::vector<Check> checks;
};

/// Loads a corpus file. Returns nullopt (with `error` set) if unreadable or malformed.
std::optional<Corpus> load_corpus(const std::string& path, std::string& error);

/// A deterministic stand-in corpus with the shapes package.json files use
/// (caret, tilde, exact, x-ranges, `||`, comparator pairs, `-next.N`
/// prereleases, a few non-semver specifiers).
Corpus generate_corpus(std::uint32_t seed = 1);

/// The corpus in the JSON format above (for handing a generated corpus to node).
std::string corpus_to_json(const Corpus& corpus);

/// The corpus path to use: `explicit_path` if non-empty, else the environment
/// variable CALLBOARD_SEMVER_CORPUS, else the compiled-in default
/// (tests/cases/semver/registry-corpus.json in the source tree).
std::string corpus_path(const std::string& explicit_path);

/// Loads corpus_path(explicit_path), or generates one if that file does not
/// exist. Prints to stderr which one it is. Exits the process if the file
/// exists but cannot be read.
Corpus load_or_generate(const std::string& explicit_path);

}  // namespace callboard::bench
