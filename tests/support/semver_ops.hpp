#pragma once
/// \file
/// The C++ engine behind node-semver's function names: evaluates one call
/// ("satisfies", ["1.2.3", "^1"]) with callboard::semver and returns the
/// result in the oracle's JSON shape, so tests can compare it with node's
/// answer or with a recorded expected value.

#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>

#include <boost/json.hpp>

#include "callboard/semver.hpp"

namespace callboard::test {

/// The node-semver functions the harness knows.
enum class SemverOp {
  kSatisfies, kValid, kClean, kValidRange, kCompare, kCompareBuild, kMaxSatisfying,
  kMinSatisfying, kMinVersion, kSubset, kIntersects, kGtr, kLtr, kInc, kDiff, kCoerce,
};

/// Parses an op name ("maxSatisfying"); returns false if unknown.
bool parse_semver_op(std::string_view name, SemverOp& op);
std::string_view semver_op_name(SemverOp op);

/// Options from a node-semver options object ({loose, includePrerelease}).
semver::Options options_from_json(const boost::json::object& opts);
/// Coerce options from a node options object ({rtl, includePrerelease, loose}).
semver::CoerceOptions coerce_options_from_json(const boost::json::object& opts);

/// Parsed ranges by (text, options), so a test asking many questions about
/// one range parses it once, as node's oracle does (tests/oracle). Only used
/// where the engine's API has a Range-taking equivalent (satisfies ->
/// Range::satisfied_by, validRange -> Range::to_string, minVersion, subset,
/// intersects, gtr/ltr); maxSatisfying and minSatisfying always go through
/// the string API, and so does everything when no cache is given (the golden
/// cases).
class RangeCache {
 public:
  /// The parsed range, or null when `text` is not a valid range.
  /// Pointers stay valid until the next trim().
  const semver::Range* get(std::string_view text, semver::Options options);
  /// Forgets everything once the cache is large.
  void trim() {
    if (map_.size() >= 200000) map_.clear();
  }

 private:
  std::unordered_map<std::string, std::optional<semver::Range>> map_;
};

/// Evaluates `op(args..., opts)` with the C++ engine. Returns what
/// tests/oracle/semver_oracle.js returns for node-semver: booleans, -1/0/1,
/// strings (versions with build metadata), or null where node returns null
/// or throws. Throws std::invalid_argument for malformed args.
boost::json::value evaluate(SemverOp op, const boost::json::array& args,
                            const boost::json::object& opts, RangeCache* cache = nullptr);

/// Short printable form of a JSON value (strings quoted).
std::string show(const boost::json::value& v);

}  // namespace callboard::test
