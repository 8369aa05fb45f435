// Session: solve (plan a change to an app, fetching its closure first, and
// apply it) and check (does the lockfile hold a plan).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>

#include "callboard/backstage.hpp"
#include "callboard/model.hpp"
#include "callboard/semver.hpp"
#include "callboard/session.hpp"
#include "callboard/solver.hpp"

#include "session/state.hpp"

namespace callboard {
namespace {

namespace fs = std::filesystem;

/// Plans saved by `solve --apply` are a few MiB at most.
constexpr std::size_t kMaxPlanBytes = 64u << 20;

}  // namespace

Result<SolveReport> Session::solve(const SolveCommand& command,
                                   const std::function<void(const ClosureProgress&)>& progress, std::stop_token stop) {
  if (command.changes.empty()) return make_error(ErrorCode::kInvalidArgument, "name at least one package to change");
  for (const solver::PackageChange& c : command.changes) {
    if (c.kind == solver::ChangeKind::kRemove && !c.range.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "remove takes package names without ranges").with("package", c.name);
    }
  }
  auto app = load_app_profile(command.app);
  if (!app) return std::move(app).error();
  solver::SolveRequest request;
  request.app = std::move(*app);
  request.options = command.options;
  request.changes = command.changes;

  SolveReport report;
  report.app_root = request.app.root;
  std::lock_guard lock(state_->storage_mutex);
  std::shared_ptr<backend::Storage> storage;
  if (command.offline) {
    // Offline, solve only reads the index: a missing one is an error, not a new file.
    auto opened = state_->storage_for(StorageAccess::kRead);
    if (!opened) return std::move(opened).error();
    storage = std::move(*opened);
  } else {
    // Every package the plan can reach must be known (react, express, every
    // peer): fetch what the index lacks from the configured registry first.
    auto registry = state_->registry(StorageAccess::kWrite);
    if (!registry) return std::move(registry).error();
    auto closure = registry->fetch_closure(solver::closure_roots(request), {}, progress, stop);
    if (!closure) return std::move(closure).error();
    if (closure->fetched > 0) state_->catalog.reset();
    report.closure = std::move(*closure);
    storage = registry->storage_shared();
  }

  auto versions = storage->release_versions();
  if (!versions) return std::move(versions).error();
  const std::string wanted = command.release.empty() ? request.app.backstage_version : command.release;
  if (!wanted.empty()) {
    // The one release rule (backstage::find_release), as `scan --release`.
    const auto picked = backstage::find_release(*versions, wanted);
    if (!picked) {
      return make_error(ErrorCode::kNotFound, "no stored Backstage release matches '" + wanted +
                                                  "'; run 'callboard index' or 'callboard releases import'")
          .with("release", wanted);
    }
    auto release = storage->release((*versions)[*picked]);
    if (!release) return std::move(release).error();
    request.release = std::move(**release);
  }
  if (command.allow_release_upgrade) {
    request.allow_release_upgrade = true;
    for (const std::string& v : *versions) {
      auto r = storage->release(v);
      if (!r) return std::move(r).error();
      if (*r) request.releases.push_back(std::move(**r));
    }
  } else if (!request.app.backstage_version.empty() &&
             (!request.release || request.release->version != request.app.backstage_version)) {
    // The app's own release, for the plan's view of the app as it is
    // (which locked packages the change leaves behind).
    auto r = storage->release(request.app.backstage_version);
    if (!r) return std::move(r).error();
    if (*r) request.releases.push_back(std::move(**r));
  }
  auto source = solver::storage_package_source(*storage);
  solver::Solver solver(*source);
  auto outcome = solver.solve(request, {}, stop);
  if (!outcome) return std::move(outcome).error();
  report.outcome = std::move(*outcome);

  if (report.outcome.plan && command.apply != ApplyMode::kNone) {
    ApplyOptions options;
    options.dry_run = command.apply == ApplyMode::kDryRun;
    auto applied = solver::apply_plan(request.app.root, *report.outcome.plan, options);
    if (!applied) return std::move(applied).error();
    report.applied = std::move(*applied);
    if (command.apply == ApplyMode::kWrite) report.plan_file = request.app.root / ".callboard" / "plan.json";
  }
  return report;
}

Result<solver::InstallCheck> Session::check(const CheckRequest& request) {
  const fs::path plan_file = request.plan.empty() ? request.app / ".callboard" / "plan.json" : request.plan;
  std::error_code ec;
  const auto size = fs::file_size(plan_file, ec);
  if (ec) {
    return make_error(ErrorCode::kNotFound, "no plan at " + plan_file.string() +
                                                "; run 'callboard solve --apply' first or name one with --plan")
        .with("file", plan_file.string());
  }
  if (size > kMaxPlanBytes) {
    return make_error(ErrorCode::kResourceExhausted, plan_file.string() + " is larger than a plan can be")
        .with("file", plan_file.string())
        .with("bytes", std::to_string(size));
  }
  std::ifstream in(plan_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return make_error(ErrorCode::kUnavailable, "cannot read " + plan_file.string()).with("file", plan_file.string());
  }
  auto outcome = solver::parse_outcome_json(text.str(), kMaxPlanBytes);
  if (!outcome) return std::move(outcome).error().with("file", plan_file.string());
  if (!outcome->plan) {
    return make_error(ErrorCode::kInvalidArgument, plan_file.string() + " holds a conflict, not a plan")
        .with("file", plan_file.string());
  }
  auto app = load_app_profile(request.app);
  if (!app) return std::move(app).error();
  return solver::check_install(*outcome->plan, *app);
}

}  // namespace callboard
