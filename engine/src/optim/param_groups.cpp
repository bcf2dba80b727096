#include "limuon/param_groups.hpp"

#include <array>

namespace limuon {

bool is_hidden_matrix(const std::string& name, const torch::Tensor& param) {
  if (param.dim() < 2) return false;
  static const std::array<const char*, 7> kNotHidden = {"embed", "wte", "wpe", "pos", "token", "head", "cls"};
  for (const char* fragment : kNotHidden)
    if (name.find(fragment) != std::string::npos) return false;
  return true;
}

ParamSplit split_parameters(const torch::nn::Module& model, const MatrixRule& is_matrix) {
  ParamSplit split;
  for (const auto& item : model.named_parameters(/*recurse=*/true)) {
    const torch::Tensor& p = item.value();
    if (!p.requires_grad()) continue;
    if (is_matrix(item.key(), p)) {
      split.matrix_names.push_back(item.key());
      split.matrices.push_back(p);
    } else {
      split.other_names.push_back(item.key());
      split.others.push_back(p);
    }
  }
  return split;
}

}  // namespace limuon
