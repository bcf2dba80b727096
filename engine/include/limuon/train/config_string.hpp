// A run's whole configuration as one short copyable string, like TensorFlow Playground's URL:
//   limuon1:optimizer=muon&lr=0.01&steps=200
// Only settings that differ from the defaults are written (the label `name` never: it does not change
// the run), each value percent-encoded, so the string survives a chat message or a shell. Reading it back
// gives the same RunConfig, hence on CPU the same run bit for bit.
#pragma once

#include <string>

#include "limuon/train/run_config.hpp"

namespace limuon::train {

std::string to_config_string(const RunConfig& config);
// ConfigError naming the part that is wrong (a missing prefix, an unknown or repeated key, a bad value),
// and the config is then not returned. The result is validated like any other config.
RunConfig from_config_string(const std::string& text);

}  // namespace limuon::train
