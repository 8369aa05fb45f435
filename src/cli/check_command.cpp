// `callboard check`: after an install, does the app's lockfile hold the plan
// `callboard solve --apply` wrote?
//
//   callboard check --app <dir> [--plan <file>] [--json]
#include <filesystem>
#include <fstream>
#include <ostream>
#include <span>
#include <sstream>
#include <string>

#include "callboard/model.hpp"
#include "callboard/solver.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"

namespace callboard::cli {

void print_check_help(std::ostream& out) {
  out << "Usage: callboard check --app <dir> [--plan <file>] [--json]\n"
         "\n"
         "Reads the app's lockfile (package-lock.json, yarn.lock or pnpm-lock.yaml) after an\n"
         "install and says whether it holds the plan: every planned package at its version,\n"
         "the host-level copy where the plan puts it, no second copy of a singleton.\n"
         "\n"
         "Options:\n"
         "  --app <dir>    the app's root folder (default: .)\n"
         "  --plan <file>  the plan (a `callboard solve --json` document; default: the one\n"
         "                 `callboard solve --apply` saved, <app>/.callboard/plan.json)\n"
         "  --json         the answer as one JSON document\n"
         "\n"
         "Exit codes: 0 the lockfile holds the plan, 1 it does not, 3 the plan or lockfile is\n"
         "malformed, 4 no plan.\n";
}

int run_check(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"app", "plan"}, {"help"});
  if (args.has("help")) {
    print_check_help(ctx.out);
    return static_cast<int>(ExitCode::kOk);
  }
  if (!args.error.empty()) return usage_error(ctx, "check", args.error);
  if (!args.positional.empty()) return usage_error(ctx, "check", "unexpected argument '" + args.positional[0] + "'");
  const std::filesystem::path app_dir = args.get("app").value_or(".");
  const std::filesystem::path plan_file = args.get("plan").value_or((app_dir / ".callboard" / "plan.json").string());
  std::ifstream in(plan_file, std::ios::binary);
  if (!in) {
    return report_error(ctx, Error{ErrorCode::kNotFound,
                                   "no plan at " + plan_file.string() +
                                       "; run 'callboard solve --apply' first or name one with --plan",
                                   {}, false}
                                 .with("file", plan_file.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto outcome = solver::parse_outcome_json(text.str());
  if (!outcome) return report_error(ctx, std::move(outcome).error().with("file", plan_file.string()));
  if (!outcome->plan) {
    return report_error(ctx, Error{ErrorCode::kInvalidArgument, plan_file.string() + " holds a conflict, not a plan",
                                   {}, false});
  }
  auto app = load_app_profile(app_dir);
  if (!app) return report_error(ctx, app.error());
  const solver::InstallCheck check = solver::check_install(*outcome->plan, *app);
  if (ctx.json) {
    ctx.out << solver::to_json(check) << '\n';
  } else if (check.matches) {
    ctx.out << "The lockfile holds the plan: " << check.checked << " planned packages at their versions, no "
            << "duplicated singleton.\n";
  } else {
    ctx.out << "The lockfile does not hold the plan (" << check.problems.size() << " problem"
            << (check.problems.size() == 1 ? "" : "s") << ", " << check.checked << " packages checked):\n";
    for (const solver::CheckProblem& p : check.problems) ctx.out << "  [" << p.id << "] " << p.message << "\n";
  }
  return static_cast<int>(check.matches ? ExitCode::kOk : ExitCode::kNegative);
}

}  // namespace callboard::cli
