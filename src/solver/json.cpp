// to_json(SolveOutcome): the CLI's `solve --json` document.
#include <boost/json.hpp>

#include "callboard/solver.hpp"

namespace callboard::solver {

namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

json::object stats(const SolveStats& s) {
  return {{"decisions", s.decisions},
          {"conflicts", s.conflicts},
          {"propagations", s.propagations},
          {"incompatibilities", s.incompatibilities},
          {"packagesLoaded", s.packages_loaded},
          {"releasesTried", s.releases_tried}};
}

}  // namespace

std::string to_json(const SolveOutcome& outcome) {
  json::object doc;
  doc["ok"] = outcome.ok();
  if (outcome.plan) {
    const InstallPlan& p = *outcome.plan;
    json::array packages;
    for (const PlannedPackage& pp : p.packages) {
      packages.push_back(json::object{{"name", pp.name},
                                      {"version", pp.version},
                                      {"previous", pp.previous},
                                      {"hostLevel", pp.host_level},
                                      {"reason", pp.reason},
                                      {"requiredBy", strings(pp.required_by)}});
    }
    json::array edits;
    for (const ManifestEdit& e : p.edits) {
      edits.push_back(json::object{{"file", e.file}, {"field", e.field}, {"name", e.name}, {"from", e.from}, {"to", e.to}});
    }
    json::array duplicates;
    for (const DuplicateCopies& d : p.duplicates) {
      duplicates.push_back(json::object{{"name", d.name}, {"versions", strings(d.versions)}});
    }
    json::array moves;
    for (const ReleaseMove& m : p.release_moves) {
      json::value to = m.to.empty() ? json::value(nullptr) : json::value(m.to);
      moves.push_back(json::object{{"name", m.name}, {"from", m.from}, {"to", std::move(to)}});
    }
    doc["plan"] = json::object{{"release", p.release},
                               {"previousRelease", p.previous_release},
                               {"packages", std::move(packages)},
                               {"edits", std::move(edits)},
                               {"duplicates", std::move(duplicates)},
                               {"releaseMoves", std::move(moves)},
                               {"external", strings(p.external)},
                               {"skipped", strings(p.skipped)},
                               {"unindexed", strings(p.unindexed)},
                               {"stats", stats(p.stats)}};
  }
  if (outcome.conflict) {
    const Conflict& c = *outcome.conflict;
    doc["conflict"] = json::object{{"explanation", c.explanation},
                                   {"packages", strings(c.packages)},
                                   {"releasesTried", strings(c.releases_tried)},
                                   {"stats", stats(c.stats)}};
  }
  return json::serialize(doc);
}

}  // namespace callboard::solver
