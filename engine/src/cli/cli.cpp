#include "limuon/cli.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "limuon/bench/optim_bench.hpp"

namespace limuon::cli {
namespace {

struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

int parse_int(const std::string& flag, const std::string& text, int low, int high) {
  size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < low || value > high)
    throw UsageError(flag + " = '" + text + "' must be an integer in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "]");
  return value;
}

std::vector<int> parse_threads(const std::string& text) {
  std::vector<int> threads;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) threads.push_back(parse_int("--threads", item, 0, 1024));
  if (threads.empty()) throw UsageError("--threads needs a comma-separated list such as 1,0 (0 = all cores)");
  return threads;
}

int bench_optim(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bench::OptimBenchConfig config;
  std::string json_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "--json") json_path = value();
    else if (a == "--rank") config.rank = parse_int(a, value(), 1, 128);
    else if (a == "--threads") config.threads = parse_threads(value());
    else if (a == "--quick") {
      config.min_samples = 1;
      config.max_samples = 3;
      config.seconds_per_case = 0.2;
    } else if (a == "--small") config.shapes = {{128, 128}, {128, 512}};
    else throw UsageError("unknown option '" + a + "' for 'bench optim'");
  }
  out << "Optimizer step time without forward/backward (median), fp32 CPU, rank " << config.rank
      << "; ratios are against Muon (Newton-Schulz) and LibTorch AdamW measured in this run.\n";
  const auto rows = bench::run_optim_bench(config, [&](const bench::OptimBenchRow& r) {
    out << "  " << r.rows << "x" << r.cols << " threads " << r.threads << "  " << r.optimizer << ": "
        << r.median_ms << " ms\n"
        << std::flush;
  });
  out << "\n" << bench::format_table(rows);
  if (!json_path.empty()) {
    std::ofstream file(json_path);
    if (!(file << bench::format_json(rows))) {
      err << "limuon-lab: cannot write " << json_path << "\n";
      return 1;
    }
    out << "wrote " << json_path << "\n";
  }
  return 0;
}

}  // namespace

std::string usage() {
  return "usage: limuon-lab [command]\n"
         "  (no command)          the main job; until the GUI lands: the optimizer benchmark, quick settings\n"
         "  bench optim [--json FILE] [--rank R] [--threads 1,0] [--quick] [--small]\n"
         "                        optimizer step time and state bytes: LiMuon modes, Muon, AdamW\n"
         "  help                  this text\n";
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) {
      out << "limuon-lab: the GUI is not built yet; running the default experiment headless:"
             " limuon-lab bench optim --quick\n";
      return bench_optim({"--quick"}, out, err);
    }
    if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
      out << usage();
      return 0;
    }
    if (args[0] == "bench") {
      if (args.size() < 2 || args[1] != "optim") throw UsageError("'bench' needs a benchmark name: bench optim");
      return bench_optim({args.begin() + 2, args.end()}, out, err);
    }
    throw UsageError("unknown command '" + args[0] + "'");
  } catch (const UsageError& e) {
    err << "limuon-lab: " << e.what() << "\n" << usage();
    return 2;
  } catch (const std::exception& e) {
    err << "limuon-lab: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace limuon::cli
