#pragma once
// Helpers shared by the model tests.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace callboard::model_test {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::filesystem::path repo_path(const std::string& relative) {
  return std::filesystem::path(CALLBOARD_REPO_ROOT) / relative;
}

}  // namespace callboard::model_test
