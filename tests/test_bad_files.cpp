// The IDX reader rejects missing, truncated and malformed files with a message naming the file.
#include "limuon/data/idx.hpp"
#include "support/scratch_dir.hpp"

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;

class IdxFiles : public limuon::testing::ScratchDirTest {
 protected:
  IdxFiles() : ScratchDirTest("idx") {}
  std::string write(const std::string& name, const std::vector<unsigned char>& bytes) {
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return p.string();
  }
  void expect_error(const std::string& path, const std::string& fragment) {
    try {
      limuon::data::read_idx_u8(path);
      ADD_FAILURE() << "accepted " << path;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
};

TEST_F(IdxFiles, ReadsAWellFormedFile) {
  const auto path = write("ok", {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6});
  const torch::Tensor t = limuon::data::read_idx_u8(path);
  EXPECT_EQ(t.sizes(), (torch::IntArrayRef{2, 3}));
  EXPECT_EQ(t[1][2].item<uint8_t>(), 6);
}

TEST_F(IdxFiles, RejectsBadInputWithAClearMessage) {
  expect_error((dir / "missing").string(), "does not exist");
  expect_error(write("magic", {1, 2, 8, 1, 0, 0, 0, 1, 7}), "bad magic");
  expect_error(write("type", {0, 0, 0x0d, 1, 0, 0, 0, 1, 7}), "element type 13");
  expect_error(write("dims", {0, 0, 8, 9}), "9 dimensions");
  expect_error(write("header", {0, 0}), "truncated");
  expect_error(write("short", {0, 0, 8, 1, 0, 0, 0, 5, 1, 2}), "truncated while reading the data");
  expect_error(write("long", {0, 0, 8, 1, 0, 0, 0, 1, 1, 2}), "trailing bytes");
  expect_error(write("huge", {0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff}), "implausible");
}

TEST_F(IdxFiles, MissingFashionMnistNamesThePackage) {
  try {
    limuon::data::load_fashion_mnist(true, (dir / "nowhere").string());
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("dataset-fashion-mnist"), std::string::npos) << e.what();
  }
}

}  // namespace
