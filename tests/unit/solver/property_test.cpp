// Property tests on random registries (seeded, reproducible: the generator
// is a fixed splitmix64, not a std:: distribution). For each registry and
// request:
//  - solve() and a plain SAT encoding of the same semantics (Z3) agree on
//    satisfiable / unsatisfiable;
//  - every plan passes an independent check against the manifests;
//  - the outcome is identical across repeated runs and across orderings of
//    the registry (packuments added in another order, versions shuffled).
// CALLBOARD_SOLVER_PROPERTY_CASES overrides the number of registries.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "solver_test_support.hpp"

using namespace callboard;
using namespace callboard::solver;

namespace {

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  bool chance(std::uint32_t percent) { return below(100) < percent; }
};

struct Instance {
  std::map<std::string, Packument> registry;
  std::vector<std::pair<std::string, std::string>> requests;
  std::set<std::string> singletons;
  bool all_singletons = false;
  std::map<std::string, std::string> pins;
};

std::string random_range(Rng& rng) {
  const std::uint32_t major = 1 + rng.below(3);
  const std::uint32_t minor = rng.below(3);
  switch (rng.below(8)) {
    case 0: return "^" + std::to_string(major) + ".0.0";
    case 1: return ">=" + std::to_string(major) + "." + std::to_string(minor) + ".0";
    case 2: return "~" + std::to_string(major) + "." + std::to_string(minor) + ".0";
    case 3: return std::to_string(major) + "." + std::to_string(minor) + ".0";
    case 4: return "<" + std::to_string(major) + ".0.0";
    case 5: return "*";
    case 6: return "^" + std::to_string(major) + "." + std::to_string(minor) + ".0 || ^9.0.0";
    default: return "^" + std::to_string(major) + "." + std::to_string(minor) + ".0";
  }
}

Instance generate(std::uint64_t seed, std::uint32_t min_packages = 3, std::uint32_t extra_packages = 6,
                  std::uint32_t max_deps = 3) {
  Rng rng{seed};
  Instance in;
  const std::uint32_t packages = min_packages + rng.below(extra_packages);
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < packages; ++i) names.push_back("p" + std::to_string(i));
  in.all_singletons = rng.chance(25);
  for (const auto& n : names) {
    if (rng.chance(35)) in.singletons.insert(n);
  }
  for (std::uint32_t i = 0; i < packages; ++i) {
    Packument p;
    p.name = names[i];
    for (std::uint32_t major = 1; major <= 3; ++major) {
      for (std::uint32_t minor = 0; minor < 3; ++minor) {
        if (!rng.chance(55)) continue;
        Manifest m;
        m.name = p.name;
        m.version = std::to_string(major) + "." + std::to_string(minor) + ".0";
        const std::uint32_t deps = rng.below(max_deps);
        for (std::uint32_t d = 0; d < deps; ++d) {
          // Mostly towards later packages, sometimes backwards (cycles) or
          // to a name the registry lacks.
          std::string target;
          if (rng.chance(5)) {
            target = "missing";
          } else if (rng.chance(80) && i + 1 < packages) {
            target = names[i + 1 + rng.below(packages - i - 1)];
          } else {
            target = names[rng.below(packages)];
          }
          const std::string range = random_range(rng);
          switch (rng.below(4)) {
            case 0:
              m.peer_dependencies[target] = range;
              break;
            case 1:
              m.peer_dependencies[target] = range;
              m.peer_dependencies_meta[target].optional = true;
              break;
            default:
              // Sometimes through an npm alias (a second requirement on the
              // target when the version also depends on it directly).
              if (target != p.name && rng.chance(20)) {
                m.dependencies[target + "-alias"] = "npm:" + target + "@" + range;
              } else {
                m.dependencies[target] = range;
              }
              break;
          }
        }
        p.versions.push_back(std::move(m));
      }
    }
    in.registry[p.name] = std::move(p);
  }
  const std::uint32_t requests = 1 + rng.below(3);
  std::set<std::string> asked;
  for (std::uint32_t r = 0; r < requests; ++r) {
    const std::string name = names[rng.below(std::min<std::uint32_t>(packages, 3))];
    if (!asked.insert(name).second) continue;
    in.requests.emplace_back(name, rng.chance(50) ? std::string("*") : random_range(rng));
  }
  if (rng.chance(40)) {
    const std::string& name = names[rng.below(packages)];
    const auto& versions = in.registry[name].versions;
    if (!versions.empty()) in.pins[name] = versions[rng.below(static_cast<std::uint32_t>(versions.size()))].version;
  }
  return in;
}

Result<SolveOutcome> run(const Instance& in, std::uint64_t order_seed) {
  MemoryPackageSource source;
  std::vector<Packument> all;
  for (const auto& [name, p] : in.registry) all.push_back(p);
  if (order_seed != 0) {
    // Another order of packuments and of versions inside each.
    Rng rng{order_seed};
    for (std::size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng.below(static_cast<std::uint32_t>(i))]);
    for (Packument& p : all) {
      for (std::size_t i = p.versions.size(); i > 1; --i) {
        std::swap(p.versions[i - 1], p.versions[rng.below(static_cast<std::uint32_t>(i))]);
      }
    }
  }
  for (Packument& p : all) source.add(std::move(p));
  SolveRequest request;
  request.options.singletons.assign(in.singletons.begin(), in.singletons.end());
  request.options.all_singletons = in.all_singletons;
  request.root_name = "root";
  if (!in.pins.empty()) {
    Release r;
    r.version = "1.0.0";
    for (const auto& [k, v] : in.pins) r.packages[k] = v;
    request.release = r;
  }
  for (const auto& [name, range] : in.requests) request.changes.push_back({ChangeKind::kAdd, name, range, {}});
  return solve(request, source);
}

std::size_t case_count() {
  if (const char* env = std::getenv("CALLBOARD_SOLVER_PROPERTY_CASES")) return std::strtoull(env, nullptr, 10);
  return 1500;
}

}  // namespace

TEST_CASE("random registries: same verdict as a SAT encoding, plans verified, deterministic", "[solver][property]") {
  const std::size_t cases = case_count();
  std::size_t sat = 0, unsat = 0, with_duplicates = 0;
  for (std::uint64_t seed = 1; seed <= cases; ++seed) {
    const Instance in = generate(seed);
    auto outcome = run(in, 0);
    INFO("seed " << seed);
    REQUIRE(outcome.ok());
    INFO(to_json(*outcome));
    solver::test::SatOracle oracle;
    const bool expected = oracle.satisfiable(in.registry, in.requests, in.singletons, in.all_singletons, in.pins);
    REQUIRE(outcome->ok() == expected);
    if (outcome->plan) {
      ++sat;
      if (!outcome->plan->duplicates.empty()) ++with_duplicates;
      const std::string problem =
          solver::test::verify_plan(*outcome->plan, in.registry, in.requests, in.singletons, in.all_singletons, in.pins);
      if (!problem.empty()) FAIL(problem);
    } else {
      ++unsat;
      REQUIRE_FALSE(outcome->conflict->explanation.empty());
    }
    // Repeated runs and other registry orderings give the same bytes.
    auto again = run(in, 0);
    REQUIRE(again.ok());
    REQUIRE(to_json(*again) == to_json(*outcome));
    auto reordered = run(in, seed * 7919);
    REQUIRE(reordered.ok());
    REQUIRE(to_json(*reordered) == to_json(*outcome));
  }
  // The generator must exercise both outcomes and nested copies.
  CHECK(sat > cases / 10);
  CHECK(unsat > cases / 10);
  CHECK(with_duplicates > 0);
  WARN(cases << " registries: " << sat << " satisfiable (" << with_duplicates << " with duplicate copies), " << unsat
             << " unsatisfiable");
}

TEST_CASE("larger random registries: same verdict as the SAT encoding, plans verified", "[solver][property]") {
  const std::size_t cases = case_count() / 5;
  std::size_t sat = 0, conflicts = 0;
  for (std::uint64_t seed = 1; seed <= cases; ++seed) {
    const Instance in = generate(seed * 1000003, 8, 8, 5);
    auto outcome = run(in, 0);
    INFO("seed " << seed);
    REQUIRE(outcome.ok());
    solver::test::SatOracle oracle;
    REQUIRE(outcome->ok() == oracle.satisfiable(in.registry, in.requests, in.singletons, in.all_singletons, in.pins));
    if (outcome->plan) {
      ++sat;
      conflicts += outcome->plan->stats.conflicts;
      const std::string problem =
          solver::test::verify_plan(*outcome->plan, in.registry, in.requests, in.singletons, in.all_singletons, in.pins);
      if (!problem.empty()) FAIL(problem);
    } else {
      conflicts += outcome->conflict->stats.conflicts;
      REQUIRE(outcome->conflict->explanation.ends_with("version solving failed.\n"));
    }
  }
  CHECK(sat > 0);
  CHECK(conflicts > cases);  // the instances make the solver backtrack
  WARN(cases << " larger registries: " << sat << " satisfiable, " << conflicts << " conflicts in all");
}

TEST_CASE("removing a dependency cannot make a solvable request unsolvable", "[solver][property]") {
  const std::size_t cases = case_count() / 3;
  std::size_t checked = 0;
  for (std::uint64_t seed = 1; seed <= cases; ++seed) {
    Instance in = generate(seed * 7 + 3);
    auto outcome = run(in, 0);
    REQUIRE(outcome.ok());
    if (!outcome->plan) continue;
    // Drop one dependency or peer edge somewhere in the registry.
    Rng rng{seed};
    std::vector<std::pair<Manifest*, std::string>> edges;
    for (auto& [name, p] : in.registry) {
      for (Manifest& m : p.versions) {
        for (const auto& [d, r] : m.dependencies) edges.emplace_back(&m, d);
        for (const auto& [d, r] : m.peer_dependencies) edges.emplace_back(&m, d);
      }
    }
    if (edges.empty()) continue;
    auto& [m, dep] = edges[rng.below(static_cast<std::uint32_t>(edges.size()))];
    m->dependencies.erase(dep);
    m->peer_dependencies.erase(dep);
    m->peer_dependencies_meta.erase(dep);
    auto relaxed = run(in, 0);
    INFO("seed " << seed << " removed " << m->name << "@" << m->version << " -> " << dep);
    REQUIRE(relaxed.ok());
    REQUIRE(relaxed->ok());
    ++checked;
  }
  CHECK(checked > cases / 2);
}

TEST_CASE("progress is reported and a Solver reuses what it parsed", "[solver]") {
  const Instance in = generate(42, 6, 1, 3);
  MemoryPackageSource source;
  for (const auto& [name, p] : in.registry) source.add(p);
  SolveRequest request;
  for (const auto& [name, range] : in.requests) request.changes.push_back({ChangeKind::kAdd, name, range, {}});
  request.options.all_singletons = in.all_singletons;
  Solver solver(source);
  std::size_t calls = 0;
  auto first = solver.solve(request, [&](const SolveProgress&) { ++calls; });
  REQUIRE(first.ok());
  CHECK(calls >= 1);
  const std::size_t lookups = source.lookups();
  auto second = solver.solve(request);
  REQUIRE(second.ok());
  CHECK(source.lookups() == lookups);  // nothing fetched twice
  CHECK(first->ok() == second->ok());
}
