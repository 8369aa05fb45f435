// Runs the conformance cases (callboard/backend/conformance.hpp).

#include <exception>
#include <string>
#include <vector>

#include "suite.hpp"

namespace callboard::backend::conformance {

namespace {

std::vector<detail::Case> all_cases() {
  auto cases = detail::catalog_cases();
  for (auto& c : detail::tenant_cases()) cases.push_back(c);
  for (auto& c : detail::multiprocess_cases()) cases.push_back(c);
  return cases;
}

}  // namespace

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& c : all_cases()) names.emplace_back(c.name);
  return names;
}

Report run(const Backend& backend, const Options& options) {
  Report report;
  report.backend = backend.name;
  try {
    for (const auto& test : all_cases()) {
      const std::string name = test.name;
      if (!options.filter.empty() && name.find(options.filter) == std::string::npos) continue;
      if (test.needs_catalog && !backend.catalog) {
        report.skipped.push_back(name + ": the backend does not keep the package catalog");
        continue;
      }
      if (test.needs_shared && !backend.shared) {
        report.skipped.push_back(name + ": the backend does not share a location between opens");
        continue;
      }
      if (options.processes < 2 && name.starts_with("processes.")) {
        report.skipped.push_back(name + ": fewer than 2 processes asked for");
        continue;
      }
      detail::Context context(backend, options, report, name);
      try {
        test.run(context);
      } catch (const detail::CaseAborted&) {
        // recorded by need()
      } catch (const std::exception& e) {
        context.fail("the case runs to its end", std::string("exception: ") + e.what(), __FILE__, __LINE__);
      } catch (...) {
        context.fail("the case runs to its end", "unknown exception", __FILE__, __LINE__);
      }
      if (!context.failed()) report.passed.push_back(name);
    }
  } catch (const std::exception& e) {
    report.failures.push_back({"(suite)", "the suite runs", e.what(), "run.cpp"});
  }
  return report;
}

std::string Report::summary() const {
  std::string out;
  for (const auto& f : failures) {
    out += backend + ": " + f.test + ": FAILED " + f.check + " at " + f.where;
    if (!f.detail.empty()) out += ": " + f.detail;
    out += "\n";
  }
  for (const auto& s : skipped) out += backend + ": skipped " + s + "\n";
  std::size_t failed_cases = 0;
  std::string last;
  for (const auto& f : failures) {
    if (f.test != last) ++failed_cases;
    last = f.test;
  }
  out += backend + ": " + std::to_string(passed.size()) + " cases passed, " + std::to_string(failed_cases) +
         " failed, " + std::to_string(skipped.size()) + " skipped (" + std::to_string(checks) + " checks)\n";
  return out;
}

}  // namespace callboard::backend::conformance
