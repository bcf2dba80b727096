// Everything that defines one training run. Set from TOML files, command-line flags or JSON (the
// form stored in the database); every bad key or value is a ConfigError naming where it came from.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace limuon::train {

struct ConfigError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct RunConfig {
  std::string name;                    // shown in lists; defaults to a summary of the settings
  std::string model = "gpt:classroom";  // family:preset
  std::string data;                     // moby-dick, fashion-mnist, mnist; empty = the model's default
  std::string optimizer = "limuon";     // limuon, muon, adamw
  double lr = 0.02;                     // matrices (LiMuon, Muon) or everything (AdamW)
  double adamw_lr = 3e-3;               // the AdamW group of LiMuon and Muon
  double beta = 0.1;                    // LiMuon's STORM weight
  int64_t rank = 0;                     // LiMuon: 0 = full-rank momentum
  std::string polar = "newton_schulz";  // svd, newton_schulz, lowrank
  int64_t oversampling = 5;
  int64_t power_iters = 0;
  double momentum = 0.95;               // Muon
  double weight_decay = 0.0;
  std::string lr_scale = "shape";
  int64_t steps = 300;
  int64_t grad_evals = 0;         // a budget of gradient evaluations instead of steps; 0 = use steps
  int64_t batch_size = 32;
  int64_t eval_every = 25;        // validation loss every K steps
  int64_t eval_batches = 4;
  int64_t spectrum_every = 50;    // singular values of update and momentum every K steps (0 = never)
  std::string spectrum_params;    // comma-separated matrix names; empty = the first and the last hidden matrix
  int64_t checkpoint_every = 100; // 0 = only on stop
  int64_t seed = 0;
  int64_t threads = 0;            // 0 = every core
  double divergence_factor = 4.0; // diverged when the loss is not finite or exceeds this x the first loss

  // Sets one field from text; `where` ("line 4", "--rank") prefixes any error.
  void set(const std::string& key, const std::string& value, const std::string& where);
  // Checks the whole config (model and data names, ranges, optimizer options).
  void validate() const;
  std::string summary() const;  // "limuon lr=0.005 rank=8 polar=lowrank": every setting off its default

  // A LiMuon step evaluates the gradient twice (W_t and W_{t+1} on the same batch), Muon and AdamW once.
  int64_t grad_evals_per_step() const { return optimizer == "limuon" ? 2 : 1; }
  // The steps the run takes: `steps`, or as many as the `grad_evals` budget pays for.
  int64_t total_steps() const { return grad_evals > 0 ? grad_evals / grad_evals_per_step() : steps; }

  std::string to_json() const;
  static RunConfig from_json(const std::string& json);  // ConfigError on bad JSON or keys
  // A config as a store or checkpoint holds it, also from an older build: before `grad_evals` existed,
  // AdamW read `lr` for every parameter (now `adamw_lr`), and settings the optimizer ignores could be
  // stored (they go back to their defaults, as they had no effect).
  static RunConfig from_stored_json(const std::string& json);
  static const std::vector<std::string>& keys();
};

// A TOML file's [run] table (or its top level when there is none) applied onto `base`.
RunConfig load_run_config(const std::string& path, RunConfig base = {});

}  // namespace limuon::train
