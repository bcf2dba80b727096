// The headless command line end to end: train into a database, list and export runs, sweep files
// with line-numbered errors, a sweep killed with SIGKILL at several moments that resumes without losing
// or repeating a run, and the per-run lock between a resume and a sweep.
#include "cli/cli.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/run_lock.hpp"
#include "limuon/train/run_config.hpp"
#include "support/cli_fixture.hpp"
#include "support/scratch_dir.hpp"
#include "support/tiny_run.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

class Cli : public limuon::testing::CliTest {
 protected:
  Cli() : CliTest("cli") {}
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(file(name)) << text;
    return file(name);
  }
};

TEST_F(Cli, TrainRecordsARunThatRunsListsShowsAndExports) {
  ASSERT_EQ(run({"train", "--db", file("runs.db"), "--steps", "12", "--batch-size", "4", "--eval-every", "4",
                 "--threads", "1", "--optimizer", "limuon", "--rank", "4", "--polar", "lowrank"}),
            0)
      << err.str();
  EXPECT_NE(out.str().find("1 finished"), std::string::npos) << out.str();
  ASSERT_EQ(run({"runs", "--db", file("runs.db")}), 0);
  EXPECT_NE(out.str().find("finished"), std::string::npos);
  ASSERT_EQ(run({"runs", "show", "1", "--db", file("runs.db")}), 0);
  EXPECT_NE(out.str().find("train_loss: 12 points"), std::string::npos) << "[" << out.str() << "]" << err.str();
  ASSERT_EQ(run({"runs", "export", "1", "--db", file("runs.db"), "--csv", file("run.csv"), "--json", file("run.json")}),
            0)
      << err.str();
  std::ifstream csv(file("run.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "metric,step,value,wall_s");
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_GT(lines, 12 * 7);
  EXPECT_TRUE(fs::file_size(file("run.json")) > 100);
  EXPECT_TRUE(fs::exists(file("runs.db.log")));
}

TEST_F(Cli, BadInputIsAMessageAndAnExitCode) {
  EXPECT_EQ(run({"train", "--db", file("runs.db"), "--rnak", "8"}), 2);
  EXPECT_NE(err.str().find("unknown key 'rnak'"), std::string::npos) << err.str();
  EXPECT_EQ(run({"train", "--db", file("runs.db"), "--beta", "1.5"}), 2);
  EXPECT_NE(err.str().find("beta"), std::string::npos);
  EXPECT_EQ(run({"train", "--db", file("runs.db"), "--steps"}), 2);
  EXPECT_EQ(run({"runs", "show", "7", "--db", file("missing.db")}), 1);
  EXPECT_NE(err.str().find("no such file"), std::string::npos) << err.str();
  write("garbage.db", std::string(5000, 'q'));
  EXPECT_EQ(run({"runs", "--db", file("garbage.db")}), 1);
  EXPECT_NE(err.str().find("not a database"), std::string::npos) << err.str();
  EXPECT_EQ(fs::file_size(file("garbage.db")), 5000u);
}

TEST_F(Cli, TrainBenchWithoutPythonPyTorchSaysWhatToInstall) {
  EXPECT_EQ(run({"bench", "train", "--steps", "2", "--batch", "2", "--python", "/nonexistent/python3"}), 1);
  EXPECT_NE(err.str().find("python3-torch"), std::string::npos) << err.str();
  EXPECT_NE(out.str().find("C++ engine"), std::string::npos);  // the engine's figure is still printed
  EXPECT_EQ(run({"bench", "train", "--model", "huge"}), 2);
  EXPECT_NE(err.str().find("must be gpt:classroom or gpt:small"), std::string::npos) << err.str();
}

TEST_F(Cli, AGridListingAValueTwiceIsRejected) {
  write("dup.toml", "[sweep]\nname = \"d\"\n[grid]\nseed = [1, 1]\n");
  EXPECT_EQ(run({"sweep", file("dup.toml"), "--db", file("runs.db")}), 2);
  EXPECT_NE(err.str().find("listed twice"), std::string::npos) << err.str();
}

TEST_F(Cli, ConfigAndSweepFilesReportTheLineAndKey) {
  write("run.toml", "# comment\n[run]\nsteps = 10\nrnak = 4\n");
  EXPECT_EQ(run({"train", "--config", file("run.toml"), "--db", file("runs.db")}), 2);
  EXPECT_NE(err.str().find("line 4"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("rnak"), std::string::npos);
  write("syntax.toml", "[run]\nsteps = = 3\n");
  EXPECT_EQ(run({"train", "--config", file("syntax.toml"), "--db", file("runs.db")}), 2);
  EXPECT_NE(err.str().find("syntax.toml:2"), std::string::npos) << err.str();
  write("sweep.toml", "[sweep]\nname = \"s\"\n[base]\nsteps = 5\n[grid]\nbeta = [0.1, 7.0]\n");
  EXPECT_EQ(run({"sweep", file("sweep.toml"), "--db", file("runs.db")}), 2);
  EXPECT_NE(err.str().find("beta"), std::string::npos) << err.str();
  write("sweep2.toml", "[sweep]\nname = \"s\"\n[grid]\nrank = 4\n");
  EXPECT_EQ(run({"sweep", file("sweep2.toml"), "--db", file("runs.db")}), 2);
  EXPECT_NE(err.str().find("line 4"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("non-empty list"), std::string::npos);
}

// Runs the real binary so that SIGKILL hits a whole process, as a user's kill would.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    freopen(log.c_str(), "w", stdout);
    std::vector<char*> argv{const_cast<char*>("limuon-lab")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(LIMUON_LAB_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

pid_t spawn_sweep(const std::string& sweep, const std::string& db, const std::string& log) {
  return spawn({"sweep", sweep, "--db", db}, log);
}

// The runs of `db` as a reader sees them now; empty while the writer holds the file mid-migration.
std::vector<limuon::store::RunRecord> peek_runs(const std::string& db) {
  try {
    if (fs::exists(db)) return limuon::store::Store(db, limuon::store::Store::Mode::read_only).runs();
  } catch (const limuon::store::StoreError&) {
  }
  return {};
}

// Polls every millisecond (up to 60 s) until `moment` holds, then SIGKILLs the child. False when the
// moment never came or the child had already ended by itself.
bool kill_when(pid_t child, const std::function<bool()>& moment) {
  bool reached = false;
  for (int tries = 0; tries < 60000 && !reached; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    reached = moment();
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  return reached && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Stops the child (SIGSTOP) and answers whether its checkpoint folder is at rest: `current` complete, no
// save in flight. If not, lets it go on. A stopped child cannot write, so what is checked here stays true.
bool stopped_between_saves(pid_t child, const fs::path& folder) {
  kill(child, SIGSTOP);
  int status = 0;
  waitpid(child, &status, WUNTRACED);
  const bool at_rest = fs::exists(folder / "current" / "step") && !fs::exists(folder / "next") && !fs::exists(folder / "old");
  if (!at_rest) kill(child, SIGCONT);
  return at_rest;
}

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(Cli, AKilledTrainRunResumesFromItsCheckpoint) {
  const std::string db = file("runs.db");
  const pid_t child = spawn({"train", "--db", db, "--steps", "40", "--batch-size", "4", "--checkpoint-every", "5",
                             "--spectrum-every", "0", "--threads", "1"},
                            file("train.log"));
  ASSERT_TRUE(kill_when(child, [&] {
    const auto runs = peek_runs(db);
    return runs.size() == 1 && runs[0].status == "running" && runs[0].steps_done >= 12;
  })) << "the run never got past step 12 while running";
  ASSERT_EQ(run({"train", "--resume", "1", "--db", db}), 0) << err.str();
  EXPECT_NE(out.str().find("(resumed from step "), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("loss 0.0000"), std::string::npos) << out.str();  // no loss before its first step
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  EXPECT_EQ(store.run(1)->status, "finished");
  EXPECT_EQ(store.series(1, "train_loss").size(), 40u);
  ASSERT_EQ(run({"train", "--resume", "1", "--db", db}), 0);
  EXPECT_NE(out.str().find("already ended"), std::string::npos);
  EXPECT_EQ(run({"train", "--resume", "1", "--steps", "5", "--db", db}), 2);
}

TEST_F(Cli, ASweepKilledDuringACheckpointBetweenRunsAndMidRunResumesWithoutLosingOrRepeatingRuns) {
  const auto sweep = write("sweep.toml",
                           "[sweep]\nname = \"kill-test\"\n[base]\nmodel = \"gpt:classroom\"\nsteps = 24\n"
                           "batch_size = 4\neval_every = 6\ncheckpoint_every = 2\nspectrum_every = 0\nthreads = 1\n"
                           "[grid]\noptimizer = [\"muon\", \"limuon\"]\n");
  const std::string db = file("runs.db"), checkpoints = db + ".checkpoints";
  auto run_state = [&](size_t index, const std::string& status, int64_t min_steps) {
    const auto runs = peek_runs(db);
    return runs.size() == 2 && runs[index].status == status && runs[index].steps_done >= min_steps;
  };

  // 1. Killed while run 1 writes a checkpoint after its first. A save takes a few milliseconds, and on a fast
  // disk a kill timed from outside never lands inside one; so the child is frozen between two saves, killed,
  // and left as a kill during the model's write leaves it: a `next` folder with half a model and no `step`.
  const fs::path folder = fs::path(checkpoints) / "run-1";
  const pid_t first = spawn_sweep(sweep, db, file("1.log"));
  ASSERT_TRUE(kill_when(first, [&] {
    return run_state(0, "running", 4) && fs::exists(folder / "current" / "step") && stopped_between_saves(first, folder);
  })) << "run 1 never saved a checkpoint";
  fs::copy(folder / "current", folder / "next");
  fs::resize_file(folder / "next" / "model.pt", fs::file_size(folder / "next" / "model.pt") / 2);
  for (const char* unwritten : {"optimizer.pt", "config.json", "progress.json", "step"}) fs::remove(folder / "next" / unwritten);
  ASSERT_EQ(peek_runs(db).at(0).status, "running");
  // 2. Between the runs: run 1 just recorded as finished.
  std::string first_finished_at;
  ASSERT_TRUE(kill_when(spawn_sweep(sweep, db, file("2.log")), [&] {
    const auto runs = peek_runs(db);
    if (runs.size() != 2 || runs[0].status != "finished") return false;
    first_finished_at = runs[0].finished_at;
    return true;
  })) << "the sweep never finished run 1";
  // 3. In the middle of run 2.
  ASSERT_TRUE(kill_when(spawn_sweep(sweep, db, file("3.log")), [&] { return run_state(1, "running", 8); }))
      << "the sweep never reached the middle of run 2";
  // 4. To the end; and the same sweep uninterrupted, for the losses.
  int status = 0;
  waitpid(spawn_sweep(sweep, db, file("4.log")), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text_of(file("4.log"));
  waitpid(spawn_sweep(sweep, file("reference.db"), file("reference.log")), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text_of(file("reference.log"));

  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  limuon::store::Store reference(file("reference.db"), limuon::store::Store::Mode::read_only);
  EXPECT_EQ(store.integrity_check(), "ok");
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);  // nothing created twice
  EXPECT_EQ(runs[0].finished_at, first_finished_at);  // the finished run was not run again
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, "finished") << r.name;
    EXPECT_EQ(r.steps_done, 24);
    const auto loss = store.series(r.id, "train_loss");
    const auto expected = reference.series(r.id, "train_loss");
    ASSERT_EQ(loss.size(), 24u) << r.name;  // every step once, none lost
    for (size_t i = 0; i < loss.size(); ++i) {  // and each the uninterrupted run's, bit for bit
      EXPECT_EQ(loss[i].step, static_cast<int64_t>(i + 1));
      EXPECT_EQ(loss[i].value, expected[i].value) << r.name << " step " << loss[i].step;
    }
    EXPECT_EQ(store.series(r.id, "val_loss").size(), 4u) << r.name;
  }
  EXPECT_NE(text_of(file("2.log")).find("(resumed from step "), std::string::npos)  // run 1, after the checkpoint kill
      << "restarted from scratch: " << text_of(file("2.log"));
  EXPECT_NE(text_of(file("3.log")).find("1 to run, 1 already done"), std::string::npos) << text_of(file("3.log"));
  EXPECT_NE(text_of(file("4.log")).find("1 to run, 1 already done"), std::string::npos) << text_of(file("4.log"));
  EXPECT_NE(text_of(file("4.log")).find("(resumed from step "), std::string::npos) << text_of(file("4.log"));
}

}  // namespace

namespace {

using limuon::sweep::RunLock;

limuon::train::RunConfig tiny_run(int64_t steps) {
  auto c = limuon::testing::tiny_run("muon", steps, 2);
  c.checkpoint_every = 2;
  c.name = "tiny";
  return c;
}

TEST_F(Cli, AResumeOfARunAnotherProcessHoldsExitsAndChangesNothing) {
  const std::string db = file("runs.db");
  {
    limuon::store::Store store(db);
    store.create_run("tiny", tiny_run(4).to_json(), std::nullopt);
  }
  auto held = RunLock::try_acquire(db + ".checkpoints", 1);  // as a sweep driving run 1 would hold it
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(run({"train", "--resume", "1", "--db", db}), 1);
  EXPECT_NE(err.str().find("run 1 is being run by another limuon-lab process"), std::string::npos) << err.str();
  {
    limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
    EXPECT_EQ(store.run(1)->status, "queued");
    EXPECT_EQ(store.run(1)->started_at, "");
    EXPECT_TRUE(store.metric_names(1).empty());
  }
  EXPECT_FALSE(fs::exists(db + ".checkpoints/run-1"));
  held.reset();
  ASSERT_EQ(run({"train", "--resume", "1", "--db", db}), 0) << err.str();
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  EXPECT_EQ(store.run(1)->status, "finished");
  EXPECT_EQ(store.series(1, "train_loss").size(), 4u);
}

TEST_F(Cli, ASweepSkipsARunAnotherProcessHoldsAndTheNextSweepRunsIt) {
  const auto sweep = write("sweep.toml",
                           "[sweep]\nname = \"busy\"\n[base]\nmodel = \"gpt:classroom\"\noptimizer = \"muon\"\n"
                           "steps = 4\nbatch_size = 4\neval_every = 2\neval_batches = 1\ncheckpoint_every = 2\n"
                           "spectrum_every = 0\nthreads = 1\n[grid]\nseed = [1, 2]\n");
  const std::string db = file("runs.db");
  auto held = RunLock::try_acquire(db + ".checkpoints", 2);  // runs are numbered in grid order
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(run({"sweep", sweep, "--db", db}), 1);
  EXPECT_NE(err.str().find("run 2 is being run by another process"), std::string::npos) << err.str();
  EXPECT_NE(out.str().find("1 finished"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("1 busy in another process"), std::string::npos) << out.str();
  {
    limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
    EXPECT_EQ(store.run(1)->status, "finished");
    EXPECT_EQ(store.run(2)->status, "queued");  // untouched
    EXPECT_TRUE(store.metric_names(2).empty());
  }
  held.reset();
  ASSERT_EQ(run({"sweep", sweep, "--db", db}), 0) << err.str();
  EXPECT_NE(out.str().find("1 to run, 1 already done"), std::string::npos) << out.str();
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  EXPECT_EQ(store.run(2)->status, "finished");
  EXPECT_EQ(store.series(2, "train_loss").size(), 4u);
}

// A second process, as a user would have it: a resume while `train` drives the run is refused.
TEST_F(Cli, AResumeWhileAnotherProcessTrainsTheRunIsRefused) {
  const std::string db = file("runs.db");
  const pid_t child = spawn({"train", "--db", db, "--steps", "100000", "--batch-size", "4", "--checkpoint-every", "5",
                             "--spectrum-every", "0", "--eval-every", "1000", "--threads", "1"},
                            file("train.log"));
  bool started = false;
  for (int tries = 0; tries < 6000 && !started; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    try {
      if (!fs::exists(db)) continue;
      limuon::store::Store peek(db, limuon::store::Store::Mode::read_only);
      const auto runs = peek.runs();
      started = runs.size() == 1 && runs[0].steps_done >= 2;
    } catch (const limuon::store::StoreError&) {
    }
  }
  const int resumed = started ? run({"train", "--resume", "1", "--db", db}) : -1;
  const bool free_while_running = RunLock::try_acquire(db + ".checkpoints", 1).has_value();
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(started);
  EXPECT_EQ(resumed, 1);
  EXPECT_NE(err.str().find("being run by another limuon-lab process"), std::string::npos) << err.str();
  EXPECT_FALSE(free_while_running);
  EXPECT_TRUE(RunLock::try_acquire(db + ".checkpoints", 1).has_value());  // the kernel dropped it with the process
}

}  // namespace
