// A training run small enough for a test: the classroom GPT, batch 4, one thread, one validation batch,
// no spectra or checkpoints unless asked for.
#pragma once

#include "limuon/train/run_config.hpp"

namespace limuon::testing {

inline train::RunConfig tiny_run(const std::string& optimizer, int64_t steps, int64_t eval_every) {
  train::RunConfig c;
  c.model = "gpt:classroom";
  c.optimizer = optimizer;
  c.steps = steps;
  c.batch_size = 4;
  c.eval_every = eval_every;
  c.eval_batches = 1;
  c.spectrum_every = 0;
  c.checkpoint_every = 0;
  c.threads = 1;
  return c;
}

}  // namespace limuon::testing
