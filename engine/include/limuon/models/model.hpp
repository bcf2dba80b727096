// A model chosen by name ("gpt:classroom", "vit:small", "qwen2:classroom", ...), built from a seed,
// with the loss that trains it. The trainer and the CLI only see this.
#pragma once

#include <torch/nn/module.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "limuon/data/batches.hpp"

namespace limuon::models {

enum class Task { text, image };

struct ModelSpec {
  std::string family;  // gpt, vit, qwen2
  std::string preset;
  std::string text() const { return family + ":" + preset; }
};

// Parses "family:preset"; throws std::invalid_argument naming the accepted families and presets.
ModelSpec parse_model_spec(const std::string& text);

struct BuiltModel {
  ModelSpec spec;
  Task task = Task::text;
  int64_t context = 0;  // text models: tokens per sequence
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&)> forward;  // inputs -> logits
  int64_t parameter_count() const;
  // Mean cross-entropy of the batch's next tokens (text) or labels (images).
  torch::Tensor loss(const data::Batch& batch) const;
  // What validation reports, from one forward pass: the mean cross-entropy and the fraction of top-1
  // predictions (the next token, or the label) that are right. Call under a no-grad guard.
  struct Evaluation {
    double loss = 0;
    double accuracy = 0;
  };
  Evaluation evaluate(const data::Batch& batch) const;
};

BuiltModel build_model(const ModelSpec& spec, uint64_t seed);

// The hidden matrix (see limuon::is_hidden_matrix) with the smallest min(m, n): LiMuon's rank must not
// exceed it. Found by building the model once per spec; later calls read a cache.
struct SmallestMatrix {
  std::string name;
  int64_t rows = 0, cols = 0;
  int64_t min_dim() const { return std::min(rows, cols); }
};
SmallestMatrix smallest_hidden_matrix(const ModelSpec& spec);

}  // namespace limuon::models
