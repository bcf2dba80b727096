// Trainer checkpoints on disk: the newest complete one wins, also after kills between the renames; the
// syncs that make a save survive a power cut come in the right order, and a failing one is an error that
// names the file and leaves the previous checkpoint in place.
#include "limuon/train/checkpoint.hpp"
#include "limuon/train/run_config.hpp"
#include "support/scratch_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using limuon::train::CheckpointProgress;

struct Fixture {
  torch::nn::Linear model{3, 2};
  torch::optim::SGD opt{model->parameters(), torch::optim::SGDOptions(0.1)};
};

class CheckpointFiles : public limuon::testing::ScratchDirTest {
 protected:
  CheckpointFiles() : ScratchDirTest("ckpt") {}
  void save(int64_t step) {
    Fixture f;
    limuon::train::save_checkpoint(dir.string(), *f.model, f.opt,
                                   CheckpointProgress{step, 2.5, 1.0 * double(step), {{step, 0.5, "train_loss", 1.0}}},
                                   "{}");
  }
  int64_t load_step() {
    Fixture f;
    const auto p = limuon::train::load_checkpoint(dir.string(), *f.model, f.opt, "{}");
    return p ? p->step : -1;
  }
};

TEST_F(CheckpointFiles, ProgressRoundTrips) {
  save(7);
  Fixture f;
  const auto p = limuon::train::load_checkpoint(dir.string(), *f.model, f.opt, "{}");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->step, 7);
  EXPECT_EQ(p->first_loss, 2.5);
  EXPECT_EQ(p->wall_s, 7.0);
  ASSERT_EQ(p->recent_metrics.size(), 1u);
  EXPECT_EQ(p->recent_metrics[0].name, "train_loss");
  EXPECT_THROW(limuon::train::load_checkpoint(dir.string(), *f.model, f.opt, "{\"other\": 1}"), std::runtime_error);
}

// A run checkpointed by an older build, before a setting existed, resumes; other settings do not.
TEST_F(CheckpointFiles, ASettingAddedSinceTheSaveReadsAsItsDefault) {
  Fixture f;
  limuon::train::save_checkpoint(dir.string(), *f.model, f.opt, CheckpointProgress{4, 2.5, 1.0, {}},
                                 R"({"optimizer":"muon","lr":0.01})");
  Fixture g;
  limuon::train::RunConfig now;
  now.optimizer = "muon";
  now.lr = 0.01;
  const auto loaded = limuon::train::load_checkpoint(dir.string(), *g.model, g.opt, now.to_json());
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->step, 4);
  now.lr = 0.02;
  EXPECT_THROW(limuon::train::load_checkpoint(dir.string(), *g.model, g.opt, now.to_json()), std::runtime_error);
}

TEST_F(CheckpointFiles, KillBetweenTheRenamesLeavesOnlyOldAndTheNextSaveKeepsIt) {
  save(5);
  fs::rename(dir / "current", dir / "old");  // killed after current -> old, before next -> current
  EXPECT_EQ(load_step(), 5);
  save(10);
  EXPECT_EQ(load_step(), 10);
  EXPECT_FALSE(fs::exists(dir / "old"));
}

TEST_F(CheckpointFiles, KillBeforeTheSwapLeavesACompleteNextThatWins) {
  save(5);
  save(10);
  fs::rename(dir / "current", dir / "next");  // a complete next, current gone: two kills in a row
  EXPECT_EQ(load_step(), 10);
  fs::remove(dir / "next" / "step");  // an incomplete next is ignored
  EXPECT_EQ(load_step(), -1);
}

// Records every sync and rename a save makes (and still performs them); can make one sync fail.
class RecordedFileOps {
 public:
  RecordedFileOps(fs::path root, std::string fail_on = "") : root_(std::move(root)), fail_on_(std::move(fail_on)) {
    auto& ops = limuon::train::detail::checkpoint_file_ops();
    const auto real = limuon::train::detail::default_checkpoint_file_ops();
    ops.sync_file = [this, real](const std::string& f) {
      log.push_back("sync " + relative(f) + (fs::exists(fs::path(f).parent_path() / "step") ? " (step exists)" : ""));
      if (relative(f) == fail_on_) throw std::system_error(EIO, std::generic_category(), "fsync");
      real.sync_file(f);
    };
    ops.sync_folder = [this, real](const std::string& d) {
      log.push_back("syncdir " + relative(d));
      real.sync_folder(d);
    };
    ops.rename = [this, real](const std::string& from, const std::string& to) {
      log.push_back("rename " + relative(from) + " " + relative(to));
      real.rename(from, to);
    };
  }
  ~RecordedFileOps() { limuon::train::detail::checkpoint_file_ops() = limuon::train::detail::default_checkpoint_file_ops(); }
  std::vector<std::string> log;

 private:
  std::string relative(const std::string& path) const { return fs::path(path).lexically_relative(root_).string(); }
  fs::path root_;
  std::string fail_on_;
};

TEST_F(CheckpointFiles, DataIsSyncedBeforeTheStepFileAndTheFolderAfterTheSwap) {
  save(5);
  RecordedFileOps ops(dir);
  save(10);
  const std::vector<std::string> expected = {
      "sync next/model.pt", "sync next/optimizer.pt", "sync next/config.json", "sync next/progress.json",
      "sync next/step (step exists)",  // written only after the data files reached the disk
      "syncdir next",                  // the folder's entries, before it becomes current
      "rename current old", "rename next current",
      "syncdir .",  // the swap itself
  };
  EXPECT_EQ(ops.log, expected);
  EXPECT_EQ(load_step(), 10);
}

TEST_F(CheckpointFiles, AFailingSyncNamesTheFileAndKeepsThePreviousCheckpoint) {
  save(5);
  {
    RecordedFileOps ops(dir, "next/optimizer.pt");
    try {
      save(10);
      ADD_FAILURE() << "the failed sync was ignored";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find((dir / "next" / "optimizer.pt").string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("Input/output error"), std::string::npos) << e.what();
    }
    EXPECT_EQ(std::count_if(ops.log.begin(), ops.log.end(), [](const std::string& s) { return s.rfind("rename", 0) == 0; }), 0);
  }
  EXPECT_FALSE(fs::exists(dir / "next" / "step"));  // the new one is not marked complete
  EXPECT_EQ(load_step(), 5);
  save(15);  // and the next save goes through
  EXPECT_EQ(load_step(), 15);
}

TEST_F(CheckpointFiles, TheRealSyncsWorkOnFilesAndFoldersAndFailOnAMissingFile) {
  const auto ops = limuon::train::detail::default_checkpoint_file_ops();
  std::ofstream(file("data.bin")) << "x";
  ops.sync_file(file("data.bin"));
  ops.sync_folder(dir.string());
  EXPECT_THROW(ops.sync_file(file("missing.pt")), std::system_error);
}

}  // namespace
