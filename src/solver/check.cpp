// check_install(): does an installed tree (its lockfile) hold a plan?
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "callboard/semver.hpp"
#include "callboard/solver.hpp"

namespace callboard::solver {
namespace {

bool is_singleton(const std::string& name, const std::vector<std::string>& singletons) {
  for (const std::string& s : singletons) {
    if (!s.empty() && s.back() == '*' ? name.starts_with(std::string_view(s).substr(0, s.size() - 1)) : name == s) {
      return true;
    }
  }
  return false;
}

std::string joined(const std::set<std::string>& versions) {
  std::vector<std::string> sorted(versions.begin(), versions.end());
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    auto va = semver::Version::parse(a), vb = semver::Version::parse(b);
    if (va && vb) return semver::sort_order(*va, *vb) < 0;
    return a < b;
  });
  std::string out;
  for (const std::string& v : sorted) out += (out.empty() ? "" : ", ") + v;
  return out;
}

}  // namespace

InstallCheck check_install(const InstallPlan& plan, const AppProfile& installed,
                           const std::vector<std::string>& singletons) {
  InstallCheck check;
  auto problem = [&](std::string id, const std::string& package, std::string expected, std::string found,
                     std::string message) {
    check.problems.push_back(
        CheckProblem{std::move(id), package, std::move(expected), std::move(found), std::move(message)});
  };
  if (installed.lockfile == LockfileKind::kNone) {
    problem("no-lockfile", "", "", "", "the app has no lockfile: install first (npm install, yarn install, pnpm install)");
    return check;
  }
  std::map<std::string, std::set<std::string>> all;
  std::map<std::string, std::set<std::string>> host;
  for (const LockedPackage& l : installed.locked) {
    all[l.name].insert(l.version);
    if (l.host_level) host[l.name].insert(l.version);
  }
  std::set<std::string> planned_names;
  for (const PlannedPackage& p : plan.packages) {
    const auto found_all = all.find(p.name);
    const std::string found_text = found_all == all.end() ? std::string() : joined(found_all->second);
    if (p.action == PlanAction::kRemove) {
      if (auto h = host.find(p.name); h != host.end()) {
        problem("not-removed", p.name, "", joined(h->second),
                p.name + " " + joined(h->second) + " is still at the top of node_modules; the plan removes it");
      }
      continue;
    }
    planned_names.insert(p.name);
    ++check.checked;
    if (found_all == all.end() || !found_all->second.contains(p.version)) {
      problem("missing", p.name, p.version, found_text,
              p.name + " " + p.version + " is not installed" +
                  (found_text.empty() ? std::string() : " (the lockfile has " + found_text + ")"));
      continue;
    }
    if (!p.host_level) continue;
    // A lockfile that marks no host-level copy for the name (yarn and pnpm
    // do not record placement) cannot contradict it.
    auto h = host.find(p.name);
    if (h != host.end() && !h->second.contains(p.version)) {
      problem("wrong-version", p.name, p.version, joined(h->second),
              p.name + " is " + joined(h->second) + " at the top of node_modules; the plan has " + p.version);
    }
  }
  // Copies the plan does not have: a second copy the plan never reported.
  std::map<std::string, std::set<std::string>> planned_versions;
  for (const PlannedPackage& p : plan.packages) {
    if (p.action != PlanAction::kRemove) planned_versions[p.name].insert(p.version);
  }
  for (const auto& [name, versions] : planned_versions) {
    auto found = all.find(name);
    if (found == all.end() || is_singleton(name, singletons)) continue;
    std::set<std::string> extra;
    for (const std::string& v : found->second) {
      if (!versions.contains(v)) extra.insert(v);
    }
    if (extra.empty()) continue;
    problem("unplanned-copy", name, "", joined(extra),
            name + " " + joined(extra) + " is installed too; the plan has only " + joined(versions));
  }
  for (const auto& [name, versions] : all) {
    if (versions.size() < 2 || !is_singleton(name, singletons)) continue;
    problem("duplicate-singleton", name, "", joined(versions),
            name + " is installed in " + std::to_string(versions.size()) + " versions (" + joined(versions) +
                "); it must have one copy");
  }
  std::sort(check.problems.begin(), check.problems.end(), [](const CheckProblem& a, const CheckProblem& b) {
    return std::tie(a.package, a.id, a.expected) < std::tie(b.package, b.id, b.expected);
  });
  check.matches = check.problems.empty();
  return check;
}

std::string to_json(const InstallCheck& check) {
  namespace json = boost::json;
  auto nullable = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
  json::array problems;
  for (const CheckProblem& p : check.problems) {
    problems.push_back(json::object{{"id", p.id},
                                    {"package", p.package},
                                    {"expected", nullable(p.expected)},
                                    {"found", nullable(p.found)},
                                    {"message", p.message}});
  }
  return json::serialize(json::object{
      {"matches", check.matches}, {"checked", check.checked}, {"problems", std::move(problems)}});
}

}  // namespace callboard::solver
