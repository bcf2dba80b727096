// A fixture with its own empty folder under the system temp directory, removed after each test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace limuon::testing {

class ScratchDirTest : public ::testing::Test {
 protected:
  // `name` keeps concurrent test binaries apart; the process id keeps concurrent tests of one binary apart.
  explicit ScratchDirTest(const std::string& name)
      : dir(std::filesystem::temp_directory_path() / ("limuon-" + name + "-" + std::to_string(::getpid()))) {}
  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string file(const std::string& name) const { return (dir / name).string(); }

  const std::filesystem::path dir;
};

}  // namespace limuon::testing
