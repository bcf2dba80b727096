// Splitting a model's parameters between the matrix optimizer (Muon / LiMuon) and its AdamW group,
// so that one optimizer object, one state and one checkpoint cover the whole model.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace limuon {

// Decides whether a named parameter is a hidden matrix (Muon / LiMuon) or not (AdamW).
using MatrixRule = std::function<bool(const std::string& name, const torch::Tensor& param)>;

// Default: at least 2-D (conv kernels count, as (out, rest) matrices) and not an embedding, position
// table, class token or output head: no dot-separated name component is head, lm_head, wte, wpe or
// classifier, contains "embed" or "token", or starts with "pos".
bool is_hidden_matrix(const std::string& name, const torch::Tensor& param);

struct ParamSplit {
  std::vector<std::string> matrix_names, other_names;
  std::vector<torch::Tensor> matrices, others;
};

// Parameters in the module's own (deterministic) order; frozen ones (requires_grad false) are left out.
ParamSplit split_parameters(const torch::nn::Module& model, const MatrixRule& is_matrix = is_hidden_matrix);

// Two groups: the matrices with `matrix_options`, the rest with `adamw_options` marked adamw(true).
// Empty groups are omitted. Works for LiMuonOptions and MuonOptions.
template <typename Options>
std::vector<torch::optim::OptimizerParamGroup> make_param_groups(const ParamSplit& split, Options matrix_options,
                                                                 Options adamw_options) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (!split.matrices.empty())
    groups.emplace_back(split.matrices, std::make_unique<Options>(matrix_options.adamw(false)));
  if (!split.others.empty())
    groups.emplace_back(split.others, std::make_unique<Options>(adamw_options.adamw(true)));
  return groups;
}

}  // namespace limuon
