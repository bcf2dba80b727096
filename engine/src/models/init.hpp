// Weight initialisation shared by the models. Private to the engine.
#pragma once

#include <torch/nn/module.h>

namespace limuon::models {

// Every Linear and Embedding weight ~ N(0, std), biases zero; weights named "*proj.weight" or
// "*down.weight" (the residual-branch outputs) ~ N(0, residual_std). Norm gains keep their ones.
void init_transformer(torch::nn::Module& model, double std, double residual_std);

}  // namespace limuon::models
