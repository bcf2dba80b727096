#include "limuon/optim/param_groups.hpp"

#include <algorithm>

namespace limuon {

bool is_hidden_matrix(const std::string& name, const torch::Tensor& param) {
  if (param.dim() < 2) return false;
  // Judge each dot-separated component, so "blocks.0.multihead_attn.q.weight" stays a matrix while
  // "head.weight", "lm_head.weight", "wte.weight", "pos_embed" and "cls_token" go to AdamW.
  size_t start = 0;
  while (start <= name.size()) {
    const size_t dot = std::min(name.find('.', start), name.size());
    const std::string part = name.substr(start, dot - start);
    if (part == "head" || part == "lm_head" || part == "wte" || part == "wpe" || part == "classifier" ||
        part.find("embed") != std::string::npos || part.find("token") != std::string::npos ||
        part.rfind("pos", 0) == 0)
      return false;
    start = dot + 1;
  }
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
