#pragma once
// Shared by the artifact tests: fixture paths. File reading (read_text) and
// temporary folders (TempDir) are in tests/support/test_files.hpp.

#include <filesystem>

#include "test_files.hpp"

namespace callboard::test {

inline std::filesystem::path artifact_fixtures() {
  return std::filesystem::path(CALLBOARD_REPO_ROOT) / "tests" / "fixtures" / "artifact";
}

}  // namespace callboard::test
