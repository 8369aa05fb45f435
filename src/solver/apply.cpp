// apply_plan(): a plan's edits written into the app, and the plan saved for
// `callboard check`.
#include <fstream>
#include <map>
#include <system_error>

#include "callboard/solver.hpp"

namespace callboard::solver {

Result<ApplyReport> apply_plan(const std::filesystem::path& root, const InstallPlan& plan,
                               const ApplyOptions& options) {
  std::map<std::string, std::vector<JsonEdit>> by_file;
  for (const ManifestEdit& e : plan.edits) by_file[e.file].push_back(JsonEdit{e.path, e.to});
  std::vector<FileEdits> files;
  for (auto& [file, edits] : by_file) files.push_back(FileEdits{file, std::move(edits)});
  auto report = apply_json_edits(root, files, options);
  if (!report || options.dry_run) return report;
  namespace fs = std::filesystem;
  const fs::path folder = root / ".callboard";
  std::error_code ec;
  fs::create_directories(folder, ec);
  const fs::path file = folder / "plan.json";
  const fs::path temporary = folder / "plan.json.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    SolveOutcome outcome;
    outcome.plan = plan;
    out << to_json(outcome) << '\n';
    out.close();
    if (!out) {
      return Error{ErrorCode::kPermissionDenied,
                   "the edits were applied, but the plan could not be saved to " + file.string(), {}, false}
          .with("file", file.string());
    }
  }
  fs::rename(temporary, file, ec);
  if (ec) {
    return Error{ErrorCode::kInternal,
                 "the edits were applied, but the plan could not be saved to " + file.string() + ": " + ec.message(),
                 {}, false}
        .with("file", file.string());
  }
  return report;
}

}  // namespace callboard::solver
