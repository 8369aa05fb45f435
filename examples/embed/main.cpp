// The smallest host of callboard: ask whether a version satisfies an npm range.
#include <iostream>

#include <callboard/semver.hpp>
#include <callboard/version.hpp>

int main() {
  const bool ok = callboard::semver::satisfies("1.2.3", "^1.0.0");
  std::cout << "callboard " << callboard::version() << ": 1.2.3 satisfies ^1.0.0: "
            << (ok ? "true" : "false") << '\n';
  return ok ? 0 : 1;
}
