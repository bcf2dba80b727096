// Two runs with curves known in closed form, for the comparison tests:
//   run 1, LiMuon: train loss 10 - 0.5 s for steps 1..10, 2 gradient evaluations a step, 0.25 s a step,
//                  validation loss 5 and 4 at steps 5 and 10;
//   run 2, Muon:   train loss 8 - 0.2 s for steps 1..20, 1 gradient evaluation a step, 0.0625 s a step,
//                  validation loss 7 - 0.1 s at steps 5, 10, 15, 20.
// Wall times are exact binary fractions, so "at or before 1.25 s" has no rounding to hide behind.
#pragma once

#include "limuon/store/store.hpp"

namespace limuon::testing {

inline void write_known_curves(store::Store& db) {
  const int64_t a = db.create_run("a", R"({"optimizer":"limuon","rank":8,"polar":"lowrank"})", std::nullopt);
  const int64_t b = db.create_run("b", R"({"optimizer":"muon","lr":0.01})", std::nullopt);
  std::vector<train::MetricPoint> pa, pb;
  for (int64_t s = 1; s <= 10; ++s) {
    pa.push_back({s, 0.25 * s, "train_loss", 10 - 0.5 * s});
    pa.push_back({s, 0.25 * s, "grad_evals", 2.0 * s});
    if (s % 5 == 0) pa.push_back({s, 0.25 * s, "val_loss", s == 5 ? 5.0 : 4.0});
  }
  for (int64_t s = 1; s <= 20; ++s) {
    pb.push_back({s, 0.0625 * s, "train_loss", 8 - 0.2 * s});
    pb.push_back({s, 0.0625 * s, "grad_evals", 1.0 * s});
    if (s % 5 == 0) pb.push_back({s, 0.0625 * s, "val_loss", 7 - 0.1 * s});
  }
  db.append_metrics(a, pa);
  db.append_metrics(b, pb);
  db.finish_run(a, "finished", 10, std::nullopt, "");
  db.finish_run(b, "finished", 20, std::nullopt, "");
}

}  // namespace limuon::testing
