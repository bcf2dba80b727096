#include "limuon/models/model.hpp"

#include <ATen/ATen.h>
#include <torch/nn/functional/loss.h>

#include <map>
#include <mutex>
#include <stdexcept>

#include "limuon/models/gpt.hpp"
#include "limuon/models/qwen2.hpp"
#include "limuon/models/vit.hpp"
#include "limuon/optim/param_groups.hpp"
#include "limuon/util/random_streams.hpp"

namespace limuon::models {

ModelSpec parse_model_spec(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw std::invalid_argument("model '" + text +
                                "' is not family:preset (gpt:classroom|small|distilgpt2, vit:classroom|small|vit-tiny, "
                                "qwen2:classroom|small)");
  ModelSpec spec{text.substr(0, colon), text.substr(colon + 1)};
  // Validate the preset now, so a bad name fails before any data is loaded.
  if (spec.family == "gpt") gpt_preset(spec.preset);
  else if (spec.family == "vit") vit_preset(spec.preset);
  else if (spec.family == "qwen2") qwen2_preset(spec.preset);
  else throw std::invalid_argument("model family '" + spec.family + "' is not one of gpt, vit, qwen2");
  return spec;
}

int64_t BuiltModel::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : module->parameters()) n += p.numel();
  return n;
}

torch::Tensor BuiltModel::loss(const data::Batch& batch) const {
  const torch::Tensor logits = forward(batch.inputs);
  if (task == Task::text) return torch::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), batch.targets.reshape({-1}));
  return torch::cross_entropy_loss(logits, batch.targets);
}

BuiltModel::Evaluation BuiltModel::evaluate(const data::Batch& batch) const {
  const torch::Tensor logits = forward(batch.inputs);
  const torch::Tensor flat = logits.reshape({-1, logits.size(-1)});
  const torch::Tensor targets = batch.targets.reshape({-1});
  const double loss = torch::cross_entropy_loss(flat, targets).item<double>();
  const double correct = flat.argmax(1).eq(targets).sum().item<double>();
  return {loss, correct / static_cast<double>(targets.numel())};
}

BuiltModel build_model(const ModelSpec& spec, uint64_t seed) {
  // LibTorch's default generator is process-wide: trainers building models at the same time on other
  // threads would draw from each other's streams. Seed and initialise under one lock.
  static std::mutex init_mutex;
  std::lock_guard<std::mutex> lock(init_mutex);
  torch::manual_seed(purpose_seed(seed, RandomPurpose::model_init));
  BuiltModel built;
  built.spec = spec;
  if (spec.family == "gpt") {
    auto m = Gpt(gpt_preset(spec.preset));
    built.context = m->config().context;
    built.forward = [m](const torch::Tensor& x) mutable { return m->forward(x); };
    built.module = m.ptr();
  } else if (spec.family == "qwen2") {
    auto m = Qwen2(qwen2_preset(spec.preset));
    built.context = m->config().context;
    built.forward = [m](const torch::Tensor& x) mutable { return m->forward(x); };
    built.module = m.ptr();
  } else if (spec.family == "vit") {
    auto m = Vit(vit_preset(spec.preset));
    built.task = Task::image;
    built.forward = [m](const torch::Tensor& x) mutable { return m->forward(x); };
    built.module = m.ptr();
  } else {
    throw std::invalid_argument("model family '" + spec.family + "' is not one of gpt, vit, qwen2");
  }
  return built;
}

SmallestMatrix smallest_hidden_matrix(const ModelSpec& spec) {
  static std::mutex cache_mutex;
  static std::map<std::string, SmallestMatrix> cache;
  std::lock_guard<std::mutex> lock(cache_mutex);
  const auto found = cache.find(spec.text());
  if (found != cache.end()) return found->second;
  const BuiltModel model = build_model(spec, 0);
  const ParamSplit split = split_parameters(*model.module);
  SmallestMatrix smallest;
  for (size_t i = 0; i < split.matrices.size(); ++i) {
    const at::Tensor& p = split.matrices[i];
    const SmallestMatrix candidate{split.matrix_names[i], p.size(0), p.numel() / p.size(0)};
    if (smallest.name.empty() || candidate.min_dim() < smallest.min_dim()) smallest = candidate;
  }
  return cache.emplace(spec.text(), smallest).first->second;
}

}  // namespace limuon::models
