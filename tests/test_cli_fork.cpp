// `limuon-lab fork`: a branch of a stored run from one of its kept checkpoints, recorded with its origin;
// the steps it can start from; refusals before anything is recorded.
#include "limuon/store/store.hpp"
#include "support/cli_fixture.hpp"

namespace {

class CliFork : public limuon::testing::CliTest {
 protected:
  CliFork() : CliTest("cli-fork") {}
  std::vector<std::string> parent_args() {
    return {"train", "--db", file("runs.db"), "--steps", "8", "--batch-size", "4", "--checkpoint-every", "4",
            "--eval-every", "4", "--threads", "1", "--spectrum-every", "0", "--beta", "0.5"};
  }
};

TEST_F(CliFork, ABranchIsRecordedWithItsOriginAndStartsFromTheParentsStep) {
  ASSERT_EQ(run(parent_args()), 0) << err.str();
  ASSERT_EQ(run({"fork", "1", "--db", file("runs.db")}), 0) << err.str();
  EXPECT_EQ(out.str(), "run 1 can be forked at step 4 8\n");

  ASSERT_EQ(run({"fork", "1", "--at", "4", "--db", file("runs.db"), "--beta", "0.9"}), 0) << err.str();
  limuon::store::Store store(file("runs.db"), limuon::store::Store::Mode::read_only);
  const auto branch = store.run(2);
  ASSERT_TRUE(branch.has_value());
  EXPECT_EQ(branch->parent_run_id, std::optional<int64_t>(1));
  EXPECT_EQ(branch->fork_step, std::optional<int64_t>(4));
  EXPECT_EQ(branch->status, "finished");
  EXPECT_NE(branch->config_json.find("\"beta\":0.9"), std::string::npos) << branch->config_json;
  const auto parent_loss = store.series(1, "train_loss"), branch_loss = store.series(2, "train_loss");
  ASSERT_EQ(branch_loss.size(), 4u);  // steps 5..8
  EXPECT_EQ(branch_loss[0].step, 5);
  EXPECT_EQ(branch_loss[0].value, parent_loss[4].value);  // step 5's loss is taken at the shared W_4
  EXPECT_NE(branch_loss[3].value, parent_loss[7].value);
}

TEST_F(CliFork, BadForksAreRefusedAndNothingIsRecorded) {
  ASSERT_EQ(run(parent_args()), 0) << err.str();
  EXPECT_EQ(run({"fork", "1", "--at", "3", "--db", file("runs.db")}), 2);
  EXPECT_NE(err.str().find("kept no checkpoint of step 3; it kept steps 4 8"), std::string::npos) << err.str();
  EXPECT_EQ(run({"fork", "1", "--at", "4", "--db", file("runs.db"), "--seed", "3"}), 2);
  EXPECT_NE(err.str().find("keeps its parent's seed"), std::string::npos) << err.str();
  EXPECT_EQ(run({"fork", "9", "--at", "4", "--db", file("runs.db")}), 1);
  EXPECT_NE(err.str().find("no run 9"), std::string::npos) << err.str();
  EXPECT_EQ(run({"fork", "--at", "4", "--db", file("runs.db")}), 2);
  limuon::store::Store store(file("runs.db"), limuon::store::Store::Mode::read_only);
  EXPECT_EQ(store.runs().size(), 1u);
}

}  // namespace
