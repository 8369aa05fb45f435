// `callboard check`: after an install, does the app's lockfile hold the plan
// `callboard solve --apply` wrote?
//
//   callboard check --app <dir> [--plan <file>] [--json]
#include <ostream>
#include <span>
#include <string>

#include "callboard/codec.hpp"
#include "callboard/session.hpp"
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
  CheckRequest request;
  request.app = args.get("app").value_or(".");
  request.plan = args.get("plan").value_or("");
  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto checked = session->check(request);
  if (!checked) return report_error(ctx, checked.error());
  const solver::InstallCheck& check = *checked;
  if (ctx.json) {
    ctx.out << codec::encode(check) << '\n';
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
