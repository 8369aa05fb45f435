// The smallest host of callboard: ask whether a version satisfies an npm
// range, then open the product API (callboard::Session) on an in-memory
// storage, import the Backstage release manifests installed with callboard,
// and print the list as every front end prints it (the codec's JSON).
#include <iostream>

#include <callboard/codec.hpp>
#include <callboard/registry.hpp>
#include <callboard/semver.hpp>
#include <callboard/session.hpp>
#include <callboard/version.hpp>

int main() {
  const bool ok = callboard::semver::satisfies("1.2.3", "^1.0.0");
  std::cout << "callboard " << callboard::version() << ": 1.2.3 satisfies ^1.0.0: "
            << (ok ? "true" : "false") << '\n';

  callboard::SessionOptions options;
  options.storage = "memory:";
  options.npm = callboard::NpmConfig{};  // no registry: this example stays offline
  auto session = callboard::Session::open(std::move(options));
  if (!session) {
    std::cerr << session.error().to_string() << '\n';
    return 1;
  }
  const auto releases = (callboard::default_data_dir() / "releases").string();
  auto imported = session->import_releases({releases});
  if (!imported) {
    std::cerr << callboard::codec::encode(imported.error()) << '\n';
    return 1;
  }
  auto list = session->releases();
  if (!list) {
    std::cerr << callboard::codec::encode(list.error()) << '\n';
    return 1;
  }
  std::cout << "releases imported from " << releases << ": " << imported->imported << '\n'
            << callboard::codec::encode(*list) << '\n';
  return ok && !list->versions.empty() ? 0 : 1;
}
