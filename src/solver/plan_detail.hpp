#pragma once
// Private to src/solver/: what build_plan (solve.cpp) hands to the edit
// writer (edits.cpp), which turns a solution into package.json edits in the
// app's package manager's own terms.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "callboard/model.hpp"
#include "callboard/solver.hpp"
#include "solver/engine.hpp"

namespace callboard::solver::detail {

/// One requirement a planned copy meets.
struct Requirement {
  /// The depender's name; empty for the app itself (an app range or a request).
  std::string parent;
  std::string parent_version;
  bool parent_host_level = true;
  EdgeKind kind = EdgeKind::kDependency;
  /// The range as written (after alias resolution).
  std::string range;
  /// kAppPin: the workspace path ("." for the root).
  std::string workspace;
};

/// One copy of the solution, with what it meets.
struct PlanCopy {
  std::string name;
  std::string version;
  bool host_level = true;
  std::vector<Requirement> requirements;
};

/// What the app's lockfile holds, as the plan compares against it.
struct LockView {
  /// name -> the host-level version (the entry marked host-level, else the
  /// highest locked version of the name).
  std::map<std::string, std::string, std::less<>> host;
  /// (name, version) of every locked copy.
  std::set<std::pair<std::string, std::string>> any;
};

/// The lock view of `app` (empty without a lockfile).
LockView lock_view(const AppProfile& app);

struct EditInputs {
  const SolveRequest& request;
  const RootSpec& root;
  /// Packuments of every planned name.
  const std::map<std::string, std::shared_ptr<const Packument>>& packuments;
  /// Sorted by name, host-level first.
  const std::vector<PlanCopy>& copies;
  /// name -> host-level version.
  const std::map<std::string, std::string>& host_version;
  const LockView& lock;
  std::string previous_release;
};

/// The edits that make the app's package manager install exactly the
/// copies: edits to the ranges of the app's own dependencies (exact
/// versions, or a caret range when nothing newer fits in it), and the
/// fewest overrides (npm `overrides`, yarn `resolutions`, pnpm
/// `pnpm.overrides`) for transitive copies the package manager would float
/// past. Sorted by file, then path.
std::vector<ManifestEdit> plan_edits(const EditInputs& in);

/// The version a package manager installs for `range` when nothing holds it
/// (no lockfile entry, no override): npm and pnpm take dist-tags.latest when
/// it satisfies the range, else the highest satisfying version that is not
/// deprecated, else the highest satisfying; yarn takes the highest
/// satisfying. nullopt when nothing satisfies or the range does not parse.
std::optional<std::string> floated_version(const Packument& packument, const std::string& range,
                                           PackageManager manager);

/// The workspace whose package.json gets an added package: the change's
/// own, else by the package's Backstage role (declared or detected, from
/// `manifest`, else any version of the packument): backend roles to the
/// app's backend package, frontend roles to its frontend package,
/// everything else to the root.
std::string pick_workspace(const SolveRequest& request, const PackageChange& change, const Manifest* manifest,
                           const Packument* packument);

/// "package.json" for "." or "", else "<workspace>/package.json".
std::string manifest_file(const std::string& workspace);

}  // namespace callboard::solver::detail
