#include "measured_run.hpp"

#include <stdexcept>

#include "limuon/train/trainer.hpp"

namespace limuon::bench::detail {

train::RunConfig measured_config(const std::string& model, int64_t batch, int64_t steps, int threads) {
  train::RunConfig c;
  c.model = model;
  c.batch_size = batch;
  c.steps = steps;
  c.eval_every = steps;
  c.eval_batches = 1;
  c.spectrum_every = 0;
  c.checkpoint_every = 0;
  c.threads = threads;
  return c;
}

std::vector<train::MetricPoint> train_to_end(const train::RunConfig& config) {
  train::Trainer trainer(config);
  trainer.start();
  trainer.wait();
  if (trainer.state() != train::RunState::finished)
    throw std::runtime_error(std::string("the run ended ") + train::to_string(trainer.state()) + ": " +
                             trainer.error());
  return trainer.drain().metrics;
}

}  // namespace limuon::bench::detail
