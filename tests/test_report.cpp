// Reports: a synthetic store whose curves are straight lines known by hand, so every value at equal steps,
// gradient evaluations and wall time, every mean and spread over seeds and every learning-rate choice
// below is worked out on paper.
#include <sqlite3.h>

#include <cmath>

#include "limuon/report/aggregate.hpp"
#include "limuon/report/markdown.hpp"
#include "support/scratch_dir.hpp"

namespace {

using limuon::report::Basis;
using limuon::report::RunCurve;
using limuon::store::Store;
using limuon::train::MetricPoint;

class Report : public limuon::testing::ScratchDirTest {
 protected:
  Report() : ScratchDirTest("report") {}

  struct Known {
    std::string optimizer;
    double lr;
    int64_t seed;
    double slope;  // val_loss(step) = 3 - slope * step / 100, evaluated every 25 steps
    double seconds_per_step;
    int64_t diverged_at = 0;  // 0: finishes 100 steps
  };

  // One run: 100 steps (or until it diverges), one or two gradients a step.
  static int64_t write_run(Store& db, int64_t sweep, const Known& k) {
    limuon::train::RunConfig c;
    c.optimizer = k.optimizer;
    (k.optimizer == "adamw" ? c.adamw_lr : c.lr) = k.lr;
    c.seed = k.seed;
    c.steps = 100;
    c.eval_every = 25;
    const int64_t run = db.create_run(c.summary() + " seed " + std::to_string(k.seed), c.to_json(), sweep);
    db.mark_started(run);
    const int64_t last = k.diverged_at ? k.diverged_at : 100;
    const double grads_per_step = k.optimizer == "limuon" ? 2 : 1;
    std::vector<MetricPoint> points;
    for (int64_t s = 1; s <= last; ++s) {
      const double wall = k.seconds_per_step * double(s);
      points.push_back({s, wall, "train_loss", 3.0});
      points.push_back({s, wall, "grad_evals", grads_per_step * double(s)});
      points.push_back({s, wall, "step_ms", double(s % 4 + 1)});  // 2, 3, 4, 1, 2, ...: median 2.5
      // LiMuon waited for a core 0.25 ms a step: 25 ms of its 250 ms of steps, a share of 0.1.
      if (k.optimizer == "limuon") points.push_back({s, wall, "cpu_wait_ms", 0.25});
      if (s % 25 == 0) {
        points.push_back({s, wall, "val_loss", 3.0 - k.slope * double(s) / 100});
        points.push_back({s, wall, "state_bytes", k.optimizer == "adamw" ? 800.0 : 400.0});
        points.push_back({s, wall, "rss_bytes", s == 50 ? 3e6 : 1e6});
      }
    }
    if (k.diverged_at) points.push_back({last, k.seconds_per_step * double(last), "val_loss", NAN});
    db.append_metrics(run, points);
    if (k.optimizer == "limuon")  // energy kept: 0.5 at step 50, then 0.8 and 0.6 at step 100 (mean 0.7)
      db.append_spectra(run, {{50, "a", "momentum", {1.0}, 0.5},
                              {100, "a", "momentum", {1.0}, 0.8},
                              {100, "b", "momentum", {1.0}, 0.6},
                              {100, "b", "update", {1.0}, -1}});
    db.finish_run(run, k.diverged_at ? "diverged" : "finished", last,
                  k.diverged_at ? std::optional<int64_t>(last) : std::nullopt, "");
    return run;
  }

  // Muon: lr 0.01 ends at 2.0 / 2.2 (mean 2.1), lr 0.02 at 1.8 / 2.0 (mean 1.9: chosen).
  // AdamW: 0.001 ends at 2.4 / 2.6 (2.5: chosen, both seeds finish); 0.003 has the best run (1.0) but its
  // other seed diverges at step 60. LiMuon: lr 0.02 ends at 1.6 / 1.4. Seconds a step: Muon 0.1, AdamW
  // 0.06, LiMuon 0.2.
  std::vector<RunCurve> write_known_sweep(Store& db) {
    const int64_t sweep = db.create_sweep("known", "");
    const std::vector<Known> runs = {
        {"muon", 0.01, 0, 1.0, 0.1},        {"muon", 0.01, 1, 0.8, 0.1},    {"muon", 0.02, 0, 1.2, 0.1},
        {"muon", 0.02, 1, 1.0, 0.1},        {"adamw", 0.001, 0, 0.6, 0.06}, {"adamw", 0.001, 1, 0.4, 0.06},
        {"adamw", 0.003, 0, 2.0, 0.06, 60}, {"adamw", 0.003, 1, 2.0, 0.06}, {"limuon", 0.02, 0, 1.4, 0.2},
        {"limuon", 0.02, 1, 1.6, 0.2},
    };
    for (const auto& k : runs) write_run(db, sweep, k);
    // A run still going is not judged.
    const int64_t running = db.create_run("still running", limuon::train::RunConfig{}.to_json(), sweep);
    db.mark_started(running);
    std::vector<RunCurve> curves;
    for (const auto& r : db.runs(sweep)) curves.push_back(limuon::report::load_run_curve(db, r, "val_loss"));
    return curves;
  }
};

RunCurve line(double slope, double seconds_per_step, double grads_per_step) {
  RunCurve r;
  r.status = "finished";
  for (int64_t s = 25; s <= 100; s += 25)
    r.points.push_back({s, grads_per_step * double(s), seconds_per_step * double(s), 3.0 - slope * double(s) / 100});
  r.end = {100, grads_per_step * 100, seconds_per_step * 100, 0};
  return r;
}

TEST(ReportValues, ReadAtAPointAlongEachBasisBetweenEvaluations) {
  const RunCurve r = line(1.0, 0.2, 2.0);
  using limuon::report::value_at;
  EXPECT_DOUBLE_EQ(*value_at(r, Basis::steps, 50), 2.5);        // an evaluation
  EXPECT_DOUBLE_EQ(*value_at(r, Basis::steps, 60), 2.4);        // 2.5 + (60-50)/25 (2.25-2.5)
  EXPECT_DOUBLE_EQ(*value_at(r, Basis::grad_evals, 120), 2.4);  // step 60
  EXPECT_DOUBLE_EQ(*value_at(r, Basis::wall_s, 6.0), 2.7);      // step 30: 2.75 + (5/25)(2.5-2.75)
  EXPECT_DOUBLE_EQ(*value_at(r, Basis::steps, 100), 2.0);
  EXPECT_FALSE(value_at(r, Basis::steps, 101));  // the run ended before
  EXPECT_FALSE(value_at(r, Basis::steps, 10));   // nothing evaluated yet
  RunCurve broken = r;
  broken.points[1].value = NAN;
  EXPECT_FALSE(value_at(broken, Basis::steps, 80));
  EXPECT_DOUBLE_EQ(*value_at(broken, Basis::steps, 25), 2.75);
  EXPECT_DOUBLE_EQ(*limuon::report::final_value(r), 2.0);
  broken.points.back().value = NAN;
  EXPECT_FALSE(limuon::report::final_value(broken));
}

TEST(ReportValues, StatIsTheMeanAndTheSampleStandardDeviation) {
  const auto s = limuon::report::stat_of({1.0, 2.0, 4.0, std::nullopt});
  EXPECT_EQ(s.n, 3);
  EXPECT_EQ(s.missing, 1);
  EXPECT_DOUBLE_EQ(s.mean, 7.0 / 3);
  // ((1-7/3)^2 + (2-7/3)^2 + (4-7/3)^2) / 2 = (16/9 + 1/9 + 25/9) / 2 = 7/3
  EXPECT_DOUBLE_EQ(s.std, std::sqrt(7.0 / 3));
  EXPECT_TRUE(std::isnan(limuon::report::stat_of({5.0}).std));
}

// A method whose runs' median steps differ by more than a quarter ran on a shared machine: the text says
// so, naming the range; a smaller spread passes without a word.
TEST(ReportValues, UnevenStepTimesWithinAMethodAreNamed) {
  auto run = [](int64_t id, const std::string& optimizer, double lr, double step_ms) {
    RunCurve r = line(1.0, 0.1, 1.0);
    r.run_id = id;
    r.config.optimizer = optimizer;
    (optimizer == "adamw" ? r.config.adamw_lr : r.config.lr) = lr;
    r.median_step_ms = step_ms;
    return r;
  };
  const std::vector<RunCurve> runs = {run(1, "muon", 0.01, 100), run(2, "muon", 0.01, 110), run(3, "muon", 0.02, 140),
                                      run(4, "adamw", 0.003, 100), run(5, "adamw", 0.01, 120)};
  limuon::report::MetricSection section;
  section.metric = "val_loss";
  section.methods = limuon::report::group_methods(runs, false);
  ASSERT_EQ(section.methods.size(), 2u);
  EXPECT_EQ(section.methods[0].min_step_ms, 100);
  EXPECT_EQ(section.methods[0].max_step_ms, 140);
  section.comparison = limuon::report::compare_methods(section.methods, runs);
  limuon::report::ReportInput input;
  input.sections.push_back(section);
  const std::string text = limuon::report::render_markdown(input);
  EXPECT_NE(text.find("**Uneven step times.** The median step of runs of one method varied (muon 100 to 140 ms)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("adamw 100 to 120"), std::string::npos) << text;
  // None of these runs recorded its wait for a core, and the text does not pretend otherwise.
  EXPECT_NE(text.find("- Waiting for a core: not recorded by these runs' builds"), std::string::npos) << text;
  EXPECT_EQ(text.find("**Runs waited for a core.**"), std::string::npos) << text;
}

TEST_F(Report, EachMethodIsJudgedAtTheLearningRateThatWonOnItsOwnGrid) {
  Store db(file("runs.db"));
  const auto curves = write_known_sweep(db);
  const auto methods = limuon::report::group_methods(curves, false);
  ASSERT_EQ(methods.size(), 3u);
  EXPECT_EQ(methods[0].label, "muon");
  EXPECT_EQ(methods[0].lr_key, "lr");
  ASSERT_EQ(methods[0].lrs.size(), 2u);
  EXPECT_DOUBLE_EQ(methods[0].lrs[0].mean_final, 2.1);
  EXPECT_DOUBLE_EQ(methods[0].lrs[1].mean_final, 1.9);
  EXPECT_EQ(methods[0].best, 1);
  EXPECT_EQ(methods[1].label, "adamw");
  EXPECT_EQ(methods[1].lr_key, "adamw_lr");
  EXPECT_EQ(methods[1].lrs[1].failed, 1);
  EXPECT_DOUBLE_EQ(methods[1].lrs[1].mean_final, 1.0);
  EXPECT_EQ(methods[1].best, 0);  // 2.5 with both seeds beats 1.0 with one seed lost
  EXPECT_EQ(methods[2].label, "limuon");
  EXPECT_EQ(methods[2].best, 0);
  // The same run in a second sweep (same settings and seed) is not a fourth seed.
  auto twice = curves;
  twice.push_back(curves[2]);
  twice.back().run_id = 99;
  EXPECT_EQ(limuon::report::group_methods(twice, false)[0].lrs[1].run_ids, methods[0].lrs[1].run_ids);
  // Higher is better (an accuracy): the other lr of Muon wins.
  EXPECT_EQ(limuon::report::group_methods(curves, true)[0].best, 0);
}

TEST_F(Report, MethodsAreComparedWhereEveryChosenRunArrived) {
  Store db(file("runs.db"));
  const auto curves = write_known_sweep(db);
  const auto c = limuon::report::compare_methods(limuon::report::group_methods(curves, false), curves);
  EXPECT_EQ(c.limits[0], 100);           // steps: every run finished 100
  EXPECT_EQ(c.limits[1], 100);           // gradients: Muon's and AdamW's 100 (LiMuon spent 200)
  EXPECT_NEAR(c.limits[2], 6.0, 1e-12);  // seconds: AdamW's 100 x 0.06
  ASSERT_EQ(c.rows.size(), 3u);
  const double pair_std = 0.2 / std::sqrt(2.0);  // two values 0.2 apart
  const auto& muon = c.rows[0];
  EXPECT_EQ(muon.lr, 0.02);
  EXPECT_NEAR(muon.at[0].mean, 1.9, 1e-12);
  EXPECT_NEAR(muon.at[0].std, pair_std, 1e-12);
  EXPECT_NEAR(muon.at[1].mean, 1.9, 1e-12);
  EXPECT_NEAR(muon.at[2].mean, (2.28 + 2.4) / 2, 1e-12);  // step 60: 3 - 1.2 x 0.6 and 3 - 1.0 x 0.6
  const auto& adamw = c.rows[1];
  EXPECT_EQ(adamw.lr, 0.001);
  EXPECT_NEAR(adamw.at[2].mean, 2.5, 1e-12);
  EXPECT_EQ(adamw.state_bytes.mean, 800);
  const auto& limuon = c.rows[2];
  EXPECT_NEAR(limuon.at[0].mean, 1.5, 1e-12);
  EXPECT_NEAR(limuon.at[1].mean, (2.3 + 2.2) / 2, 1e-12);    // step 50
  EXPECT_NEAR(limuon.at[2].mean, (2.58 + 2.52) / 2, 1e-12);  // step 30
  EXPECT_NEAR(limuon.at[2].std, 0.06 / std::sqrt(2.0), 1e-12);
  EXPECT_EQ(limuon.peak_rss_bytes.mean, 3e6);
  EXPECT_EQ(limuon.median_step_ms.mean, 2.5);
  for (const auto& run : curves)  // only LiMuon's runs recorded their wait for a core
    if (run.config.optimizer == "limuon" && run.status == "finished")
      EXPECT_NEAR(run.cpu_wait_share.value_or(-1), 0.1, 1e-12);
    else
      EXPECT_FALSE(run.cpu_wait_share) << run.run_id;
  EXPECT_NEAR(limuon.energy_fraction.mean, 0.7, 1e-12);
  EXPECT_EQ(muon.energy_fraction.n, 0);
}

TEST_F(Report, MeanCurveAveragesSeedsAtEveryCommonEvaluation) {
  Store db(file("runs.db"));
  const auto curves = write_known_sweep(db);
  // Muon lr 0.02: slopes 1.2 and 1.0.
  const auto mean = limuon::report::mean_curve({&curves[2], &curves[3]}, Basis::wall_s);
  ASSERT_EQ(mean.x.size(), 4u);
  EXPECT_NEAR(mean.x[1], 5.0, 1e-12);
  EXPECT_NEAR(mean.mean[1], 3 - 1.1 * 0.5, 1e-12);
  EXPECT_NEAR(mean.std[1], 0.1 / std::sqrt(2.0), 1e-12);
  // AdamW lr 0.003: one seed diverged after step 50, so the curve stops at 50.
  EXPECT_EQ(limuon::report::mean_curve({&curves[6], &curves[7]}, Basis::steps).x.size(), 2u);
}

TEST_F(Report, TheTextSaysWhereEveryNumberComesFromAndWhoWon) {
  Store db(file("runs.db"));
  const auto curves = write_known_sweep(db);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file("runs.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "UPDATE runs SET versions_json = '{\"commit\":\"abc\",\"cores\":2,\"cpu\":\"Test CPU\","
                         "\"blas_core\":\"Haswell\"}', started_at = '2026-11-30T10:00:00Z', "
                         "finished_at = '2026-12-01T09:00:00Z' WHERE id <= 10",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  limuon::report::ReportInput input;
  input.title = "Report: known";
  input.command = "limuon-lab report known.toml --db runs.db --out out";
  input.provenance = limuon::report::provenance_of(db.runs());
  limuon::report::add_curve_totals(input.provenance, curves);
  EXPECT_EQ(input.provenance.judged, 10);
  EXPECT_EQ(input.provenance.unjudged, 1);
  limuon::report::MetricSection section;
  section.metric = "val_loss";
  section.methods = limuon::report::group_methods(curves, false);
  section.comparison = limuon::report::compare_methods(section.methods, curves);
  input.sections.push_back(section);
  const std::string text = limuon::report::render_markdown(input);
  auto has = [&](const std::string& s) { EXPECT_NE(text.find(s), std::string::npos) << s << "\n---\n" << text; };
  has("`limuon-lab report known.toml --db runs.db --out out`");
  has("- Measured: 2026-11-30 to 2026-12-01.");
  has("- Machine: Test CPU, 2 cores, OpenBLAS kernel Haswell.");
  has("- Commit: abc.");
  // Muon 4 x 10 s, AdamW 3 x 6 s and 3.6 s (diverged at step 60), LiMuon 2 x 20 s; the running run not at all.
  EXPECT_NEAR(input.provenance.run_seconds, 101.6, 1e-9);
  has("- Waiting for a core: recorded by 2 of 10 runs; the most any run's training thread waited was 10.0% of its "
      "step time.");
  has("**Runs waited for a core.** The training threads of some runs were ready to compute but waited for a free "
      "core (limuon up to 10% of their step time)");
  has("10 judged");
  has("1 not finished yet");
  has("| at 100 steps | at 100 gradients | at 6.0 s |");
  has("| limuon | lr=0.02 (only lr tried) | 2 | **1.5000 ± 0.1414** | 2.2500 ± 0.0707 | 2.5500 ± 0.0424 | 400 B | 2.9 MiB | 2.5 | "
      "0.700 |");
  has("| muon | lr=0.02 (grid edge) | 2 | 1.9000 ± 0.1414 | **1.9000 ± 0.1414** | **2.3400 ± 0.0849** |");
  has("| adamw | adamw_lr=0.001 (grid edge) | 2 | 2.5000 ± 0.1414 | 2.5000 ± 0.1414 | 2.5000 ± 0.1414 | 800 B |");
  has("- At equal steps (100 steps): **limuon** is best (1.5000 ± 0.1414); next muon (1.9000 ± 0.1414), a gap "
      "larger than their spreads.");
  has("- At equal wall time (6.0 s): **muon** is best");
  has("| adamw | adamw_lr=0.003 | 2 | 1 | 1.0000 |");
  has("| muon | lr=0.02 (chosen, grid edge) | 2 | 0 | **1.9000** |");
  has("| limuon | lr=0.02 (chosen, only lr tried) | 2 | 0 | **1.5000** |");
}

TEST(ReportRank, RankRowsBecomeLinesOverTheRankPerLrScale) {
  auto run = [](int64_t id, int64_t rank, const std::string& scale) {
    RunCurve r;
    r.run_id = id;
    r.config.optimizer = "limuon";
    r.config.rank = rank;
    r.config.polar = rank > 0 ? "lowrank" : "newton_schulz";
    r.config.lr_scale = scale;
    return r;
  };
  const std::vector<RunCurve> runs = {run(1, 8, "shape"), run(2, 1, "shape"), run(3, 0, "shape"),
                                      run(4, 4, "match_adamw_rms_rank")};
  limuon::report::Comparison c;
  auto row = [](const std::string& label, int64_t id, double value, double energy) {
    limuon::report::MethodRow r;
    r.label = label;
    r.run_ids = {id};
    r.at[0].n = 1, r.at[0].mean = value;
    r.energy_fraction.n = 1, r.energy_fraction.mean = energy;
    return r;
  };
  c.rows = {row("limuon polar=lowrank rank=8", 1, 1.5, 0.9), row("limuon polar=lowrank rank=1", 2, 1.9, 0.4),
            row("limuon polar=newton_schulz rank=0", 3, 1.4, 0),
            row("limuon polar=lowrank rank=4 lr_scale=match_adamw_rms_rank", 4, 1.7, 0.8)};
  const auto lines = limuon::report::rank_lines(c, runs);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].label, "limuon polar=lowrank");
  EXPECT_EQ(lines[0].ranks, (std::vector<int64_t>{1, 8}));
  EXPECT_EQ(lines[0].at_steps[0].mean, 1.9);
  EXPECT_EQ(lines[0].at_steps[1].mean, 1.5);
  EXPECT_EQ(lines[0].energy[0].mean, 0.4);
  EXPECT_EQ(lines[1].label, "limuon polar=lowrank lr_scale=match_adamw_rms_rank");
  EXPECT_EQ(lines[1].ranks, (std::vector<int64_t>{4}));
}

TEST(ReportRank, EachOtherOptimizerIsAReferenceAtItsBestRow) {
  auto run = [](int64_t id, const std::string& optimizer, int64_t rank) {
    RunCurve r;
    r.run_id = id;
    r.config.optimizer = optimizer;
    r.config.rank = rank;
    return r;
  };
  const std::vector<RunCurve> runs = {run(1, "limuon", 8), run(2, "muon", 0), run(3, "limuon", 0),
                                      run(4, "muon", 0), run(5, "limuon", 0), run(6, "adamw", 0)};
  limuon::report::Comparison c;
  auto row = [](const std::string& label, int64_t id, double value) {
    limuon::report::MethodRow r;
    r.label = label;
    r.run_ids = {id};
    r.at[0].n = 1, r.at[0].mean = value;
    return r;
  };
  c.rows = {row("limuon rank=8", 1, 1.2),       row("muon a", 2, 1.8), row("limuon beta=0.1 rank=0", 3, 2.3),
            row("muon b", 4, 1.7),              row("limuon beta=0.6 rank=0", 5, 1.75),
            row("adamw", 6, std::nan(""))};  // no value at equal steps: no reference
  const auto lower = limuon::report::rank_references(c, runs, false);
  ASSERT_EQ(lower.size(), 2u);
  EXPECT_EQ(lower[0].label, "muon b");
  EXPECT_EQ(lower[0].at_steps.mean, 1.7);
  EXPECT_EQ(lower[1].label, "limuon beta=0.6 rank=0");
  const auto higher = limuon::report::rank_references(c, runs, true);
  ASSERT_EQ(higher.size(), 2u);
  EXPECT_EQ(higher[0].label, "muon a");
  EXPECT_EQ(higher[1].label, "limuon beta=0.1 rank=0");
}

}  // namespace
