// libFuzzer target: the dependency solver on registries the input describes
// (src/solver/*.cpp compiled into this target directly: the fuzz library
// holds only the parser modules). Registries come from the network, so the
// solver must handle any shape of dependency graph: cycles, self-references,
// ranges matching nothing, peers on missing packages, prereleases.
//
// The input is read as a program of small numbers (one byte each) that
// builds a registry of up to 8 packages x 12 versions with dependencies,
// peers and optional peers of every kind of range, a release pin, the
// singleton set and up to 3 requests. Checked:
//  - solve() never fails except by the step bound (kResourceExhausted);
//  - a plan meets every rule on its own terms: each installed copy's
//    dependencies are met by some copy, peers and singleton dependencies by
//    the host-level copy, singletons are never duplicated, the pin holds;
//  - a conflict has an explanation ending in "version solving failed.";
//  - solving twice gives the same outcome.

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "solver/edits.cpp"    // NOLINT(bugprone-suspicious-include)
#include "solver/engine.cpp"   // NOLINT(bugprone-suspicious-include)
#include "solver/explain.cpp"  // NOLINT(bugprone-suspicious-include)
#include "solver/json.cpp"     // NOLINT(bugprone-suspicious-include)
#include "solver/model.cpp"    // NOLINT(bugprone-suspicious-include)
#include "solver/solve.cpp"    // NOLINT(bugprone-suspicious-include)
#include "solver/memory_source.cpp"  // NOLINT(bugprone-suspicious-include)

#define FUZZ_CHECK(cond, detail) CALLBOARD_FUZZ_CHECK(#cond, cond, detail)

namespace {

using namespace callboard;
using namespace callboard::solver;

struct Reader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  std::uint32_t next(std::uint32_t n) { return pos < size ? data[pos++] % n : 0; }
  [[nodiscard]] bool done() const { return pos >= size; }
};

std::string version_text(std::uint32_t v) {
  // 12 versions: 0.1.0, 0.2.0, 1.0.0, 1.0.1, 1.1.0, 1.2.0-beta.1, 1.2.0, 2.0.0, 2.1.0, 3.0.0-rc.1, 3.0.0, 10.0.0
  static const char* kVersions[] = {"0.1.0", "0.2.0", "1.0.0", "1.0.1", "1.1.0", "1.2.0-beta.1",
                                    "1.2.0", "2.0.0", "2.1.0", "3.0.0-rc.1", "3.0.0", "10.0.0"};
  return kVersions[v % 12];
}

std::string range_text(Reader& r) {
  static const char* kRanges[] = {"*", "^1.0.0", "~1.0.0", ">=1.1.0", "<2.0.0", "1.2.0", "^0.1.0", "^3.0.0-rc.1",
                                  ">=1.2.0-0", "^9.0.0", "1.x || 3.x", "latest", "npm:p1@^1.0.0",
                                  "git+https://example.invalid/x.git", ">=2.0.0 <3.0.0", "0.2.0 - 1.1.0"};
  return kRanges[r.next(16)];
}

std::string package(std::uint32_t i) { return "p" + std::to_string(i); }

std::string dump(const std::map<std::string, Packument>& registry) {
  std::string out;
  for (const auto& [name, p] : registry) out += to_json(p) + "\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  callboard::fuzz::g_current_input =
      std::string_view(reinterpret_cast<const char*>(data), size);
  if (size > 4096) return 0;
  Reader r{data, size};
  const std::uint32_t packages = 1 + r.next(8);
  std::map<std::string, Packument> registry;
  for (std::uint32_t p = 0; p < packages; ++p) {
    Packument pk;
    pk.name = package(p);
    pk.dist_tags["latest"] = version_text(r.next(12));
    const std::uint32_t versions = r.next(13);
    std::set<std::string> seen;
    for (std::uint32_t v = 0; v < versions; ++v) {
      Manifest m;
      m.name = pk.name;
      m.version = version_text(r.next(12));
      if (!seen.insert(m.version).second) continue;
      if (r.next(8) == 0) m.deprecated = "old";
      const std::uint32_t deps = r.next(4);
      for (std::uint32_t d = 0; d < deps; ++d) {
        const std::string target = package(r.next(packages + 1));  // sometimes missing, sometimes itself
        const std::string range = range_text(r);
        switch (r.next(4)) {
          case 0: m.peer_dependencies[target] = range; break;
          case 1:
            m.peer_dependencies[target] = range;
            m.peer_dependencies_meta[target].optional = true;
            break;
          default: m.dependencies[target] = range; break;
        }
      }
      pk.versions.push_back(std::move(m));
    }
    registry[pk.name] = std::move(pk);
  }
  SolveRequest request;
  request.root_name = "root";
  request.options.max_steps = 20000;
  request.options.singletons.clear();
  for (std::uint32_t p = 0; p < packages; ++p) {
    if (r.next(3) == 0) request.options.singletons.push_back(package(p));
  }
  request.options.all_singletons = r.next(4) == 0;
  if (r.next(2) == 0) request.options.unknown_packages = UnknownPackages::kAssumeExternal;
  if (r.next(2) == 0) {
    Release release;
    release.version = "1.0.0";
    release.packages[package(r.next(packages))] = version_text(r.next(12));
    request.release = release;
  }
  const std::uint32_t requests = 1 + r.next(3);
  for (std::uint32_t q = 0; q < requests; ++q) {
    std::string range = range_text(r);
    if (range.starts_with("git") || range.starts_with("npm:")) range = "*";
    request.changes.push_back({ChangeKind::kAdd, package(r.next(packages)), range, {}});
  }

  MemoryPackageSource source;
  for (const auto& [name, p] : registry) source.add(p);
  auto outcome = solve(request, source);
  if (!outcome) {
    FUZZ_CHECK(outcome.error().code == ErrorCode::kResourceExhausted, outcome.error().to_string());
    return 0;
  }
  auto again = solve(request, source);
  FUZZ_CHECK(again.ok() && to_json(*again) == to_json(*outcome), "not deterministic");
  if (outcome->conflict) {
    FUZZ_CHECK(outcome->conflict->explanation.ends_with("version solving failed.\n"),
               outcome->conflict->explanation);
    return 0;
  }
  // The plan on its own terms.
  const InstallPlan& plan = *outcome->plan;
  std::set<std::string> singles(request.options.singletons.begin(), request.options.singletons.end());
  auto singleton = [&](const std::string& n) { return request.options.all_singletons || singles.contains(n); };
  std::map<std::string, std::string> host;
  std::map<std::string, std::set<std::string>> copies;
  for (const PlannedPackage& p : plan.packages) {
    if (p.action == PlanAction::kRemove) continue;
    copies[p.name].insert(p.version);
    if (p.host_level) {
      FUZZ_CHECK(!host.contains(p.name), "two host-level copies of " + p.name);
      host[p.name] = p.version;
    }
  }
  auto in_range = [&](const std::string& owner, const std::string& spec, const std::string& version) {
    std::string range = spec;
    if (spec == "latest") range = registry.at(owner).dist_tags.at("latest");
    auto rr = semver::Range::parse(range);
    auto vv = semver::Version::parse(version);
    return rr && vv && rr->versions().contains(*vv);
  };
  // Each planned copy once per place: under npm a nested copy's peer on a
  // non-singleton may be a copy beside it (npm places peers next to their
  // dependent), a host-level copy's peer is the host-level one.
  std::set<std::tuple<std::string, std::string, bool>> places;
  for (const PlannedPackage& p : plan.packages) {
    if (p.action != PlanAction::kRemove) places.emplace(p.name, p.version, p.host_level);
  }
  for (const auto& [name, versions] : copies) {
    FUZZ_CHECK(!singleton(name) || versions.size() == 1, "singleton duplicated: " + name);
  }
  for (const auto& [name, version, host_level] : places) {
    {
      const Manifest* m = registry.at(name).find(version);
      // Nothing the registry does not serve is ever planned.
      FUZZ_CHECK(m != nullptr, "unserved version " + name + "@" + version);
      if (m == nullptr) continue;
      std::map<std::string, std::pair<std::string, int>> edges;
      for (const auto& [d, spec] : m->dependencies) edges[d] = {spec, 0};
      for (const auto& [d, spec] : m->peer_dependencies) {
        auto meta = m->peer_dependencies_meta.find(d);
        edges[d] = {spec, meta != m->peer_dependencies_meta.end() && meta->second.optional ? 2 : 1};
      }
      for (const auto& [d, edge] : edges) {
        const auto& [spec, kind] = edge;
        if (d == name || spec.starts_with("git") || spec.starts_with("npm:")) continue;
        if (!registry.contains(d)) continue;  // external (or the solve would have failed)
        const std::string where = name + "@" + version + " -> " + d + " " + spec;
        if (kind == 2) {
          FUZZ_CHECK(!host.contains(d) || in_range(d, spec, host[d]), "optional peer broken: " + where);
        } else if ((kind == 1 && host_level) || singleton(d)) {
          FUZZ_CHECK(host.contains(d) && in_range(d, spec, host[d]),
                     "host-level requirement broken: " + where + "\n" + to_json(*outcome) + "\n" + dump(registry));
        } else {
          bool met = false;
          for (const std::string& v : copies[d]) met = met || in_range(d, spec, v);
          FUZZ_CHECK(met, "dependency not met: " + where + "\n" + to_json(*outcome) + "\n" + dump(registry) +
                              "external mode " +
                              std::to_string(request.options.unknown_packages == UnknownPackages::kAssumeExternal) +
                              " all singletons " + std::to_string(request.options.all_singletons));
        }
      }
    }
  }
  if (request.release) {
    for (const auto& [name, version] : request.release->packages) {
      // A pin the registry does not serve may be met by a served version in
      // ^pin, reported in pin_substitutes.
      bool substituted = false;
      for (const PinSubstitute& sub : plan.pin_substitutes) {
        substituted = substituted || (sub.name == name && host.contains(name) && sub.chosen == host[name] &&
                                      registry.contains(name) && !registry.at(name).find(version) &&
                                      in_range(name, "^" + version, host[name]));
      }
      FUZZ_CHECK(!host.contains(name) || host[name] == version || substituted, "release pin broken: " + name);
    }
  }
  return 0;
}
