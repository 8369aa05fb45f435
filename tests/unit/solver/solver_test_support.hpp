#pragma once
// Helpers for the solver tests: registries from compact JSON, an
// independent checker of install plans, and a SAT oracle (Z3 from Debian,
// used as a plain SAT solver over booleans) for the same npm semantics.
#include <tuple>
#include <z3.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"
#include "callboard/solver.hpp"
#include "test_files.hpp"

namespace callboard::solver::test {

using callboard::test::read_text;

/// {"name": {"1.0.0": {package.json members}, ...}, ...} -> packuments.
inline std::vector<Packument> registry_from_json(const boost::json::object& registry) {
  std::vector<Packument> out;
  for (const auto& [name, versions] : registry) {
    Packument p;
    p.name = std::string(name);
    for (const auto& [version, body] : versions.as_object()) {
      boost::json::object m = body.as_object();
      m["name"] = p.name;
      m["version"] = version;
      auto parsed = parse_manifest(boost::json::serialize(m));
      if (!parsed) throw std::runtime_error(parsed.error().to_string());
      p.versions.push_back(std::move(*parsed));
    }
    out.push_back(std::move(p));
  }
  return out;
}

inline bool in_range(const std::string& range, const std::string& version) {
  auto r = semver::Range::parse(range);
  auto v = semver::Version::parse(version);
  return r && v && r->versions().contains(*v);
}

/// What a dependency requires, as npm reads it: an alias `npm:<target>@<range>`
/// is a requirement on `target`; any other spec is one on the key's own name.
inline std::pair<std::string, std::string> dependency_target(const std::string& key, const std::string& spec) {
  if (spec.rfind("npm:", 0) == 0) {
    const std::string rest = spec.substr(4);
    const auto at = rest.rfind('@');
    if (at != std::string::npos && at > 0) return {rest.substr(0, at), rest.substr(at + 1)};
    return {rest, "*"};
  }
  return {key, spec};
}

/// A manifest's requirements by key (dependency or alias name): target
/// package, range, kind (0 dependency, 1 peer, 2 optional peer). A peer
/// replaces a dependency of the same key, as npm does.
struct Requirement {
  std::string target;
  std::string range;
  int kind = 0;
};
inline std::map<std::string, Requirement> requirements_of(const Manifest& m) {
  std::map<std::string, Requirement> edges;
  for (const auto& [d, r] : m.dependencies) {
    auto [target, range] = dependency_target(d, r);
    edges[d] = {target, range, 0};
  }
  for (const auto& [d, r] : m.peer_dependencies) {
    auto meta = m.peer_dependencies_meta.find(d);
    edges[d] = {d, r, meta != m.peer_dependencies_meta.end() && meta->second.optional ? 2 : 1};
  }
  return edges;
}

/// The model's rules checked on a plan directly from the manifests, without
/// the solver's data structures. Returns "" when valid, else the first
/// violation.
inline std::string verify_plan(const InstallPlan& plan, const std::map<std::string, Packument>& registry,
                               const std::vector<std::pair<std::string, std::string>>& requests,
                               const std::set<std::string>& singletons, bool all_singletons,
                               const std::map<std::string, std::string>& pins) {
  auto singleton = [&](const std::string& n) { return all_singletons || singletons.contains(n); };
  std::map<std::string, std::string> host;
  std::map<std::string, std::set<std::string>> copies;
  for (const PlannedPackage& p : plan.packages) {
    if (!registry.contains(p.name)) return "unknown package in plan: " + p.name;
    if (!registry.at(p.name).find(p.version)) return "unknown version in plan: " + p.name + "@" + p.version;
    copies[p.name].insert(p.version);
    if (p.host_level) {
      if (host.contains(p.name)) return "two host-level copies of " + p.name;
      host[p.name] = p.version;
    }
  }
  for (const auto& [name, versions] : copies) {
    if (singleton(name) && versions.size() > 1) return "singleton duplicated: " + name;
  }
  for (const auto& [name, range] : requests) {
    if (!host.contains(name) || !in_range(range, host[name])) return "request not met: " + name + " " + range;
  }
  for (const auto& [name, version] : pins) {
    if (host.contains(name) && host[name] != version) return "release pin broken: " + name;
  }
  // Each planned copy once per place (host-level or nested): a nested
  // copy's peers on non-singletons may be met by any copy (beside it).
  std::set<std::tuple<std::string, std::string, bool>> places;
  for (const PlannedPackage& p : plan.packages) places.emplace(p.name, p.version, p.host_level);
  for (const auto& [name, version, host_level] : places) {
    {
      const Manifest& m = *registry.at(name).find(version);
      for (const auto& [key, edge] : requirements_of(m)) {
        const std::string& d = edge.target;
        if (d == name) continue;
        const std::string& range = edge.range;
        const int kind = edge.kind;
        const std::string where = name + "@" + version + " -> " + key + " " + range;
        if (kind == 2) {
          if (host.contains(d) && !in_range(range, host[d])) return "optional peer broken: " + where;
        } else if ((kind == 1 && host_level) || singleton(d)) {
          if (!host.contains(d) || !in_range(range, host[d])) return "host-level requirement broken: " + where;
        } else {
          bool met = false;
          for (const std::string& v : copies[d]) met = met || in_range(range, v);
          if (!met) return "dependency not met: " + where;
        }
      }
    }
  }
  return {};
}

/// Satisfiability of the same request under the same semantics, by a plain
/// SAT encoding: one boolean per (host-level name, version) and per
/// (requirement copy name@range, version); at most one of each group;
/// every installed version implies its requirements.
class SatOracle {
 public:
  SatOracle() {
    Z3_config cfg = Z3_mk_config();
    ctx_ = Z3_mk_context(cfg);
    Z3_del_config(cfg);
    solver_ = Z3_mk_solver_for_logic(ctx_, Z3_mk_string_symbol(ctx_, "QF_FD"));
    Z3_solver_inc_ref(ctx_, solver_);
  }
  ~SatOracle() {
    Z3_solver_dec_ref(ctx_, solver_);
    Z3_del_context(ctx_);
  }
  SatOracle(const SatOracle&) = delete;
  SatOracle& operator=(const SatOracle&) = delete;

  bool satisfiable(const std::map<std::string, Packument>& registry,
                   const std::vector<std::pair<std::string, std::string>>& requests,
                   const std::set<std::string>& singletons, bool all_singletons,
                   const std::map<std::string, std::string>& pins) {
    auto singleton = [&](const std::string& n) { return all_singletons || singletons.contains(n); };
    // Groups: host-level "name" and copies "name@range" (every dependency
    // range on a non-singleton anywhere in the registry).
    std::map<std::string, std::pair<std::string, std::string>> groups;  // key -> (name, range or "")
    for (const auto& [name, p] : registry) {
      groups[name] = {name, ""};
      for (const Manifest& m : p.versions) {
        for (const auto& [key, r] : m.dependencies) {
          if (m.peer_dependencies.contains(key)) continue;
          const auto [d, range] = dependency_target(key, r);
          if (d == name || singleton(d)) continue;
          groups[d + "@" + range] = {d, range};
        }
        // A nested copy's peer may be a copy beside it (npm places peers
        // next to their dependent).
        for (const auto& [d, range] : m.peer_dependencies) {
          if (d == name || singleton(d)) continue;
          groups[d + "@" + range] = {d, range};
        }
      }
    }
    std::map<std::string, std::vector<std::pair<std::string, Z3_ast>>> vars;  // key -> (version, var)
    for (const auto& [key, nr] : groups) {
      auto it = registry.find(nr.first);
      if (it == registry.end()) continue;
      for (const Manifest& m : it->second.versions) {
        if (!nr.second.empty() && !in_range(nr.second, m.version)) continue;
        vars[key].emplace_back(m.version, fresh());
      }
      const auto& vs = vars[key];
      for (std::size_t i = 0; i < vs.size(); ++i) {
        for (std::size_t j = i + 1; j < vs.size(); ++j) assert_clause({neg(vs[i].second), neg(vs[j].second)});
      }
    }
    auto choices = [&](const std::string& key, const std::string& range) {
      std::vector<Z3_ast> out;
      for (const auto& [v, x] : vars[key]) {
        if (in_range(range, v)) out.push_back(x);
      }
      return out;
    };
    for (const auto& [name, range] : requests) assert_clause(choices(name, range));
    for (const auto& [name, version] : pins) {
      for (const auto& [v, x] : vars[name]) {
        if (v != version) assert_clause({neg(x)});
      }
    }
    for (const auto& [key, nr] : groups) {
      auto it = registry.find(nr.first);
      if (it == registry.end()) continue;
      for (const auto& [version, x] : vars[key]) {
        const Manifest& m = *it->second.find(version);
        for (const auto& [key, edge] : requirements_of(m)) {
          const std::string& d = edge.target;
          if (d == nr.first) continue;
          const std::string& range = edge.range;
          const int kind = edge.kind;
          if (kind == 2) {
            for (const auto& [v, y] : vars[d]) {
              if (!in_range(range, v)) assert_clause({neg(x), neg(y)});
            }
            continue;
          }
          // Host-level requirements: a peer of the host-level copy, any
          // edge to a singleton. A copy's peer on a non-singleton is met
          // beside it, as a dependency is.
          const bool copy_group = !nr.second.empty();
          const bool host_req = singleton(d) || (kind == 1 && !copy_group);
          std::vector<Z3_ast> clause = host_req ? choices(d, range) : choices(d + "@" + range, range);
          clause.push_back(neg(x));
          assert_clause(clause);
        }
      }
    }
    return Z3_solver_check(ctx_, solver_) == Z3_L_TRUE;
  }

 private:
  Z3_ast fresh() {
    const std::string name = "v" + std::to_string(counter_++);
    return Z3_mk_const(ctx_, Z3_mk_string_symbol(ctx_, name.c_str()), Z3_mk_bool_sort(ctx_));
  }
  Z3_ast neg(Z3_ast a) { return Z3_mk_not(ctx_, a); }
  void assert_clause(const std::vector<Z3_ast>& literals) {
    if (literals.empty()) {
      Z3_solver_assert(ctx_, solver_, Z3_mk_false(ctx_));
      return;
    }
    Z3_solver_assert(ctx_, solver_, Z3_mk_or(ctx_, static_cast<unsigned>(literals.size()), literals.data()));
  }

  Z3_context ctx_;
  Z3_solver solver_;
  int counter_ = 0;
};

}  // namespace callboard::solver::test

namespace Catch {
/// Edits print as `file: path from -> to (reason)` in failed checks.
template <>
struct StringMaker<callboard::solver::ManifestEdit> {
  static std::string convert(const callboard::solver::ManifestEdit& e) {
    std::string path;
    for (const std::string& part : e.path) path += (path.empty() ? "" : " > ") + part;
    return e.file + ": " + path + " " + e.from.value_or("(none)") + " -> " + e.to.value_or("(none)") + " (" +
           e.reason + ")";
  }
};
}  // namespace Catch
