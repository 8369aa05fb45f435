#pragma once
// Helpers shared by the model tests.
#include "test_files.hpp"
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace callboard::model_test {

using callboard::test::read_text;

inline std::filesystem::path repo_path(const std::string& relative) {
  return std::filesystem::path(CALLBOARD_REPO_ROOT) / relative;
}

}  // namespace callboard::model_test
